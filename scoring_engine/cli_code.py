"""`hris-hub score code FILE --task quicksort [--json]`: run a submission in the sandbox and score it by hand."""

import json
import sys
from pathlib import Path

import click

from scoring_engine.cli_interview import EXIT_BAD_INPUT
from scoring_engine.errors import ScoringError

# Exit code when the host cannot build the sandbox: nothing ran, and retrying on this host will not help.
EXIT_SANDBOX_UNAVAILABLE = 3


@click.command("code")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--task", "task_name", required=True, help="Coding task: 'quicksort', 'palindrome', 'pair_sum' or a task YAML path."
)
@click.option("--language", default="python3", show_default=True, help="Language of the code.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def code_command(file: Path, task_name: str, language: str, as_json: bool):
    """Run the code in FILE against every test of the task (in the sandbox) and print the score with evidence."""
    from scoring_engine.coding import CodeSandboxUnavailable, load_task, score_code

    try:
        code = read_code(file)
        task = load_task(task_name)
        result = score_code(code, task, language=language, pointer=str(file))
    except CodeSandboxUnavailable as error:
        click.echo(f"error [{error.code}]: {error}", err=True)
        sys.exit(EXIT_SANDBOX_UNAVAILABLE)
    except ScoringError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(format_code_score(result, task))


def read_code(file: Path) -> str:
    """The source file as text, or ScoringError saying why not."""
    try:
        return file.read_text(encoding="utf-8")
    except OSError as error:
        raise ScoringError(f"{file}: cannot read the file ({error.strerror})", code="code-unreadable") from None
    except UnicodeDecodeError:
        raise ScoringError(f"{file}: not UTF-8 text", code="code-unreadable") from None


def format_code_score(result, task) -> str:
    """The score as text for a person: total, components, each test's verdict and time, quality findings."""
    components = ", ".join(f"{name} {value:.2f}" for name, value in result.components.items())
    lines = [
        f"Task {task.id} {task.version} ({task.title['en']} / {task.title['zh']}), feeds {result.dimension}",
        f"Score {result.score:.1f}, level {result.level}: {task.scoring.bars[result.level - 1].description['en']}",
        f"  {components}",
        "",
        "Tests:",
    ]
    for test in result.tests:
        detail = f"  {test.message}" if test.message else ""
        lines.append(
            f"  {test.visibility:<7} {test.name:<18} {test.verdict:<13} {test.cpu_seconds:6.3f} s CPU"
            f" {test.wall_seconds:6.3f} s wall{detail}"
        )
    if result.slowest:
        lines.append(f"Slowest: {result.slowest['test']} ({result.slowest['cpu_seconds']:.3f} s CPU)")
    if result.quality_findings:
        lines += ["", "Code quality:"] + [f"  - {finding}" for finding in result.quality_findings]
    lines += ["", "Scores are advisory: a person makes the decision."]
    return "\n".join(lines)
