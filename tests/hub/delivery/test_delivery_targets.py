"""Hires delivered end to end through the worker to a real SOAP service, a CSV folder and a plugin type."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

from connectors import Connector, hookimpl
from connectors.plugins import get_plugin_manager
from hub.delivery import connector_admin
from hub.storage.db import transaction
from tests.conftest import ROOT
from tests.hub.delivery_support import FAST_SCHEDULE, caller, hire, jobs, run_worker
from tests.support.soap_server import LegacyHrSoapServer


def add(state, **spec):
    with transaction(state.session_factory) as session:
        connector_admin.add(
            session,
            {"events": ["candidate.hired"], "retry_schedule": FAST_SCHEDULE, **spec},
            actor="test",
            settings=state.settings,
        )


def test_goals_and_rules_reach_a_legacy_soap_service(hub_state):
    with LegacyHrSoapServer() as server:
        add(
            hub_state,
            name="legacy-goals",
            type="soap",
            mapping="legacy-soap-goals",
            config={"wsdl": server.wsdl_url, "operation": "PutPerformanceGoals"},
        )
        add(
            hub_state,
            name="legacy-rules",
            type="soap",
            mapping="legacy-soap-attendance",
            config={"wsdl": server.wsdl_url, "operation": "PutAttendanceRule"},
        )
        hire(hub_state, caller(hub_state))
        run_worker(hub_state)
        operations = sorted(call.operation for call in server.calls)
    assert all(job.status == "delivered" for job in jobs(hub_state)), [j.last_error for j in jobs(hub_state)]
    assert operations == ["PutAttendanceRule", "PutPerformanceGoals"]
    assert {call.employee_id for call in server.calls} == {"E00001"}


def test_hires_become_rows_of_a_committed_csv_file(hub_state, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    add(
        hub_state,
        name="csv",
        type="csv",
        mapping="generic-csv-goals",
        config={
            "destination": {"type": "folder", "path": str(folder)},
            "encoding": "gb18030",
            "schedule": {"batch_size": 3},
        },
    )
    hire(hub_state, caller(hub_state), count=3)
    run_worker(hub_state)
    assert all(job.status == "delivered" for job in jobs(hub_state)), [j.last_error for j in jobs(hub_state)]
    [data_file] = [p for p in folder.iterdir() if p.suffix == ".csv"]
    rows = list(csv.DictReader(data_file.open(encoding="gb18030")))
    assert {row["员工编号"] for row in rows} == {"E00001", "E00002", "E00003"}
    manifest = json.loads(next(folder.glob("*.manifest.json")).read_text())
    assert manifest["rows"] == len(rows)


def test_a_plugin_package_delivers_end_to_end(hub_state, tmp_path, monkeypatch):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT / "examples" / "connector-plugin"),
        ],
        check=True,
    )
    monkeypatch.syspath_prepend(str(target))
    import importlib.metadata

    importlib.invalidate_caches()
    get_plugin_manager.cache_clear()
    try:
        assert any(
            ep.group == "hris_hub.connectors" for ep in importlib.metadata.entry_points(group="hris_hub.connectors")
        )
        out = tmp_path / "deliveries.jsonl"
        add(hub_state, name="jsonl", type="jsonl", mapping="generic-rest", config={"path": str(out)})
        hire(hub_state, caller(hub_state))
        run_worker(hub_state)
        [job] = jobs(hub_state)
        assert job.status == "delivered", job.last_error
        [line] = out.read_text().splitlines()
        assert json.loads(line)["job_id"] == job.id
    finally:
        get_plugin_manager.cache_clear()


class _BrokenConnector(Connector):
    """A plugin with a bug: deliver raises something that is not a DeliveryError."""

    type_name = "broken"
    version = "1"
    payload_kind = "rest"

    def deliver(self, payload, context):
        raise RuntimeError("plugin bug")


class _BrokenPlugin:
    @hookimpl
    def hub_connector_types(self):
        return [_BrokenConnector]


def test_a_plugin_that_crashes_fails_the_attempt_instead_of_stranding_the_job(hub_state):
    manager = get_plugin_manager()
    plugin = _BrokenPlugin()
    manager.register(plugin, name="broken-test-plugin")
    try:
        add(hub_state, name="broken", type="broken", mapping="generic-rest", config={}, retry_schedule=[0.1])
        hire(hub_state, caller(hub_state))
        run_worker(hub_state, max_seconds=30)
        [job] = jobs(hub_state)
        assert job.status == "dead" and job.attempts == 2
        assert all("internal error: RuntimeError: plugin bug" in a.error for a in job.attempts_log)
    finally:
        manager.unregister(plugin)


def test_connectors_operations_lists_a_soap_connectors_operations_and_fields(app, hub_state):
    from tests.support.cli import invoke

    with LegacyHrSoapServer() as server:
        add(
            hub_state,
            name="legacy-goals",
            type="soap",
            mapping="legacy-soap-goals",
            config={"wsdl": server.wsdl_url, "operation": "PutPerformanceGoals"},
        )
        listed = invoke(app, "connectors", "operations", "legacy-goals")
        fields = invoke(app, "connectors", "operations", "legacy-goals", "PutPerformanceGoals")
        missing = invoke(app, "connectors", "operations", "legacy-goals", "NoSuchOperation")
    assert listed.exit_code == 0 and "PutPerformanceGoals" in listed.output and "PutAttendanceRule" in listed.output
    assert fields.exit_code == 0 and "/body/" in fields.output and "required" in fields.output
    assert missing.exit_code == 1 and "NoSuchOperation" in missing.output and "Traceback" not in missing.output
