"""`hris-hub serve` and `hris-hub demo`: running the hub."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from hub.clitools import state as hub_state
from hub.ops.serving import listening


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads of the WSGI server.")
@click.option("--upgrade/--no-upgrade", default=True, show_default=True, help="Apply pending migrations first.")
@with_appcontext
def serve(host, port, threads, upgrade):
    """Run the hub on waitress, a production WSGI server."""
    import waitress

    from hub.storage.migrate import upgrade as apply_migrations

    state = hub_state()
    if upgrade:
        apply_migrations(state.engine)
    with listening(host, port):
        server = waitress.create_server(
            current_app._get_current_object(),
            host=host,
            port=port,
            threads=threads,
            ident="hris-hub",
            max_request_body_size=state.settings.max_upload_bytes + 1024 * 1024,
        )
    click.echo(f"hris-hub listening on http://{host}:{port} (API /api/v1, OpenAPI /api/v1/openapi.json)")
    server.run()


from hub.ops.demo import demo_command  # noqa: E402  (the demo imports the CLI's helpers)


def init_app(main: click.Group) -> None:
    """Register this room's commands on the root group."""
    main.add_command(serve)
    main.add_command(demo_command)
