"""A realistic canonical document (an R&D hire under the default policy) for tests, docs and previews."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

SAMPLE_FILE = Path(__file__).parent / "samples" / "candidate-hired.json"
EVENTS = ("candidate.hired", "result.scored")


@lru_cache(maxsize=1)
def _inputs() -> dict[str, Any]:
    return json.loads(SAMPLE_FILE.read_text(encoding="utf-8"))["inputs"]


@lru_cache(maxsize=2)
def _document(event: str) -> dict[str, Any]:
    from mappings.document import assemble
    from mappings.policy import load_policy

    inputs = copy.deepcopy(_inputs())
    inputs["event"] = event
    if event == "result.scored":  # before the decision: no employee id or start date yet
        inputs.update(decision=None, job_id=inputs["job_id"].replace("job_", "job_scored_"))
    return assemble(policy=load_policy("default"), **inputs)


def sample_document(event: str = "candidate.hired") -> dict[str, Any]:
    """A fresh copy of the sample document, built by the same code as the hub's documents (mappings.document)."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}; expected one of {', '.join(EVENTS)}")
    return copy.deepcopy(_document(event))


def sample_context() -> dict[str, Any]:
    """The policy context the sample document's plan and attendance rule were derived with."""
    inputs = _inputs()
    return {
        "job_code": inputs["result"]["job_code"],
        "job_family": _document("candidate.hired")["result"]["job_family"],
        "start_date": inputs["decision"]["start_date"],
        "preferences": copy.deepcopy(inputs["preferences"]),
    }
