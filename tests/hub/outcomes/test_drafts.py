"""Drafts from the reports: nothing scores with one until a person approves it; then new and re-scored interviews do."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from hub.ops import demo_outcomes
from hub.storage.db import transaction
from hub.storage.drafts import Draft
from hub.storage.models import AuditEntry
from tests.conftest import ROOT, interview_result
from tests.hub.delivery_support import run_worker
from tests.support.cli import invoke
from tests.support.hub_process import hub_env, run_hub

SHIPPED_RND = {
    "logical_thinking": 0.25,
    "technical_skill": 0.30,
    "data_analysis": 0.15,
    "teamwork": 0.15,
    "responsibility": 0.15,
}
READY = {"logical_thinking": 88, "technical_skill": 93, "data_analysis": 85, "teamwork": 72, "responsibility": 58}


def weighted(scores: dict[str, float], weights: dict[str, float]) -> float:
    used = {key: weights[key] for key in scores if weights.get(key, 0) > 0}
    return round(sum(weights[key] * scores[key] for key in used) / sum(used.values()), 1)


def ready_result(live, key) -> dict:
    document = interview_result(scores={"source": "partner-ai", "model": "rnd", "dimensions": READY})
    posted = live.request("POST", "/api/v1/results", key, json=document)
    assert posted.status_code == 202, posted.text
    return live.request("GET", posted.json()["links"]["self"], key).json()["profile"]


def seed(state, applicants: int, run_id: str = "t") -> None:
    with transaction(state.session_factory) as session:
        demo_outcomes.seed_synthetic(session, applicants=applicants, run_id=run_id)


def draft_ids(output: str) -> list[str]:
    return [line.split()[1].rstrip(":") for line in output.splitlines() if line.startswith("draft dft_")]


def documented_deploy_steps() -> list[tuple[str, list[str]]]:
    """docs/outcomes.md's deployment of an approved policy draft: (command, the lines it prints) in order."""
    text = (ROOT / "docs" / "outcomes.md").read_text(encoding="utf-8")
    block = text.split("$ hris-hub models approve dft_504f61fb4eb1410a\n", 1)[1].split("```", 1)[0]
    steps: list[tuple[str, list[str]]] = [("hris-hub models approve dft_504f61fb4eb1410a", [])]
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif line:
            steps[-1][1].append(line)
    return steps


def deploy_as_documented(config: dict, draft_id: str, name: str, folder) -> list[str]:
    """Run the documented steps with this draft, policy name and HUB_POLICY_DIRS folder in place of the docs'; check
    each prints what the docs show (with the version the draft has); the commands run."""
    ran = []
    for command, documented in documented_deploy_steps():

        def ours(text: str) -> str:
            text = text.replace("dft_504f61fb4eb1410a", draft_id).replace("/etc/hris-hub/policies", str(folder))
            return text.replace("default.yaml", f"{name}.yaml").replace("policy default", f"policy {name}")

        command = ours(command)
        argv, _, target = command.partition(" > ")
        words = shlex.split(argv)
        assert words[0] == "hris-hub", command
        done = run_hub(*words[1:], env=hub_env(config))
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        if target:
            Path(target).write_text(done.stdout, encoding="utf-8")
        printed = done.stdout.splitlines() if not target else []
        expected = [re.sub(r"(@|policy \S+ )1\.2\.0", r"\g<1>1.1.0", ours(line)) for line in documented]
        assert printed == expected, (command, printed, expected)
        ran.append(command)
    return ran


