"""`hris-hub reports bias ...`: the bias audit's rates, impact ratios and flags (docs/fairness.md)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timezone

import click
from flask.cli import with_appcontext

from hub.clitools import state as hub_state
from hub.fairness import categories, reports
from hub.outcomes.cli import reports_group


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


@click.command("bias")
@click.option("--job-family", required=True, help="e.g. rnd or sales.")
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Interviews on or after this date (UTC)."
)
@click.option(
    "--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Interviews before this date (UTC)."
)
@click.option(
    "--category-set",
    type=click.Choice(categories.names()),
    default=categories.DEFAULT_SET,
    show_default=True,
    help="Which self-identified categories to audit.",
)
@click.option(
    "--keep-small",
    is_flag=True,
    help="Rate categories under 2 %% of the applicants too (they are left out by default).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@with_appcontext
def reports_bias(job_family, since, until, category_set, keep_small, fmt):
    """Selection and scoring rates per category, impact ratios against the most selected one, four-fifths flags."""
    query = reports.Query(
        job_family=job_family,
        since=since.replace(tzinfo=timezone.utc) if since else None,
        until=until.replace(tzinfo=timezone.utc) if until else None,
        category_set=category_set,
        exclude_small=not keep_small,
    )
    with hub_state().read_session_factory() as session:
        report = reports.bias(session, query)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=reports.CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(reports.csv_rows(report))
        click.echo(buffer.getvalue(), nl=False)
        return
    distribution = report["distribution"]
    click.echo(
        f"bias audit for {job_family} ({report['category_set']['name']}), audit date {report['audit_date']}: "
        f"{report['applicants']} applicants, {distribution['from'] or '-'} to {distribution['to'] or '-'}; "
        "unknown: " + ", ".join(f"{key} {n}" for key, n in report["unknown"].items())
    )
    for outcome in report["outcomes"]:
        click.echo(f"{outcome['outcome']} ({outcome['kind']} rate, {outcome['counted']} counted)")
        for dimension, table in outcome["tables"].items():
            click.echo(f"  {dimension} (unknown {table['unknown']}, reference {table['reference'] or '-'})")
            for row in table["rows"]:
                marks = [
                    mark
                    for mark, on in (
                        ("FLAG under 0.8", row["flagged"]),
                        ("excluded (<2 %)", row["excluded"]),
                        ("too small to read", row["too_small"]),
                    )
                    if on
                ]
                test = f"  {row['test']} p={row['p_value']:.3g}" if row["p_value"] is not None else ""
                click.echo(
                    f"    {row['category']:44} n {row['applicants']:5}  selected {row['selected']:5}  "
                    f"rate {_pct(row['rate']):>6}  ratio {_ratio(row['impact_ratio']):>5}{test}"
                    + (f"  [{'; '.join(marks)}]" if marks else "")
                )
    click.echo(f"{len(report['flags'])} flag(s)")
    for note in report["notes"]:
        click.echo(f"note: {note}")


def init_app(main: click.Group) -> None:
    """Register this room's commands: `reports bias` joins the outcomes room's `reports` group."""
    reports_group.add_command(reports_bias)
