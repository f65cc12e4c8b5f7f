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

from connectors.csv_render import escape_formula
from hub.clitools import CLI_ACTOR
from hub.clitools import state as hub_state
from hub.outcomes import drafts, records, reports
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
        click.echo(_csv_text(reports.CSV_COLUMNS, rows), nl=False)
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


def _csv_text(columns: list[str], rows: list[dict]) -> str:
    """Rows as CSV; a cell a spreadsheet would run as a formula (a department named "=cmd") is neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(column) is None else escape_formula(str(row.get(column))) for column in columns])
    return buffer.getvalue()


def _utc(since):
    return since.replace(tzinfo=timezone.utc) if since else None


_SINCE = click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Interviews on or after this date (UTC)."
)


@reports_group.command("attendance")
@click.option("--job-family", default=None, help="e.g. rnd; every family when left out (then no model proposal).")
@_SINCE
@click.option(
    "--often-late-share",
    type=float,
    default=reports.DEFAULT_OFTEN_LATE_SHARE,
    show_default=True,
    help="A hire is often late when late on more than this share of workdays.",
)
@click.option("--min-group", type=int, default=reports.DEFAULT_MIN_GROUP, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@with_appcontext
def reports_attendance(job_family, since, often_late_share, min_group, fmt):
    """Late rate by stated work-time preference, department and job family, with Wilson intervals and tests."""
    state = hub_state()
    query = reports.AttendanceQuery(
        job_family=job_family, since=_utc(since), often_late_share=often_late_share, min_group=min_group
    )
    with state.read_session_factory() as session:
        found, proposals = drafts.attendance_preview(session, query, state.settings)
        report = reports.attendance(session, query, [p.to_dict() for p in proposals], found)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    rows = reports.attendance_csv_rows(report)
    if fmt == "csv":
        click.echo(_csv_text(reports.ATTENDANCE_CSV_COLUMNS, rows), nl=False)
        return
    click.echo(
        f"attendance for {job_family or 'every job family'}: {report['hires']} hires with attendance; often late = "
        f"late on more than {often_late_share:.0%} of workdays"
    )
    grouping = None
    for row in rows:
        if row["grouping"] != grouping:
            grouping = row["grouping"]
            click.echo(f"  by {grouping}:")
        test = (
            f"vs rest {row['rest_rate']:.1%}, {row['test']}, adjusted p {row['adjusted_p']:.3g}"
            if row["adjusted_p"] is not None
            else "too few to compare"
        )
        flag = "  SIGNIFICANT" if row["significant"] else ""
        click.echo(
            f"    {row['group']:16} {row['often_late']:5} of {row['hires']:5} often late  {row['rate']:6.1%} "
            f"[{row['low']:.1%}, {row['high']:.1%}]  {test}{flag}"
        )
    for proposal in report["proposals"]:
        click.echo(f"  proposal ({proposal['kind']}): {json.dumps(proposal['change'], ensure_ascii=False)}")
    if report["proposals"]:
        click.echo(f"  to draft them: hris-hub models propose --from attendance --job-family {job_family}")
    for note in report.get("notes", []):
        click.echo(f"  note: {note}")


@click.group("models")
def models_group():
    """Competency model and attendance policy drafts: proposed from the reports, approved or rejected by a person."""


@models_group.command("propose")
@click.option(
    "--from",
    "source",
    type=click.Choice(["validity", "attendance"]),
    required=True,
    help="validity: weights from the validity report; attendance: time management and the flexible window.",
)
@click.option("--job-family", required=True, help="The model to change, e.g. rnd.")
@click.option("--family", default=None, help="The model's job family whose weights change [default: its default].")
@click.option("--outcome", default=drafts.DEFAULT_OUTCOME, show_default=True, help="validity: the outcome to weigh by.")
@_SINCE
@with_appcontext
def models_propose(source, job_family, family, outcome, since):
    """Write drafts from a report; nothing is scored with them until a person approves one."""
    state = hub_state()
    with transaction(state.session_factory) as session:
        if source == "validity":
            draft = drafts.propose_weights(
                session,
                reports.Query(job_family=job_family, since=_utc(since)),
                actor=CLI_ACTOR,
                family_key=family,
                outcome=outcome,
            )
            made = [draft] if draft else []
        else:
            made = drafts.propose_from_attendance(
                session,
                reports.AttendanceQuery(job_family=job_family, since=_utc(since)),
                state.settings,
                actor=CLI_ACTOR,
            )
        shown = [(d.id, d.kind, d.name, d.version, d.base_version) for d in made]
    if not shown:
        click.echo("nothing to propose: the report supports no change")
        return
    for draft_id, kind, name, version, base in shown:
        click.echo(f"draft {draft_id}: {kind} {name} {base} -> {version}")
    click.echo("review with `hris-hub models show ID`, then `hris-hub models approve ID` or `reject ID`")


@models_group.command("drafts")
@click.option("--status", type=click.Choice(drafts.STATUSES), default=None)
@click.option("--kind", type=click.Choice(drafts.KINDS), default=None)
@with_appcontext
def models_drafts(status, kind):
    """List drafts, newest first."""
    with hub_state().read_session_factory() as session:
        found = [drafts.view(d) for d in drafts.listing(session, status=status, kind=kind)]
    if not found:
        click.echo("no drafts")
    for d in found:
        click.echo(
            f"{d['id']}  {d['status']:10} {d['kind']:17} {d['name']:10} {d['base_version']} -> {d['version']}  "
            f"from {d['proposal']['source']}  {d['created_at'][:19]}"
        )


@models_group.command("show")
@click.argument("draft_id")
@click.option("--yaml", "as_yaml", is_flag=True, help="Print the whole model or policy document as YAML.")
@with_appcontext
def models_show(draft_id, as_yaml):
    """A draft: why it was proposed and what it changes (JSON), or its whole document (--yaml)."""
    with hub_state().read_session_factory() as session:
        draft = drafts.get(session, draft_id)
        text = drafts.export_yaml(draft) if as_yaml else json.dumps(drafts.view(draft), ensure_ascii=False, indent=2)
    click.echo(text, nl=not as_yaml)


@models_group.command("approve")
@click.argument("draft_id")
@click.option("--note", default=None, help="Why (kept with the draft; the audit trail records who and when).")
@with_appcontext
def models_approve(draft_id, note):
    """Approve a draft: a competency model is used for scoring from now on (audited)."""
    state = hub_state()
    with transaction(state.session_factory) as session:
        draft = drafts.approve(session, draft_id, actor=CLI_ACTOR, note=note, settings=state.settings)
        kind, name, version = draft.kind, draft.name, draft.version
    if kind == drafts.COMPETENCY_MODEL:
        click.echo(
            f"approved {name} {version}: new interviews are scored with it; "
            "`hris-hub results rescore --all` re-runs old ones on it"
        )
    else:
        click.echo(
            f"approved policy {name} {version}; deploy it with `hris-hub models show {draft_id} --yaml > "
            f"<HUB_POLICY_DIRS>/{name}.yaml` (the hub does not replace its policy by itself)"
        )


@models_group.command("reject")
@click.argument("draft_id")
@click.option("--note", default=None, help="Why.")
@with_appcontext
def models_reject(draft_id, note):
    """Reject a draft (audited); it stays listed with its reason."""
    with transaction(hub_state().session_factory) as session:
        draft = drafts.reject(session, draft_id, actor=CLI_ACTOR, note=note)
        name, version = draft.name, draft.version
    click.echo(f"rejected {name} {version}")


def init_app(main: click.Group) -> None:
    """Register this room's commands on the root group."""
    main.add_command(outcomes_group)
    main.add_command(reports_group)
    main.add_command(models_group)