def test_a_drafts_weights_are_not_used_until_approved_and_rescore_reruns_old_interviews(live, hub_state):
    key = live.key()
    answers = json.loads((ROOT / "examples" / "results" / "en-rnd-answers.json").read_text(encoding="utf-8"))
    answers.pop("decision", None)
    old = live.request("POST", "/api/v1/results", key, json=answers).json()
    run_worker(hub_state)
    first = live.request("GET", old["links"]["self"], key).json()["profile"]
    assert first["model_version"] == "1.0.0"

    seed(hub_state, 1500)
    proposed = invoke(live.app, "models", "propose", "--from", "validity", "--job-family", "rnd")
    assert proposed.exit_code == 0, proposed.output
    (draft_id,) = draft_ids(proposed.output)
    with hub_state.read_session_factory() as session:
        draft = session.get(Draft, draft_id)
        new_weights = {d["key"]: d["weights"]["software_engineer"] for d in draft.content["dimensions"]}
        assert draft.status == "draft" and draft.version == "1.1.0"
    assert new_weights != SHIPPED_RND and abs(sum(new_weights.values()) - 1.0) < 1e-9

    before = ready_result(live, key)
    assert before["model_version"] == "1.0.0"
    assert before["overall"] == weighted(READY, SHIPPED_RND) != weighted(READY, new_weights)
    run_worker(hub_state)  # nothing queued uses the draft either
    assert live.request("GET", old["links"]["self"], key).json()["profile"] == first

    approved = invoke(live.app, "models", "approve", draft_id, "--note", "validity review 2026-H1")
    assert approved.exit_code == 0, approved.output
    assert "rnd 1.1.0" in approved.output
    after = ready_result(live, key)
    assert after["model_version"] == "1.1.0" and after["overall"] == weighted(READY, new_weights)

    rescored = invoke(live.app, "results", "rescore", old["id"])
    assert rescored.exit_code == 0 and "queued 1" in rescored.output
    run_worker(hub_state)
    view = live.request("GET", old["links"]["self"], key).json()
    second = view["profile"]
    assert view["profile_version"] == 2 and second["model_version"] == "1.1.0"
    scores = {k: d["score"] for k, d in second["dimensions"].items() if d["score"] is not None}
    assert scores == {k: d["score"] for k, d in first["dimensions"].items() if d["score"] is not None}
    assert second["overall"] == weighted(scores, new_weights) and first["overall"] == weighted(scores, SHIPPED_RND)

    with hub_state.read_session_factory() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.object_id == draft_id).order_by(AuditEntry.seq)
        ).all()
        assert [e.action for e in entries] == ["draft.created", "draft.approved"]
        assert entries[1].details["version"] == "1.1.0" and entries[1].actor
    again = invoke(live.app, "models", "approve", draft_id)
    assert again.exit_code == 1 and "approved already" in again.output


def test_proposals_from_both_reports_move_the_right_way_and_a_person_decides_each(live, hub_state):
    seed(hub_state, 4000)
    weights = invoke(live.app, "models", "propose", "--from", "validity", "--job-family", "rnd")
    attendance = invoke(live.app, "models", "propose", "--from", "attendance", "--job-family", "rnd")
    assert weights.exit_code == 0 and attendance.exit_code == 0, weights.output + attendance.output
    (weights_id,) = draft_ids(weights.output)
    model_id, policy_id = draft_ids(attendance.output)
    shown = json.loads(invoke(live.app, "models", "show", weights_id).output)
    changes = {c["dimension"]: c for c in shown["proposal"]["changes"]}
    # Planted: technical skill 0.5 (strong), teamwork 0.1 (weak, flagged); the weights follow.
    assert changes["teamwork"]["recommended"] < changes["teamwork"]["current"]
    assert changes["technical_skill"]["recommended"] > changes["technical_skill"]["current"]
    assert shown["proposal"]["flagged"] == ["teamwork"]

    model = yaml.safe_load(invoke(live.app, "models", "show", model_id, "--yaml").output)
    time_management = next(d for d in model["dimensions"] if d["key"] == "time_management")
    assert time_management["weights"]["software_engineer"] == 0.2
    assert any(q.get("dimensions") == ["time_management"] for q in model["questions"])
    policy = yaml.safe_load(invoke(live.app, "models", "show", policy_id, "--yaml").output)
    flexible = next(r for r in policy["rules"] if r["id"] == "flexible-hours")["then"]["attendance"]
    assert flexible["core_hours"] == {"start": "10:30", "end": "16:00"}
    assert flexible["flexible_window"]["latest_end"] == "19:30"

    listed = invoke(live.app, "models", "drafts", "--status", "draft")
    assert all(draft_id in listed.output for draft_id in (weights_id, model_id, policy_id))
    assert invoke(live.app, "models", "approve", model_id).exit_code == 0
    stale = invoke(live.app, "models", "approve", weights_id)
    assert stale.exit_code == 1 and "1.2.0 is current now" in stale.output, stale.output
    assert invoke(live.app, "models", "reject", weights_id, "--note", "superseded by attendance").exit_code == 0
    approved_policy = invoke(live.app, "models", "approve", policy_id)
    assert approved_policy.exit_code == 0 and "deploy it" in approved_policy.output
    with hub_state.read_session_factory() as session:
        statuses = {d.id: d.status for d in session.scalars(select(Draft))}
        actions = [e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.object_type == "draft"))]
    assert statuses == {weights_id: "rejected", model_id: "approved", policy_id: "approved"}
    assert actions.count("draft.created") == 3 and actions.count("draft.approved") == 2 and "draft.rejected" in actions
    assert invoke(live.app, "models", "show", "dft_nope").exit_code == 1


