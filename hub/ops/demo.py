"""`hris-hub demo`: the whole path on loopback, from posted interviews to what an HR system stored."""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from pathlib import Path

import click
import requests
from sqlalchemy import func, select

# Short so the retries the demo HR system provokes finish while you watch.
DEMO_RETRY_SCHEDULE = [1, 2, 4, 8, 15]

DEMO_CONNECTORS = [
    # name, type, mapping, events
    ("hr-rest", "rest", "generic-rest", ["result.scored", "candidate.hired"]),
    ("successfactors", "rest", "successfactors-goal", ["candidate.hired"]),
    ("feishu", "rest", "feishu-shift", ["candidate.hired"]),
    ("wecom", "rest", "wecom-checkin-rule", ["candidate.hired"]),
    ("csv-goals", "csv", "generic-csv-goals", ["candidate.hired"]),
]


def examples_dir() -> Path:
    """The sample results in the source checkout's examples/ folder."""
    folder = Path(__file__).resolve().parents[2] / "examples" / "results"
    if not folder.is_dir():
        raise click.ClickException(f"the demo posts the sample results in {folder}; run it from a source checkout")
    return folder


def _serve(app, host: str, port: int):
    from hub.ops.serving import BackgroundServer, listening

    with listening(host, port):
        server = BackgroundServer(app, host=host, port=port)
    return server, server.url


def _connector_config(type_name: str, target_url: str, export_dir: Path) -> dict:
    if type_name == "csv":
        return {"destination": {"type": "folder", "path": str(export_dir)}, "schedule": {"batch_size": 1}}
    return {
        "base_url": target_url,
        "auth": {"type": "bearer", "token": "demo-" + secrets.token_hex(8)},
        "webhook_secret": "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode(),
        "timeouts": {"connect": 2, "read": 5},
    }


def _ensure_connectors(state, target_url: str, export_dir: Path) -> None:
    from hub.delivery import connector_admin
    from hub.storage.models import Connector

    with state.session_factory() as session, session.begin():
        for name, type_name, mapping, events in DEMO_CONNECTORS:
            config = _connector_config(type_name, target_url, export_dir)
            if session.scalar(connector_admin.live(select(Connector).where(Connector.name == name))):
                connector_admin.update(
                    session,
                    name,
                    {"config": config, "enabled": True, "retry_schedule": DEMO_RETRY_SCHEDULE},
                    actor="demo",
                    settings=state.settings,
                )
            else:
                connector_admin.add(
                    session,
                    {
                        "name": name,
                        "type": type_name,
                        "mapping": mapping,
                        "config": config,
                        "events": events,
                        "retry_schedule": DEMO_RETRY_SCHEDULE,
                    },
                    actor="demo",
                    settings=state.settings,
                )


