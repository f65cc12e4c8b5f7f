"""The `policies` and `mappings` click groups."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mappings.cli import mappings_group as mappings
from mappings.cli import policies_group as policies

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_policies_test_prints_fired_rules_and_results():
    result = CliRunner().invoke(
        policies, ["test", "default", "--profile", str(EXAMPLES / "profiles" / "sales-strong-communicator.json")]
    )
    assert result.exit_code == 0, result.output
    assert (
        "sales-conversion-goal -> goal:quarterly_conversion_rate  (job_family sales in [sales] and "
        "communication 92 >= 90)" in result.output
    )
    assert "late-arrivals-low-responsibility -> attendance:probation.late_arrivals_allowed_per_month" in result.output
    assert "target 25%" in result.output


def test_policies_test_json_with_separate_context(tmp_path):
    data = json.loads((EXAMPLES / "profiles" / "rnd-flexible.json").read_text(encoding="utf-8"))
    profile, context = tmp_path / "profile.json", tmp_path / "context.json"
    profile.write_text(json.dumps(data["profile"]), encoding="utf-8")
    context.write_text(json.dumps({**data["context"], "preferences": {"work_schedule": "fixed"}}), encoding="utf-8")
    result = CliRunner().invoke(
        policies, ["test", "default", "--profile", str(profile), "--context", str(context), "--json"]
    )
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.output)
    assert outcome["attendance"]["schedule_type"] == "fixed"
    assert [goal["key"] for goal in outcome["plan"]["goals"]] == ["data_report_completion_rate", "model_accuracy"]


def test_policies_test_reports_undetermined_rules():
    result = CliRunner().invoke(
        policies, ["test", "default", "--profile", str(EXAMPLES / "profiles" / "sales-insufficient.json")]
    )
    assert result.exit_code == 0
    assert "undetermined (data missing):" in result.output
    assert "communication insufficient" in result.output


def test_policies_validate(tmp_path):
    assert "is valid (7 rules)" in CliRunner().invoke(policies, ["validate", "default"]).output
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\nversion: '1'\ndefaults: {}\nrules: []\n", encoding="utf-8")
    result = CliRunner().invoke(policies, ["validate", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}:3 at /defaults: expected the required properties 'attendance'" in result.output


def test_bad_profile_json_is_reported_not_a_traceback(tmp_path):
    bad = tmp_path / "profile.json"
    bad.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(policies, ["test", "default", "--profile", str(bad)])
    assert result.exit_code == 1 and "is not valid JSON" in result.output


def test_mappings_list_and_render(tmp_path):
    listing = CliRunner().invoke(mappings, ["list"]).output
    assert "successfactors-goal" in listing and "legacy-soap-goals" in listing
    sample = CliRunner().invoke(mappings, ["render", "legacy-soap-attendance", "--sample", "candidate.hired"])
    assert json.loads(sample.output)[0]["operation"] == "PutAttendanceRule"
    document = tmp_path / "document.json"
    document.write_text(json.dumps({"event": "candidate.hired", "employee": {"id": "E1"}}), encoding="utf-8")
    result = CliRunner().invoke(mappings, ["render", "legacy-soap-attendance", "--document", str(document)])
    assert result.exit_code == 1
    assert "mapping legacy-soap-attendance (" in result.output
    assert "legacy-soap-attendance.yaml:13) at /body/rule/scheduleType: undefined value" in result.output
