"""The operator docs stay true: every setting the hub reads is documented."""

import re

from tests.conftest import ROOT


def test_every_setting_is_documented():
    sources = [ROOT / "hub" / "config.py", ROOT / "scoring_engine" / "coding" / "sandbox.py"]
    read = {name for source in sources for name in re.findall(r'"(HUB_[A-Z_]+)"', source.read_text())}
    documented = set(re.findall(r"`(HUB_[A-Z_]+)`", (ROOT / "docs" / "configuration.md").read_text()))
    assert read - documented == set(), f"settings missing from docs/configuration.md: {sorted(read - documented)}"
    assert documented - read - {"HUB_TEST_POSTGRES_URL", "HUB_TEST_EMBEDDINGS"} == set()


def test_every_cli_command_in_the_readme_exists():
    from hub.cli import main

    code = "\n".join(re.findall(r"```(?:sh)?\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.DOTALL))
    for line in re.findall(r"^\s*hris-hub ([a-z-]+(?: [a-z-]+)?)", code, flags=re.MULTILINE):
        words = line.split()
        command = main.commands.get(words[0])
        assert command is not None, f"README mentions unknown command hris-hub {words[0]}"
        if len(words) > 1 and hasattr(command, "commands"):
            assert words[1] in command.commands, f"README mentions unknown command hris-hub {line}"
