"""Counterfactual invariance: swapping only names and gendered words moves an answer's score by at most 1 point.

Fresh pairs: templates and names that bench/counterfactual.py does not use."""

from __future__ import annotations

import itertools

import pytest

from scoring_engine.interview import load_competency_model
from scoring_engine.interview.anchors import score_with_anchors
from scoring_engine.interview.interview import spec_for
from scoring_engine.interview.masking import mask
from tests.support.embeddings import needs_embeddings

EN = {
    "sales_explain": "A buyer, {t} {n}, kept asking why the annual plan cost more up front. I sat down with {him}, "
    "walked through {his} invoices for the last year and showed the monthly saving. {He} signed the "
    "annual contract the next week and {his} {sp} came to the launch event.",
    "sales_pressure": "In March I was 40 percent behind target. My manager {n} and I listed every open deal; {he} "
    "took two calls with me and I re-contacted twelve dormant customers. I closed at 104 percent.",
    "rnd_data": "Our product lead {n} believed users wanted dark mode. I pulled the support tickets and the usage logs, "
    "showed {him} that search failures were the bigger complaint, and {he} moved search up the roadmap; "
    "failed searches fell by a third.",
}
ZH = {
    "sales_explain": "采购{n}{t}一直不明白年付方案为什么更贵。我和{he}一起看了过去一年的账单，算出每月能省多少，"
    "{he}第二周就签了年度合同。",
    "rnd_data": "产品负责人{n}认为用户最想要夜间模式。我分析了客服工单和使用日志，给{he}看搜索失败才是最大的问题，"
    "{he}把搜索优化提前了，失败的搜索减少了三分之一。",
}
EN_NAMES = [
    ("Christopher", "Stephanie"),
    ("Kenneth Clark", "Margaret Hall"),
    ("Gregory", "Liu Yang"),
    ("Patrick", "Xiaohong"),
    ("Samuel", "Chen Jing"),
]
ZH_NAMES = [("周杰", "周婷"), ("孙浩", "孙丽"), ("郭涛", "Victoria"), ("马军", "何燕")]
EN_M = {"he": "he", "He": "He", "his": "his", "him": "him", "t": "Mr.", "sp": "wife"}
EN_F = {"he": "she", "He": "She", "his": "her", "him": "her", "t": "Mrs.", "sp": "husband"}
ZH_M = {"he": "他", "t": "先生"}
ZH_F = {"he": "她", "t": "女士"}


def fresh_pairs():
    for (qid, template), (left, right) in itertools.product(EN.items(), EN_NAMES):
        yield qid, "en", template.format(n=left, **EN_M), template.format(n=right, **EN_F)
    for (qid, template), (left, right) in itertools.product(ZH.items(), ZH_NAMES):
        yield qid, "zh", template.format(n=left, **ZH_M), template.format(n=right, **ZH_F)


def largest_move(use_embeddings: bool) -> tuple[float, tuple]:
    models = {name: load_competency_model(name) for name in ("sales", "rnd")}
    worst = (0.0, ())
    for qid, language, left, right in fresh_pairs():
        model = models["sales" if qid.startswith("sales") else "rnd"]
        spec = spec_for(model, model.questions[qid])
        a = score_with_anchors(spec, left, language, use_embeddings=use_embeddings).score
        b = score_with_anchors(spec, right, language, use_embeddings=use_embeddings).score
        worst = max(worst, (abs(a - b), (left, right, a, b)), key=lambda item: item[0])
    return worst


def test_both_sides_of_a_swap_mask_to_the_same_text():
    for _, _, left, right in fresh_pairs():
        assert mask(left) == mask(right), (left, right)


@pytest.mark.parametrize(
    "text",
    [
        "Mark the task as done, then Will runs the tests? No: we ran Python and Kubernetes jobs in May.",
        "I am responsible for the Shanghai office. I'm glad we shipped.",
        "我负责上海的销售团队，去年完成了百分之一百二十的目标。",
    ],
)
def test_text_without_names_or_gendered_words_is_left_as_it_is(text):
    assert mask(text) == text


def test_names_in_context_are_masked_even_when_no_list_has_them():
    assert mask("My name is Thaddeus Moore.") == mask("My name is Ottoline Ferris.")
    assert mask("I asked Dr. Quillon for help.") == mask("I asked Ms. Brightwater for help.")
    assert mask("He works with 欧阳娜娜.") == mask("She works with 司马懿.")


def test_the_lexical_path_moves_at_most_one_point():
    move, example = largest_move(use_embeddings=False)
    assert move <= 1.0, example


@needs_embeddings
def test_the_embedding_path_moves_at_most_one_point():
    move, example = largest_move(use_embeddings=True)
    assert move <= 1.0, example
