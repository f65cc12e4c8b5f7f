"""`hris-hub worker`, `hris-hub connectors ...` and `hris-hub jobs ...`: delivery from the command line."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from hub.clitools import CLI_ACTOR, json_option
from hub.clitools import state as _state


@click.command("worker")
@click.option("--threads", default=8, show_default=True, help="Deliveries in flight at once in this process.")
@click.option("--until-idle", is_flag=True, help="Exit when nothing is queued, in flight or due within 30 s.")
@with_appcontext
def worker_command(threads, until_idle):
    """Score queued results and deliver sync jobs until stopped (SIGTERM lets attempts in flight finish).

    With --until-idle it exits once nothing is queued or in flight and no retry is due within 30 s.
    """
    from hub.delivery.worker import Worker

    worker = Worker(_state(), threads=threads)
    worker.install_signal_handlers()
    click.echo(f"worker {worker.worker_id} running; Ctrl-C or SIGTERM stops it cleanly")
    worker.run(until_idle=until_idle)


@click.group("connectors")
def connectors_group():
    """Target HR systems: add, change, test and preview connectors."""


@connectors_group.command("types")
def connectors_types():
    """Installed connector types, built-in and plugins."""
    from connectors.plugins import connector_types

    for name, cls in connector_types().items():
        click.echo(f"{name:20} {cls.version:8} {cls.payload_kind:5} {cls.description}")


@connectors_group.command("add")
@click.argument("name")
@click.option("--type", "type_name", required=True, help="A connector type (see `connectors types`).")
@click.option(
    "--mapping",
    required=True,
    help="A mapping name: a preset (see `mappings list`) or a file of HUB_MAPPING_DIRS; never a path.",
)
@click.option("--config", "config", required=True, help="The type's config as JSON, or @file.json.")
@click.option(
    "--events", default="candidate.hired", show_default=True, help="Comma-separated: result.scored, candidate.hired."
)
@click.option("--job-codes", default=None, help="Comma-separated job codes (default: every job).")
@click.option("--settings", default=None, help="Mapping parameters as JSON, or @file.json.")
@click.option("--retry-schedule", default=None, help="Seconds between attempts, e.g. 5,300,1800.")
@click.option("--max-concurrency", default=4, show_default=True, type=int)
@click.option("--rate", "rate_per_second", default=None, type=float, help="At most this many deliveries a second.")
@with_appcontext
def connectors_add(
    name, type_name, mapping, config, events, job_codes, settings, retry_schedule, max_concurrency, rate_per_second
):
    """Add a connector; its config is validated and its secrets stored encrypted."""
    from hub.delivery import connector_admin

    spec = {
        "name": name,
        "type": type_name,
        "mapping": mapping,
        "config": json_option(config, "--config"),
        "events": [e.strip() for e in events.split(",") if e.strip()],
        "job_codes": [c.strip() for c in job_codes.split(",")] if job_codes else None,
        "settings": json_option(settings, "--settings") or {},
        "max_concurrency": max_concurrency,
        "rate_per_second": rate_per_second,
    }
    if retry_schedule:
        spec["retry_schedule"] = _schedule(retry_schedule)
    with _state().session_factory() as session, session.begin():
        connector_admin.add(session, spec, actor=CLI_ACTOR, settings=_state().settings)
    click.echo(f"added connector {name!r} ({type_name}, mapping {mapping})")


def _schedule(text: str) -> list[float]:
    try:
        return [float(part) for part in text.split(",")]
    except ValueError:
        raise click.BadParameter("--retry-schedule: comma-separated seconds, e.g. 5,300,1800") from None


@connectors_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def connectors_list(as_json):
    """Configured connectors (secrets masked)."""
    from hub.delivery import connector_admin
    from hub.storage.models import Connector

    with _state().read_session_factory() as session:
        views = [
            connector_admin.view(c)
            for c in session.scalars(connector_admin.live(select(Connector).order_by(Connector.name)))
        ]
    if as_json:
        click.echo(json.dumps(views, ensure_ascii=False, indent=2))
        return
    if not views:
        click.echo(
            "no connectors yet: hris-hub connectors add NAME --type rest --mapping generic-rest --config '{...}'"
        )
    for view in views:
        state = "enabled" if view["enabled"] else f"disabled ({view['disabled_reason']})"
        click.echo(
            f"{view['name']:20} {view['type']:8} {view['mapping']:24} {','.join(view['events']):30} "
            f"breaker {view['breaker']['state']:9} {state}"
        )


@connectors_group.command("update")
@click.argument("name")
@click.option("--config", default=None, help="Config changes as JSON or @file (merged; secrets kept unless given).")
@click.option("--mapping", default=None, help="A mapping name (as for `connectors add`).")
@click.option("--events", default=None)
@click.option("--settings", default=None)
@click.option("--enable", "enabled", flag_value=True, default=None, help="Enable (also closes the breaker).")
@with_appcontext
def connectors_update(name, config, mapping, events, settings, enabled):
    """Change a connector."""
    from hub.delivery import connector_admin

    changes = {
        k: v
        for k, v in {
            "config": json_option(config, "--config"),
            "mapping": mapping,
            "events": [e.strip() for e in events.split(",")] if events else None,
            "settings": json_option(settings, "--settings"),
            "enabled": enabled,
        }.items()
        if v is not None
    }
    with _state().session_factory() as session, session.begin():
        connector_admin.update(session, name, changes, actor=CLI_ACTOR, settings=_state().settings)
    click.echo(f"updated {name!r}: {', '.join(sorted(changes)) or 'nothing'}")


@connectors_group.command("disable")
@click.argument("name")
@click.option("--reason", default="disabled by an operator", show_default=True)
@with_appcontext
def connectors_disable(name, reason):
    """Stop delivering to a connector (its jobs wait until it is enabled again)."""
    from hub.delivery import connector_admin

    with _state().session_factory() as session, session.begin():
        connector_admin.disable(session, name, actor=CLI_ACTOR, reason=reason)
    click.echo(f"disabled {name!r}")


@connectors_group.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def connectors_delete(name, yes):
    """Delete a connector: its config and secrets are erased; its jobs stay in the sync log (waiting ones end dead)."""
    from hub.delivery import connector_admin

    if not yes:
        click.confirm(f"Delete connector {name!r}? Its config and secrets are erased", abort=True)
    with _state().session_factory() as session, session.begin():
        kept = connector_admin.delete(session, name, actor=CLI_ACTOR)
    click.echo(f'deleted {name!r}; its {kept} job(s) stay in the sync log as "{name} (deleted)"')


@connectors_group.command("check")
@click.argument("name")
@with_appcontext
def connectors_check(name):
    """Test the connection; exit 1 with a message saying what to fix."""
    from hub.delivery import connector_admin

    with _state().read_session_factory() as session:
        connector = connector_admin.get(session, name)
    result = connector_admin.check(connector, _state().settings)
    click.echo(("ok: " if result.ok else "FAILED: ") + result.message)
    sys.exit(0 if result.ok else 1)


@connectors_group.command("operations")
@click.argument("name")
@click.argument("operation", required=False)
@with_appcontext
def connectors_operations(name, operation):
    """A SOAP connector's operations, or the fields OPERATION expects, as JSON pointers into a mapping's body."""
    from pathlib import Path

    from connectors import soap_operations, wsdl_cache
    from hub.delivery import connector_admin

    state = _state()
    with state.read_session_factory() as session:
        connector = connector_admin.get(session, name)
    if connector.type != "soap":
        raise click.ClickException(f"connector {name!r} is a {connector.type} connector; operations are a SOAP thing")
    config = connector.config or {}
    document = wsdl_cache.load_document(
        config["wsdl"],
        cache_dir=Path(state.settings.instance_path) / "cache" / "connectors",
        policy=state.settings.destinations,
    )
    if operation is None:
        click.echo("\n".join(soap_operations.operations(document)))
        return
    try:
        fields = soap_operations.operation_fields(document, operation)
    except KeyError as error:
        raise click.ClickException(error.args[0]) from None
    click.echo(soap_operations.format_fields(operation, fields))


@connectors_group.command("preview")
@click.argument("name")
@click.option("--result", "result_id", default=None, help="A stored result's id.")
@click.option(
    "--sample",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="An InterviewResult JSON with a 'decision' object, for trying a mapping before any data exists.",
)
@click.option("--event", default=None, help="Which event to preview (default: the connector's first).")
@with_appcontext
def connectors_preview(name, result_id, sample, event):
    """Print exactly what would be sent (method, URL, headers with secrets masked, body) without sending."""
    from hub.delivery import preview

    if bool(result_id) == bool(sample):
        raise click.UsageError("give exactly one of --result ID or --sample FILE")
    try:
        prepared = preview.prepare(_state(), name, result_id=result_id, sample_path=sample, event=event)
    except preview.PreviewError as error:
        raise click.ClickException(str(error)) from None
    except preview.NothingToSend as skipped:
        click.echo(f"nothing to send: the job would be skipped ({skipped})")
        return
    for number, item in enumerate(prepared, 1):
        if len(prepared) > 1:
            click.echo(f"--- payload {number} of {len(prepared)}")
        click.echo(f"{item.method} {item.url}")
        for header, value in item.headers.items():
            click.echo(f"{header}: {value}")
        click.echo("")
        click.echo(item.body)


@click.group("jobs")
def jobs_group():
    """Sync jobs: list them and replay dead ones."""


@jobs_group.command("list")
@click.option("--status", default=None)
@click.option("--connector", default=None)
@click.option("--limit", default=50, show_default=True)
@with_appcontext
def jobs_list(status, connector, limit):
    """Recent sync jobs, newest first."""
    from hub.delivery import sync_log

    with _state().read_session_factory() as session:
        rows, _ = sync_log.page(session, sync_log.Filters(status=status, connector=connector), limit=limit, before=None)
    for row in rows:
        click.echo(
            f"{row['job_id']}  {row['connector']:18} {row['event']:16} {row['status']:10} "
            f"attempts {row['attempts']}  {row['last_error'] or ''}"
        )


@jobs_group.command("replay")
@click.argument("job_id", required=False)
@click.option("--connector", default=None, help="Replay every dead job of this connector.")
@click.option("--all-dead", is_flag=True, help="Replay every dead job.")
@with_appcontext
def jobs_replay(job_id, connector, all_dead):
    """Send dead jobs again from the start of their retry schedule."""
    from hub.delivery import sync_log

    if not (job_id or connector or all_dead):
        raise click.UsageError("give a JOB_ID, --connector NAME or --all-dead")
    with _state().session_factory() as session, session.begin():
        if job_id:
            jobs = [sync_log.replay_one(session, job_id, actor=CLI_ACTOR)]
        else:
            jobs = sync_log.replay_matching(session, sync_log.Filters(connector=connector), actor=CLI_ACTOR)
    click.echo(f"replayed {len(jobs)} job(s)")


@click.group("documents")
def documents_group():
    """Canonical documents: what a mapping renders for a result (schema: /api/v1/schemas/canonical-document.json)."""


@documents_group.command("show")
@click.argument("result_id")
@click.option(
    "--event", default="candidate.hired", show_default=True, type=click.Choice(["candidate.hired", "result.scored"])
)
@click.option("--connector", "connector_name", default=None, help="Use this connector's settings and policy.")
@click.option("--reveal", is_flag=True, help="Show the candidate's name, email and phone (audited).")
@with_appcontext
def documents_show(result_id, event, connector_name, reveal):
    """Print the document a mapping would render for RESULT_ID, personal data masked unless --reveal."""
    import mappings
    from hub.audit import chain as audit
    from hub.delivery import connector_admin, documents
    from hub.errors import UnknownResult
    from hub.storage.models import InterviewResult

    state = _state()
    with state.session_factory() as session, session.begin():
        result = session.get(InterviewResult, result_id)
        if result is None:
            raise UnknownResult(f"no result {result_id!r}")
        connector = connector_admin.get(session, connector_name) if connector_name else None
        try:
            built = documents.for_result(
                result,
                event,
                connector,
                default_policy=state.settings.policy,
                catalog=state.settings.catalog,
                reveal=reveal,
            )
        except (documents.NotReady, mappings.PolicyError, mappings.InputError) as error:
            raise click.ClickException(str(error)) from None
        if reveal:
            audit.append(
                session,
                actor=CLI_ACTOR,
                action="document.revealed",
                object_type="interview_result",
                object_id=result.id,
                details={"event": event, "connector": connector_name},
            )
    click.echo(json.dumps(built, ensure_ascii=False, indent=2))


def init_app(main: click.Group) -> None:
    """Register this room's commands on the root group."""
    main.add_command(worker_command)
    main.add_command(connectors_group)
    main.add_command(jobs_group)
    main.add_command(documents_group)
