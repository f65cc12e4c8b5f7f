"""`hris-hub serve` and `hris-hub demo`: running the hub."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import with_appcontext

from hub.clitools import state as hub_state
from hub.ops import serving
from hub.ops.serving import listening


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option(
    "--threads",
    default=serving.DEFAULT_THREADS,
    show_default=True,
    type=click.IntRange(1, 512),
    help="Threads running requests, per process.",
)
@click.option(
    "--connection-limit",
    default=serving.DEFAULT_CONNECTION_LIMIT,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Open client connections held at once, per process (more wait in the listen backlog).",
)
@click.option(
    "--backlog", default=serving.DEFAULT_BACKLOG, show_default=True, type=click.IntRange(1, 65_535), hidden=True
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Server processes sharing the port (POSIX; use one per core on PostgreSQL, see docs/operations.md).",
)
@click.option("--upgrade/--no-upgrade", default=True, show_default=True, help="Apply pending migrations first.")
@with_appcontext
def serve(host, port, threads, connection_limit, backlog, processes, upgrade):
    """Run the hub on waitress, a production WSGI server."""
    import waitress

    from hub.storage.migrate import upgrade as apply_migrations

    state = hub_state()
    if processes > 1 and not hasattr(os, "fork"):
        raise click.ClickException("--processes above 1 needs a POSIX system (fork); run one serve per port instead")
    if upgrade:
        apply_migrations(state.engine)
    serving.raise_open_files_limit(connection_limit + threads * 4 + 256)
    options = serving.serve_options(
        threads=threads,
        connection_limit=connection_limit,
        backlog=backlog,
        max_body_bytes=state.settings.max_upload_bytes + 1024 * 1024,
    )
    app = current_app._get_current_object()
    with listening(host, port):
        sock = serving.listening_socket(host, port, backlog) if processes > 1 else None
        server = None if sock else waitress.create_server(app, host=host, port=port, **options)
    where = f"http://{host}:{port}"
    click.echo(
        f"hris-hub listening on {where} (API /api/v1, OpenAPI /api/v1/openapi.json): "
        f"{processes} process(es) x {threads} threads, up to {connection_limit} connections each"
    )
    if server is not None:
        server.run()
        return

    def child() -> None:
        # A forked child must not use the parent's database connections: drop them (without closing them under
        # the parent) and let each child open its own.
        state.engine.dispose(close=False)
        state.read_session_factory.kw["bind"].dispose(close=False)
        waitress.create_server(app, sockets=[sock], **options).run()

    serving.run_processes(processes, child, log_line=lambda line: click.echo(line, err=True))


from hub.ops.demo import demo_command  # noqa: E402  (the demo imports the CLI's helpers)


def init_app(main: click.Group) -> None:
    """Register this room's commands on the root group."""
    main.add_command(serve)
    main.add_command(demo_command)
