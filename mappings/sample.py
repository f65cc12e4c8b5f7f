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
def _sample() -> dict[str, Any]:
    return json.loads(SAMPLE_FILE.read_text(encoding="utf-8"))


def sample_document(event: str = "candidate.hired") -> dict[str, Any]:
    """Return a fresh copy of the sample document; for result.scored there is no employee, plan or rule yet."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}; expected one of {', '.join(EVENTS)}")
    document = copy.deepcopy(_sample()["document"])
    if event == "result.scored":
        document.update(event=event, employee={"id": None, "start_date": None}, plan=None, attendance=None,
                        job_id=document["job_id"].replace("job_", "job_scored_"))
    return document


def sample_context() -> dict[str, Any]:
    """Return the policy context the sample document's plan and attendance rule were derived with."""
    return copy.deepcopy(_sample()["context"])
