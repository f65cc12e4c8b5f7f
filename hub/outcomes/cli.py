"""`hris-hub outcomes ...` and `hris-hub reports ...`: outcomes in from CSV files, validity reports out."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import timezone
from pathlib import Path

import click
from flask.cli import with_appcontext

from hub.clitools import CLI_ACTOR
from hub.clitools import state as hub_state
from hub.outcomes import records, reports
from hub.storage.db import transaction
from mappings import inbound


@click.group("outcomes")
def outcomes_group():
    """Performance reviews and attendance summaries that come back from HR systems."""


@outcomes_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    "mapping_name",
    required=True,
    type=click.Choice(inbound.inbound_names()),
    help="How the file's columns map to outcome records (docs/outcomes.md).",
)
@click.option("--dry-run", is_flag=True, help="Check every row and say what would be stored; store nothing.")
@with_appcontext
def outcomes_import(file: Path, mapping_name: str, dry_run: bool):
    """Import a CSV of reviews or attendance (UTF-8 or GB18030, found by itself); errors name their line.

    Good rows are stored even when others are bad; the exit status is 1 when any row had an error."""
    try:
        encoding, rows = inbound.read_file(file, mapping_name)
        good: list = []
        bad: list = []
        with file.open("rb") as handle:  # lines, less the header: the bar's length (quoted newlines only overshoot)
            length = max(sum(1 for _ in handle) - 1, 1)
        with click.progressbar(
            rows,
            length=length,
            label=f"reading {file.name} ({encoding})",
            file=sys.stderr,
            show_pos=True,
            show_percent=True,
        ) as bar:
            for row in bar:
                (bad if row.errors else good).append(row)
    except inbound.CsvInputError as error:
        raise click.ClickException(f"{file}: {error}; nothing was imported") from None
    for row in bad[:50]:
        for fault in row.errors:
            click.echo(
                f"{file}:{row.line}: {fault.get('column') or fault.get('pointer') or ''}: {fault['message']}", err=True
            )
    if len(bad) > 50:
        click.echo(f"... and {len(bad) - 50} more rows with errors", err=True)
    if dry_run:
        click.echo(f"dry run: {len(good)} rows are valid outcome records, {len(bad)} have errors; nothing was stored")
        raise SystemExit(1 if bad else 0)
    stored = records.Stored()
    if good:
        with transaction(hub_state().session_factory) as session:
            stored = records.store(session, [row.record for row in good], actor=CLI_ACTOR, via="csv")
    click.echo(
        f"imported {len(good)} rows: {stored.created} new, {stored.updated} updated, {stored.unchanged} unchanged; "
        f"{len(stored.unlinked)} link to no hire yet (`hris-hub outcomes relink` after decisions arrive)"
    )
    if bad:
        raise click.ClickException(
            f"{len(bad)} rows with errors were not imported (the lines above); fix them and "
            "import the file again (rows already imported are left as they are)"
        )


@outcomes_group.command("relink")
@with_appcontext
def outcomes_relink():
    """Link outcomes that arrived before their hire's decision recorded the employee id."""
    with transaction(hub_state().session_factory) as session:
        linked = records.relink(session)
    click.echo(f"linked {linked} outcome(s)")


@click.group("reports")
def reports_group():
    """Reports for HR analysts (advisory: nothing here changes a model)."""


@reports_group.command("validity")
@click.option("--job-family", required=True, help="e.g. rnd or sales.")
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Interviews on or after this date."
)
@click.option("--threshold", type=float, default=reports.DEFAULT_THRESHOLD, show_default=True)
@click.option("--min-n", type=int, default=reports.DEFAULT_MIN_N, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@with_appcontext
def reports_validity(job_family, since, threshold, min_n, fmt):
    """How well each interview dimension predicted later performance and attendance, with n and 95 % intervals."""
    query = reports.Query(
        job_family=job_family,
        since=since.replace(tzinfo=timezone.utc) if since else None,
        threshold=threshold,
        min_n=min_n,
    )
    with hub_state().read_session_factory() as session:
        report = reports.validity(session, query)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    rows = reports.csv_rows(report)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=reports.CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
        return
    counted = report["counted"]
    click.echo(
        f"validity for {job_family}: {counted['hires']} hires, {counted['applicants']} scored applicants, "
        f"{counted['unlinked_outcomes']} unlinked outcomes (threshold {threshold}, min n {min_n})"
    )
    for row in rows:
        shown = "not enough data" if row["r"] is None else f"r {row['r']:.2f} [{row['low']:.2f}, {row['high']:.2f}]"
        flag = "  FLAG: below threshold" if row["flagged"] else ""
        click.echo(
            f"  {row['predictor']:22} -> {row['outcome']:28} n {row['n']:4}  {shown}  ({row['correction']}){flag}"
        )
    for note in report.get("notes", []):
        click.echo(f"  note: {note}")


def init_app(main: click.Group) -> None:
    """Register this room's commands on the root group."""
    main.add_command(outcomes_group)
    main.add_command(reports_group)