def _post_examples(hub_url: str, key: str, run_id: str) -> list[dict]:
    posted = []
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {key}"
    for path in sorted(examples_dir().glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        decision = document.pop("decision", None)
        document["external_id"] = f"{document['external_id']}-{run_id}"
        response = http.post(f"{hub_url}/api/v1/results", json=document, timeout=30)
        if response.status_code != 202:
            raise click.ClickException(f"{path.name}: the hub answered {response.status_code}: {response.text}")
        posted.append(
            {
                "file": path.name,
                "id": response.json()["id"],
                "decision": decision,
                "name": document["candidate"].get("name"),
            }
        )
    for item in posted:
        if item["decision"]:
            response = http.post(f"{hub_url}/api/v1/results/{item['id']}/decision", json=item["decision"], timeout=30)
            if response.status_code not in (200, 201):
                raise click.ClickException(f"decision for {item['file']}: {response.status_code} {response.text}")
    http.close()
    return posted


def _report(state, hub_url: str, key: str, posted: list[dict], target) -> bool:
    """What this run did: its own results, their jobs and attempts (a run before it is not counted)."""
    from hub.storage.models import DeliveryAttempt, SyncJob
    from hub.storage.statuses import JobStatus, ResultStatus

    everything_ok = True
    click.echo("\nResults")
    for item in posted:
        view = requests.get(
            f"{hub_url}/api/v1/results/{item['id']}", headers={"Authorization": f"Bearer {key}"}, timeout=30
        ).json()
        profile = view.get("profile") or {}
        overall = profile.get("overall")
        decision = item["decision"] or {}
        hired = "hired" if decision.get("hired") else "not hired" if decision else "no decision"
        click.echo(
            f"  {item['name']:14} {item['file']:28} {view['status']:8} overall "
            f"{overall if overall is not None else '-':>5}  {hired}"
        )
        everything_ok &= view["status"] == ResultStatus.SCORED
        for sync in view["sync"]:
            done = sync["status"] in (JobStatus.DELIVERED, JobStatus.SKIPPED)  # skipped: nothing to send
            mark = "ok " if done else "!! "
            click.echo(
                f"      {mark}{sync['connector']:15} {sync['event']:16} {sync['status']:10} "
                f"after {sync['attempts']} attempt(s)"
            )
            everything_ok &= done
    ours = [item["id"] for item in posted]
    with state.read_session_factory() as session:
        attempts = dict(
            session.execute(
                select(DeliveryAttempt.outcome, func.count())
                .join(SyncJob, DeliveryAttempt.job_id == SyncJob.id)
                .where(SyncJob.result_id.in_(ours))
                .group_by(DeliveryAttempt.outcome)
            ).all()
        )
        jobs = dict(
            session.execute(
                select(SyncJob.status, func.count()).where(SyncJob.result_id.in_(ours)).group_by(SyncJob.status)
            ).all()
        )
    click.echo(f"\nSync jobs: {', '.join(f'{v} {k}' for k, v in sorted(jobs.items()))}")
    click.echo(
        f"Attempts:  {', '.join(f'{v} {k}' for k, v in sorted(attempts.items()))} "
        f"(the demo HR system refuses every {target.fail_every}th delivery with 503 to show retries)"
    )
    click.echo(
        f"Demo HR system stored {len(target.stored)} payload(s) from {target.requests} request(s); "
        f"duplicates refused: {target.duplicates}"
    )
    by_path: dict[str, int] = {}
    for record in target.stored.values():
        by_path[record["path"]] = by_path.get(record["path"], 0) + 1
    for path, count in sorted(by_path.items()):
        click.echo(f"  {count:3} x {path}")
    example = next((r for r in target.stored.values() if r["path"].endswith("Goal_1")), None)
    if example:
        click.echo("\nOne SAP SuccessFactors Goal_1 entity as stored:")
        click.echo(json.dumps(example["body"], ensure_ascii=False, indent=2))
    return everything_ok


def _add_outcomes(
    state, posted: list[dict], run_id: str, applicants: int, hub_url: str, key: str, instance_path, *, running: bool
) -> None:
    """Outcomes for the demo's hires, synthetic hires with planted effects, and what the reports make of them."""
    from hub.ops import demo_outcomes
    from hub.outcomes import records
    from hub.storage.db import transaction

    hires = [
        item["decision"]["employee_ids"]["default"]
        for item in posted
        if (item["decision"] or {}).get("hired") and (item["decision"].get("employee_ids") or {}).get("default")
    ]
    started = time.monotonic()
    with transaction(state.session_factory) as session:
        own = demo_outcomes.outcomes_for_hires(hires)
        stored = records.store(session, own, actor="demo", via="demo")
        seeded = demo_outcomes.seed_synthetic(session, applicants=applicants, run_id=run_id.replace("-", ""))
    click.echo(
        f"\noutcomes: {len(own)} for the demo's {len(hires)} hires ({len(stored.unlinked)} unlinked), and "
        f"{seeded.applicants} synthetic applicants of whom {seeded.hires} were hired, with {seeded.outcomes} reviews and "
        f"monthly attendance summaries (planted: technical_skill validity 0.5, teamwork 0.1, hiring the top 30 %, "
        f"flexible-hours hires late more often); {time.monotonic() - started:.1f} s"
    )
    for line in demo_outcomes.summary_lines(state, hub_url, key, instance_path, running=running):
        click.echo(line)


def demo_instance_path(instance: str | None) -> Path:
    """The demo's own folder: `--instance`, else `demo/` inside the hub's instance folder (never the hub's own data)."""
    if instance:
        return Path(instance).resolve()
    from hub.config import DEFAULT_INSTANCE_PATH

    return (Path(os.environ.get("HUB_INSTANCE_PATH") or DEFAULT_INSTANCE_PATH) / "demo").resolve()


def demo_app(instance_path: Path):
    """A hub on a SQLite database, keys and exports of the demo's own; HUB_DATABASE_URL is not used."""
    from hub import create_app

    # The demo HR system listens on loopback over plain http and exports go to the instance folder: the demo
    # allows exactly these, as an operator would with HUB_ALLOWED_DESTINATIONS and HUB_CSV_ROOTS.
    return create_app(
        {
            "HUB_INSTANCE_PATH": str(instance_path),
            "HUB_DATABASE_URL": f"sqlite:///{instance_path / 'hub.sqlite'}",
            "HUB_JOBS_DIR": str(instance_path / "jobs"),
            "HUB_ALLOWED_DESTINATIONS": "127.0.0.1/32",
            "HUB_ALLOW_PLAIN_HTTP": "true",
            "HUB_CSV_ROOTS": str(instance_path / "exports"),
        }
    )


@click.command("demo")
@click.option("--once", is_flag=True, help="Run the demo through, print what happened and exit (0: all delivered).")
@click.option("--port", default=8080, show_default=True, help="Port for the hub's API when the demo keeps running.")
@click.option("--timeout", default=120, show_default=True, help="Seconds to wait for every delivery.")
@click.option(
    "--instance",
    default=None,
    metavar="DIR",
    help="The demo's own instance folder  [default: demo/ in HUB_INSTANCE_PATH or ./instance]",
)
@click.option(
    "--with-outcomes",
    is_flag=True,
    help="Also give the demo's hires reviews and attendance, add synthetic hires with planted effects, and show the "
    "validity and attendance reports.",
)
@click.option(
    "--synthetic",
    default=5000,
    show_default=True,
    type=click.IntRange(100, 100_000),
    help="With --with-outcomes: synthetic applicants (the top 30 % are hired).",
)
def demo_command(once, port, timeout, instance, with_outcomes, synthetic):
    """Start a demo HR system on loopback, post sample results and hire decisions, deliver, and show it all.

    The demo runs in an instance of its own (database, keys, exports), so its connectors and results never
    mix with the hub's: delete the folder to forget it.
    """
    from hub.accounts.api_clients import create_client
    from hub.accounts.console_users import create_user
    from hub.delivery.worker import Worker
    from hub.ops.demo_target import DemoHRSystem
    from hub.storage.db import transaction
    from hub.storage.migrate import upgrade

    instance_path = demo_instance_path(instance)
    click.echo(f"demo instance: {instance_path} (its own database, keys and exports; your hub's data is untouched)")
    app = demo_app(instance_path)
    state = app.extensions["hub"]
    upgrade(state.engine)
    target = DemoHRSystem()
    target_server, target_url = _serve(target.app(), "127.0.0.1", 0)
    export_dir = Path(state.settings.instance_path) / "exports"
    export_dir.mkdir(parents=True, exist_ok=True)
    _ensure_connectors(state, target_url, export_dir)
    run_id = time.strftime("%Y%m%d%H%M%S") + "-" + secrets.token_hex(2)
    with transaction(state.session_factory) as session:
        _, key = create_client(session, name=f"demo-{run_id}", role="admin", actor="demo")
    hub_server, hub_url = _serve(app, "127.0.0.1", 0 if once else port)
    click.echo(f"demo HR system on {target_url}; hub API on {hub_url}; database {state.settings.database_url}")
    posted = _post_examples(hub_url, key, run_id)
    click.echo(
        f"posted {len(posted)} interview results and {sum(1 for p in posted if p['decision'])} decisions; delivering..."
    )

    worker = Worker(state, threads=8)
    if once:
        worker.run(until_idle=True, max_seconds=timeout)
        ok = _report(state, hub_url, key, posted, target)
        if with_outcomes:
            _add_outcomes(state, posted, run_id, synthetic, hub_url, key, instance_path, running=False)
        click.echo(f"\nCSV exports in {export_dir}")
        hub_server.close()
        target_server.close()
        if not ok:
            raise click.ClickException("some results were not scored or not delivered (see above)")
        click.echo("demo complete: everything delivered")
        return
    console_email, console_password = f"hr-it-{run_id}@demo.example", secrets.token_urlsafe(12)
    with transaction(state.session_factory) as session:
        create_user(session, email=console_email, role="admin", password=console_password, actor="demo")
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and worker._anything_due_soon():
        time.sleep(0.5)
    _report(state, hub_url, key, posted, target)
    if with_outcomes:
        _add_outcomes(state, posted, run_id, synthetic, hub_url, key, instance_path, running=True)
    click.echo(f"""
The hub keeps running so you can explore (Ctrl-C stops it).
Web console: {hub_url}/console/  sign in as {console_email} / {console_password}
API:
  export KEY={key}
  curl -s -H "Authorization: Bearer $KEY" {hub_url}/api/v1/sync-jobs | python -m json.tool
  curl -s -H "Authorization: Bearer $KEY" {hub_url}/api/v1/results/{posted[0]["id"]} | python -m json.tool
  curl -s -H "Authorization: Bearer $KEY" "{hub_url}/api/v1/audit?format=csv"
  curl -s {target_url}/received | python -m json.tool     # what the demo HR system stored
  HUB_INSTANCE_PATH={instance_path} hris-hub audit verify""")
    try:
        while thread.is_alive():
            thread.join(1)
    except KeyboardInterrupt:
        worker.stop()
        thread.join(30)
