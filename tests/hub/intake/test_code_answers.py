"""Answers that carry code arrive through the API, are run in the sandbox by the worker, and land in the profile."""

from __future__ import annotations

import shutil

import pytest

from tests.hub.delivery_support import run_worker

QUICKSORT = """
def quicksort(items):
    if len(items) <= 1:
        return list(items)
    pivot, *rest = items
    return quicksort([x for x in rest if x < pivot]) + [pivot] + quicksort([x for x in rest if x >= pivot])
"""
WRONG = "def quicksort(items):\n    return list(items)\n"
needs_bwrap = pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="bubblewrap is not installed (apt-get install bubblewrap)"
)


def rnd_result(answers: list[dict], external_id: str) -> dict:
    return {
        "external_id": external_id,
        "job_code": "RND-DATA-ENG",
        "candidate": {"external_id": f"cand-{external_id}", "name": "Lin Code"},
        "answers": answers,
        "consent": {"notice_version": "2026-09", "given_at": "2026-11-20T09:30:00+08:00"},
    }


def _post_and_score(live, hub_state, answers, external_id):
    key = live.key()
    response = live.request("POST", "/api/v1/results", key, json=rnd_result(answers, external_id))
    assert response.status_code == 202, response.text
    run_worker(hub_state)
    return live.request("GET", response.json()["links"]["self"], key).json()


@needs_bwrap
def test_a_correct_solution_outscores_a_wrong_one_and_shows_its_evidence(live, hub_state):
    right = _post_and_score(
        live, hub_state, [{"question_id": "quicksort", "code": QUICKSORT, "language": "python"}], "code-right"
    )
    wrong = _post_and_score(
        live, hub_state, [{"question_id": "quicksort", "code": WRONG, "language": "python"}], "code-wrong"
    )
    assert right["status"] == "scored", right["scoring_error"]
    assert wrong["status"] == "scored", wrong["scoring_error"]
    assert right["profile"]["model"] == "rnd"
    right_score = right["profile"]["dimensions"]["technical_skill"]
    wrong_score = wrong["profile"]["dimensions"]["technical_skill"]
    assert right_score["score"] > wrong_score["score"] + 30, (right_score, wrong_score)
    evidence = str(right["profile"])
    assert "quicksort" in evidence and "passed" in evidence


def test_without_a_sandbox_the_hub_refuses_to_run_code_and_says_why(live, hub_state, monkeypatch):
    monkeypatch.setenv("HUB_CODE_BWRAP", "/nonexistent/bwrap")
    view = _post_and_score(
        live, hub_state, [{"question_id": "quicksort", "code": QUICKSORT, "language": "python"}], "no-sandbox"
    )
    assert view["status"] == "failed" and view["profile"] is None
    assert "code-sandbox-unavailable" in view["scoring_error"] or "sandbox" in view["scoring_error"]


@pytest.mark.parametrize(
    "answer,pointer,words",
    [
        ({"question_id": "quicksort", "code": QUICKSORT, "text": "also prose"}, "/answers/0", "not both"),
        ({"question_id": "quicksort", "code": QUICKSORT, "language": "zh"}, "/answers/0/language", "python"),
        (
            {"question_id": "rnd_debug", "text": "I read the logs", "language": "python"},
            "/answers/0/language",
            "zh or en",
        ),
        ({"question_id": "quicksort"}, "/answers/0/text", "code"),
        ({"question_id": "quicksort", "code": "x" * 70000, "language": "python"}, "/answers/0/code", ""),
    ],
)
def test_malformed_code_answers_are_refused_at_their_pointer(live, answer, pointer, words):
    response = live.request("POST", "/api/v1/results", live.key(), json=rnd_result([answer], "bad-code"))
    assert response.status_code == 422, response.text
    errors = {e["pointer"]: e["message"] for e in response.json()["errors"]}
    assert pointer in errors, errors
    assert words in errors[pointer]
