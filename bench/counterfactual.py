"""Counterfactual invariance of answer scoring: swap only names and gendered words, and see how far a score moves.

Generates pairs of answers (English and Chinese) to the shipped questions that differ only in a person's name
(English <-> English of the other gender, English <-> Chinese), pronouns (he/she, his/her, him/her, 他/她), titles
(Mr/Ms, 先生/女士) and gendered nouns (husband/wife, 男同事/女同事), scores both sides as the hub does
(score_with_anchors on the competency model's question) on the lexical path and, when the model is installed, on
the embedding path, and prints the largest and mean move per path and language. The aim (issue 13) is at most
1 point.

    python bench/counterfactual.py                 # masked, as the engine scores (scoring_engine/interview/masking.py)
    python bench/counterfactual.py --unmasked      # masking off: the move before it
    python bench/counterfactual.py --pairs 400 --seed 7

Also reports, apart, pairs whose names are in none of masking.yaml's lists ("unlisted"), in running text with no
title: the case masking cannot catch. Ends with one JSON line of every figure.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring_engine.interview import embedding, load_competency_model, masking  # noqa: E402
from scoring_engine.interview.anchors import score_with_anchors  # noqa: E402
from scoring_engine.interview.interview import spec_for  # noqa: E402

MALE_EN = ["John", "Michael", "David", "James", "Robert", "Daniel", "Kevin", "Ryan", "Thomas", "Brian", "Eric", "Adam"]
FEMALE_EN = [
    "Emily",
    "Sarah",
    "Jessica",
    "Jennifer",
    "Laura",
    "Rachel",
    "Megan",
    "Anna",
    "Hannah",
    "Olivia",
    "Nicole",
    "Amanda",
]
SURNAMES_EN = ["Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson", "Taylor", "Clark", "Walker", "Young"]
CHINESE_PINYIN = [
    "Zhang Wei",
    "Wang Fang",
    "Li Na",
    "Liu Yang",
    "Chen Jing",
    "Wei Zhang",
    "Xiaoming Wang",
    "Huang Lei",
    "Zhao Min",
    "Zhou Jie",
]
# Names in no list of masking.yaml, for the "unlisted" figure.
UNLISTED_EN = ["Thaddeus", "Ottoline", "Percival", "Philippa", "Lysander", "Imogen", "Barnaby", "Clementine"]
MALE_ZH = ["张伟", "王强", "李明", "刘洋", "陈杰", "杨磊", "赵军", "黄涛"]
FEMALE_ZH = ["王芳", "李娜", "张敏", "刘静", "陈丽", "杨燕", "赵婷", "黄霞"]

# {n}: a name; {he} {his} {him}: pronouns, capitalised forms {He} {His}; {t}: Mr/Ms; {sp}: husband/wife.
EN_TEMPLATES = {
    "sales_complaint": [
        "The customer, {t} {n}, was furious that {his} delivery was two weeks late. I listened to {him} without "
        "interrupting, apologised, checked the order and called the warehouse. {He} agreed to wait when I offered a "
        "partial shipment the next day and a discount, and {he} kept the order.",
        "I would let {n} speak first and tell {him} I understand why {he} is upset. Then I would find out from "
        "logistics when the goods can ship, offer {him} a clear date and a credit, and call {him} back myself.",
    ],
    "sales_mistake": [
        "I sent {n} a quote with the wrong discount. I called {him}, admitted the mistake and sent the correct price "
        "the same day. {He} thanked me, and I added a checklist so a colleague reviews every discount.",
        "Once I booked the wrong model for {t} {n}. When {he} told me, I apologised, arranged an exchange within two "
        "days and paid the shipping. {His} company has ordered from us four times since.",
    ],
    "sales_team": [
        "To keep a key account I worked with {n}, our pre-sales engineer. {He} built the demo while I handled the "
        "commercial terms, and {his} technical answers closed the deal. I coordinated the weekly calls.",
        "My colleague {n} and {his} delivery team were behind, so I met {him} daily, reset the customer's "
        "expectations and we delivered the pilot on time. We renewed the contract for two years.",
    ],
    "sales_explain": [
        "{n}, a buyer, did not understand our pricing tiers. I drew {him} a simple table with {his} own usage, "
        "showed the cost at each tier, and {he} chose the middle plan, which saved {his} team 15 percent.",
    ],
    "sales_conflict": [
        "I would not argue in front of the team. I would ask {n} to talk with me and our manager after the meeting, "
        "bring the CRM records that show when I first contacted the customer, and listen to why {he} thinks it is "
        "{his}. If it is unclear we share the account.",
    ],
    "rnd_debug": [
        "The hardest bug was a memory leak that {n} and I chased for a week. {He} wrote a heap profiler script, I "
        "bisected the commits, and we found a cache that never evicted. The fix cut memory use by 60 percent.",
    ],
    "rnd_team": [
        "{n} wanted to rewrite the service in a new framework; I thought we should refactor. I asked {him} to "
        "prototype both for two days, we compared latency and effort, and {he} agreed the refactor was safer.",
    ],
    "rnd_ownership": [
        "A release I shipped broke logins. {n}, the on-call engineer, paged me; I rolled it back in ten minutes, "
        "wrote the postmortem with {him} and added an integration test so it cannot happen again. {His} {sp} even "
        "asked about it at dinner.",
    ],
}
ZH_TEMPLATES = {
    "sales_complaint": [
        "客户{n}{t}因为到货晚了两周非常生气。我先耐心听{he}说完，向{he}道歉，然后马上联系仓库确认发货时间，"
        "提出第二天先发一部分货并给予折扣。{he}同意了，没有取消订单。",
        "我会先让{n}把话说完，告诉{he}我理解{he}的心情，再和物流确认准确的发货日期，给{he}一个明确的时间和补偿，并亲自回电话。",
    ],
    "sales_mistake": [
        "有一次我给{n}的报价折扣写错了。我主动打电话给{he}承认错误，当天发了正确的价格。{he}很感谢，我之后增加了复核清单。",
    ],
    "sales_team": [
        "为了留住一个大客户，我和售前工程师{n}一起合作。{he}负责演示，我负责商务条款，{he}的技术解答帮助我们签下了合同。",
    ],
    "rnd_debug": [
        "最难的问题是一个内存泄漏，我和{n}查了一周。{he}写了分析脚本，我逐个排查提交记录，最后发现缓存从不清理，修复后内存下降了百分之六十。",
    ],
    "rnd_team": [
        "{n}想用新框架重写服务，我认为应该重构。我请{he}花两天做两个原型，我们比较了延迟和工作量，{he}同意重构更稳妥。我的{sp}也觉得这样更好。",
    ],
}
EN_FORMS = {
    "m": {"he": "he", "He": "He", "his": "his", "His": "His", "him": "him", "t": "Mr", "sp": "wife"},
    "f": {"he": "she", "He": "She", "his": "her", "His": "Her", "him": "her", "t": "Ms", "sp": "husband"},
}
ZH_FORMS = {"m": {"he": "他", "t": "先生", "sp": "妻子"}, "f": {"he": "她", "t": "女士", "sp": "丈夫"}}
QUESTION_MODEL = {qid: ("sales" if qid.startswith("sales") else "rnd") for qid in {**EN_TEMPLATES, **ZH_TEMPLATES}}


def _fill(template: str, name: str, forms: dict[str, str]) -> str:
    return template.format(n=name, **forms)


def pairs(count: int, rng: random.Random, *, unlisted: bool = False) -> list[tuple[str, str, str, str]]:
    """(question id, language, one side, the other side), half English and half Chinese (English only unlisted)."""
    out = []
    languages = ["en"] if unlisted else ["en", "zh"]
    while len(out) < count:
        language = languages[len(out) % len(languages)]
        templates = EN_TEMPLATES if language == "en" else ZH_TEMPLATES
        qid = rng.choice(sorted(templates))
        template = rng.choice(templates[qid])
        if language == "en":
            if unlisted:
                left_name, right_name = rng.sample(UNLISTED_EN, 2)
            else:
                left_name = f"{rng.choice(MALE_EN)}" + (f" {rng.choice(SURNAMES_EN)}" if rng.random() < 0.4 else "")
                right_name = rng.choice([rng.choice(FEMALE_EN), rng.choice(CHINESE_PINYIN)])
            left, right = _fill(template, left_name, EN_FORMS["m"]), _fill(template, right_name, EN_FORMS["f"])
        else:
            left_name = rng.choice(MALE_ZH)
            right_name = rng.choice([rng.choice(FEMALE_ZH), rng.choice(FEMALE_EN)])
            left, right = _fill(template, left_name, ZH_FORMS["m"]), _fill(template, right_name, ZH_FORMS["f"])
        out.append((qid, language, left, right))
    return out


def moves(generated, *, use_embeddings: bool) -> dict[str, list[tuple[float, str, str, float, float]]]:
    models = {name: load_competency_model(name) for name in ("sales", "rnd")}
    by_language: dict[str, list] = {}
    for qid, language, left, right in generated:
        model = models[QUESTION_MODEL[qid]]
        spec = spec_for(model, model.questions[qid])
        a = score_with_anchors(spec, left, language, use_embeddings=use_embeddings).score
        b = score_with_anchors(spec, right, language, use_embeddings=use_embeddings).score
        by_language.setdefault(language, []).append((abs(a - b), left, right, a, b))
    return by_language


def summarise(by_language) -> dict:
    figures = {}
    for language, rows in sorted(by_language.items()):
        deltas = [row[0] for row in rows]
        worst = max(rows, key=lambda row: row[0])
        figures[language] = {
            "pairs": len(rows),
            "max_move": round(max(deltas), 2),
            "mean_move": round(statistics.fmean(deltas), 3),
            "over_1_point": sum(d > 1 for d in deltas),
            "worst": {"left": worst[1], "right": worst[2], "scores": [round(worst[3], 1), round(worst[4], 1)]},
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--unmasked", action="store_true", help="turn masking off to measure the move without it")
    arguments = parser.parse_args()
    if arguments.unmasked:
        masking.mask = lambda text: text  # type: ignore[assignment]
        embedding.embed.cache_clear()
    rng = random.Random(arguments.seed)
    generated = pairs(arguments.pairs, rng)
    unlisted = pairs(max(20, arguments.pairs // 10), rng, unlisted=True)
    paths = {"lexical": False}
    if embedding.available():
        paths["embedding"] = True
    else:
        print("embedding model not installed (pip install 'hris-hub[embeddings]'): lexical path only")
    result: dict = {"pairs": len(generated), "masked": not arguments.unmasked, "seed": arguments.seed}
    print(f"{len(generated)} pairs (en and zh), masking {'off' if arguments.unmasked else 'on'}; aim: at most 1 point")
    print(f"{'path':10} {'lang':4} {'pairs':>5} {'max move':>9} {'mean':>7} {'>1 pt':>6}")
    for path, use in paths.items():
        figures = summarise(moves(generated, use_embeddings=use))
        extra = summarise(moves(unlisted, use_embeddings=use))
        result[path] = figures
        result[f"{path}_unlisted_names"] = extra
        for language, row in figures.items():
            print(
                f"{path:10} {language:4} {row['pairs']:5} {row['max_move']:9.2f} {row['mean_move']:7.3f} "
                f"{row['over_1_point']:6}"
            )
        for language, row in extra.items():
            print(
                f"{path:10} {language:4} {row['pairs']:5} {row['max_move']:9.2f} {row['mean_move']:7.3f} "
                f"{row['over_1_point']:6}   (names in no list, no title)"
            )
        for language, row in figures.items():
            worst = row["worst"]
            print(f"  worst {path} {language}: {worst['scores'][0]} vs {worst['scores'][1]}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