@pytest.mark.parametrize(
    "args, where",
    [
        (["--from", "validity", "--job-family", "astrology"], "job family"),
        (["--from", "validity", "--job-family", "rnd"], "no hire"),
    ],
)
def test_proposing_without_data_or_from_an_unknown_family_is_a_one_line_error(live, args, where):
    result = invoke(live.app, "models", "propose", *args)
    assert result.exit_code == 1 and where in result.output and "Traceback" not in result.output


def test_the_policy_names_the_change_an_attendance_proposal_makes(tmp_path, database_url):
    from hub import create_app
    from hub.storage.migrate import upgrade
    from tests.conftest import hub_config

    policy = yaml.safe_load((ROOT / "mappings" / "policies" / "default.yaml").read_text(encoding="utf-8"))
    policy["name"] = "acme"
    policy["parameters"].update(attendance_feedback_weight=0.15, attendance_feedback_widen_minutes=60)
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "acme.yaml").write_text(yaml.safe_dump(policy, allow_unicode=True), encoding="utf-8")
    app = create_app(hub_config(tmp_path, database_url, HUB_POLICY="acme"))
    try:
        state = app.extensions["hub"]
        upgrade(state.engine)
        seed(state, 3000)
        made = invoke(app, "models", "propose", "--from", "attendance", "--job-family", "rnd")
        assert made.exit_code == 0, made.output
        model_id, policy_id = draft_ids(made.output)
        model = yaml.safe_load(invoke(app, "models", "show", model_id, "--yaml").output)
        weights = {d["key"]: d["weights"]["software_engineer"] for d in model["dimensions"]}
        assert weights["time_management"] == 0.15 and abs(sum(weights.values()) - 1) < 1e-9
        drafted = yaml.safe_load(invoke(app, "models", "show", policy_id, "--yaml").output)
        assert drafted["name"] == "acme" and drafted["version"] == "1.1.0"
        flexible = next(r for r in drafted["rules"] if r["id"] == "flexible-hours")["then"]["attendance"]
        assert flexible["core_hours"]["start"] == "11:00" and flexible["flexible_window"]["latest_end"] == "20:00"

        # Deployed as docs/outcomes.md says, the draft is the policy the hub reads when it starts again.
        config = hub_config(tmp_path, database_url, HUB_POLICY="acme")
        ran = deploy_as_documented(config, policy_id, "acme", tmp_path / "policies")
        assert [command.split()[:3] for command in ran] == [
            ["hris-hub", "models", "approve"],
            ["hris-hub", "models", "show"],
            ["hris-hub", "policies", "validate"],
        ]
        restarted = create_app(config)
        try:
            settings = restarted.extensions["hub"].settings
            deployed = settings.catalog.policy(settings.policy).data
        finally:
            restarted.extensions["hub"].dispose()
        assert deployed == drafted
    finally:
        app.extensions["hub"].dispose()
