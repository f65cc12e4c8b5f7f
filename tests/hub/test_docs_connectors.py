"""docs/connectors.md, "Connecting real HR systems", stays true: its first command block (a fresh instance) and
every `sh` block followed by a `text` block are run as they are written, and each prints exactly its `text` block,
but for what differs on every run (preview ids, times, batch file digests). Blocks without a `text` block after
them (the generated large WSDL's walk-through, which tests/connectors covers) are not run here.

The `hris-hub` lines run in-process on one app made from the block's `export`s (a subprocess per line takes
minutes on a loaded machine; tests/hub/test_cli.py covers the installed script); the other lines (mkdir, cp) run
in bash. `hris-hub connectors check` lines are left out: they call the vendors' real hosts. The instance folder the
docs name (/srv/hris-hub/instance) is a temporary one here, and is written back as the docs name it before
comparing.
"""
from __future__ import annotations

import re
import shlex
import subprocess

import pytest

from tests.conftest import ROOT

DOC = ROOT / "docs" / "connectors.md"
SECTION = "## Connecting real HR systems"
DOC_INSTANCE = "/srv/hris-hub/instance"
VARYING = [
    (re.compile(r"preview-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "preview-<id>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)"), "<time>"),
    (re.compile(r"-[0-9a-f]{20}\.csv"), "-<digest>.csv"),
]


def blocks(markdown: str) -> list[tuple[str, str | None]]:
    """(commands, expected output or None) for each sh block of the section, in order."""
    section = markdown.split(SECTION, 1)[1].split("\n## ", 1)[0]
    fences = re.findall(r"^```(\w*)\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)
    out = []
    for index, (language, text) in enumerate(fences):
        if language != "sh":
            continue
        following = fences[index + 1] if index + 1 < len(fences) else None
        expected = following[1] if following and following[0] == "text" else None
        if expected is not None or not out:
            out.append((text, expected))
    return out


def commands_of(block: str) -> list[str]:
    """The block's commands as a shell reads them: split at newlines outside quotes, continuations joined."""
    out, current, quote, index = [], [], None, 0
    while index < len(block):
        char = block[index]
        if quote is None and char == "\\" and block[index + 1 : index + 2] == "\n":
            current.append(" ")
            index += 2
            continue
        if quote is None and char == "\n":
            out.append("".join(current))
            current = []
        else:
            if char in "'\"" and quote in (None, char):
                quote = None if quote == char else char
            current.append(char)
        index += 1
    out.append("".join(current))
    return [command for command in out if command.strip()]


def runnable(block: str) -> str:
    """The block as a script, one command a line, `connectors check` lines left out (as `:`)."""
    return "\n".join(":" if re.match(r"\s*hris-hub connectors check\b", command) else command.replace("\n", " ")
                     for command in commands_of(block))


def normalised(text: str) -> str:
    for pattern, replacement in VARYING:
        text = pattern.sub(replacement, text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def test_the_documented_commands_print_what_the_docs_show(tmp_path):
    from hub import create_app
    from tests.support.cli import invoke

    found = blocks(DOC.read_text())
    assert len(found) >= 8, "the section lost its command blocks"
    assert sum(expected is not None for _, expected in found) >= 8, "every preset shows what it prints"
    instance = str(tmp_path / "instance")
    settings = {"HUB_LOG_LEVEL": "ERROR"}
    app, app_settings = None, None
    failures = []
    try:
        for index, (commands, expected) in enumerate(found):
            printed = []
            for line in runnable(commands.replace(DOC_INSTANCE, instance)).splitlines():
                words = shlex.split(line, comments=True)
                if not words or words == [":"]:
                    continue
                if words[0] == "export":
                    name, _, value = words[1].partition("=")
                    settings[name] = value
                elif words[0] == "hris-hub":
                    if settings != app_settings:  # as a shell's next process would read its environment
                        assert settings.get("HUB_INSTANCE_PATH") == instance, "the first block names the instance"
                        if app is not None:
                            app.extensions["hub"].dispose()
                        app, app_settings = create_app(dict(settings)), dict(settings)
                    result = invoke(app, *words[1:])
                    if result.exit_code != 0:
                        failures.append(f"block {index + 1}: {line} exited {result.exit_code}: {result.output}")
                    printed.append(result.stdout)
                else:
                    run = subprocess.run(["bash", "-c", line], cwd=ROOT, capture_output=True, text=True, timeout=60,
                                         check=False)
                    if run.returncode != 0:
                        failures.append(f"block {index + 1}: {line} exited {run.returncode}: {run.stderr}")
                    printed.append(run.stdout)
            output = "".join(printed).replace(instance, DOC_INSTANCE)
            if expected is not None and normalised(output) != normalised(expected):
                failures.append(f"block {index + 1} printed something else:\n{commands}\n--- printed\n{output}"
                                f"\n--- documented\n{expected}")
    finally:
        if app is not None:
            app.extensions["hub"].dispose()
    assert not failures, "\n\n".join(failures)


def test_what_differs_on_each_run_is_all_that_is_ignored():
    documented = "Idempotency-Key: preview-273d4bc1-49fe-4f42-9c5b-707d973fdeaa.1\n{\"target\":95.0}"
    assert normalised(documented) == normalised(documented.replace("273d4bc1", "00000000"))
    assert normalised(documented) != normalised(documented.replace("95.0", "96.0"))


@pytest.mark.parametrize("line", ["hris-hub connectors check feishu", "  hris-hub connectors check wecom  # x"])
def test_check_lines_are_left_out(line):
    assert runnable(line) == ":"
