"""Robustness of interview-answer scoring: per class of gaming or hard answer, the share caught and the score gap.

Reads the suites in bench/suites/ (dev; holdout and adversarial reported apart), scores each case through
score_interview as the hub does, and prints per class and language the share caught and the gap:

- keyword_padding: gap = mean rise of the padded answer over the weak one (aim <= 5);
- paraphrased_anchor, injection, number_padding, off_topic_long, wrong_behaviour: gap = mean score of the
  honest_plain answers minus the class's mean score (flagged answers count at their capped score);
- honest_plain: gap = mean score minus the aim of 65;
- declared_mismatch: gap = mean of |score declared wrongly - score declared rightly|;
- unsupported_language, evidence: share only.

Also prints the agreement (Pearson r, QWK) of reference-answer scoring with the human grades of mohler-eval.csv,
which must not fall. Ends with one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from answer_agreement import default_csv, path_figures, read_rows

from scoring_engine.interview import embedding, load_competency_model, score_interview
from scoring_engine.interview.competency_model import CompetencyModel

SUITES = ROOT / "bench" / "suites"
SUITE_FILES = {
    "dev": SUITES / "interview_robustness.yaml",
    "holdout": SUITES / "interview_robustness_holdout.yaml",
    "adversarial": SUITES / "interview_robustness_adversarial.yaml",
    "fresh": SUITES / "interview_robustness_fresh.yaml",
    "short anchor": SUITES / "interview_robustness_short_anchor.yaml",
    "unseen": SUITES / "interview_robustness_unseen.yaml",
    "recheck": SUITES / "interview_robustness_recheck.yaml",
}
GAMING_CLASSES = ("paraphrased_anchor", "injection", "number_padding", "off_topic_long", "wrong_behaviour")
CLASSES = ("keyword_padding", *GAMING_CLASSES, "honest_plain", "unsupported_language", "declared_mismatch", "evidence")
GAMING_CEILING = 45.0
HONEST_AIM = 65.0
PADDING_RISE = 5.0

_models: dict[str, CompetencyModel] = {}


def model_named(name: str) -> CompetencyModel:
    if name not in _models:
        _models[name] = load_competency_model(name)
    return _models[name]


def load_suite(path: Path) -> dict[str, list[dict]]:
    """The cases of one suite file, by class."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(data) - set(CLASSES)
    if unknown:
        raise SystemExit(f"{path}: unknown classes {sorted(unknown)}; expected some of {list(CLASSES)}")
    return data


def concept_line(case: dict) -> str:
    """The question's first concept term per group, joined by 'and' (和): the padding the evaluation used."""
    question = model_named(case["model"]).questions[case["question"]]
    terms = [group[case["language"]][0] for group in question.key_concepts]
    if case["language"] == "zh":
        return "和".join(terms) + "。"
    return " and ".join(terms).capitalize() + "."


def padded(case: dict) -> str:
    pad = concept_line(case) if case.get("pad", "auto") == "auto" else case["pad"]
    return case["weak"] + ("" if case["language"] == "zh" else " ") + pad


def score_one(case: dict, text: str, language: str | None, *, use_embeddings: bool):
    """(answer score, the dimensions of its question as scored) through score_interview."""
    model = model_named(case["model"])
    profile = score_interview(
        [{"question_id": case["question"], "text": text, "language": language}], model, use_embeddings=use_embeddings
    )
    question = model.questions[case["question"]]
    return profile.answers[0], {key: profile.dimensions[key] for key in question.dimensions}


def judge(name: str, case: dict, *, use_embeddings: bool) -> dict:
    """One case: whether it was caught, the figure its class's gap is made of, and what the scorer said."""
    language = case.get("language")
    if name == "keyword_padding":
        weak, _ = score_one(case, case["weak"], language, use_embeddings=use_embeddings)
        stuffed, _ = score_one(case, padded(case), language, use_embeddings=use_embeddings)
        rise = stuffed.score - weak.score
        return {
            "caught": stuffed.insufficient or rise <= PADDING_RISE,
            "value": rise,
            "score": stuffed.score,
            "weak": weak.score,
            "flags": stuffed.flags,
        }
    if name == "declared_mismatch":
        wrong, _ = score_one(case, case["text"], case["declared"], use_embeddings=use_embeddings)
        right, _ = score_one(case, case["text"], "en", use_embeddings=use_embeddings)
        recorded = "language_mismatch" in getattr(wrong, "signals", [])
        return {
            "caught": wrong.language == "en" and recorded,
            "value": abs(wrong.score - right.score),
            "score": wrong.score,
            "flags": wrong.flags,
            "signals": list(getattr(wrong, "signals", [])),
        }
    answer, dimensions = score_one(case, case["text"], language, use_embeddings=use_embeddings)
    result = {
        "score": answer.score,
        "level": answer.level,
        "flags": answer.flags,
        "signals": list(getattr(answer, "signals", [])),
    }
    if name == "off_topic_long":
        result["caught"] = answer.insufficient and all(dimension.insufficient for dimension in dimensions.values())
    elif name in GAMING_CLASSES:
        result["caught"] = answer.insufficient or answer.score <= GAMING_CEILING
        result["high_level"] = bool(answer.level and answer.level >= 4)
    elif name == "honest_plain":
        result["caught"] = not answer.insufficient and answer.score >= HONEST_AIM
    elif name == "unsupported_language":
        result["caught"] = "unsupported_language" in answer.flags and all(d.insufficient for d in dimensions.values())
    elif name == "evidence":
        quotes = [item["quote"] for dimension in dimensions.values() for item in dimension.evidence]
        own = answer.evidence
        wanted = case["result"].lower()
        quoted = [quote.rstrip("…").lower() for quote in own if quote.rstrip("…")]
        result["result_quoted"] = (
            any(wanted in quote or quote in wanted for quote in quoted)
            and wanted in answer.star.get("result", "").lower()
        )
        result["repeated"] = len(own) != len(set(own)) or any(
            len(d.evidence) != len({i["quote"] for i in d.evidence}) for d in dimensions.values()
        )
        result["caught"] = result["result_quoted"] and not result["repeated"]
        result["quotes"] = quotes
    if name in GAMING_CLASSES or name == "honest_plain":
        result["value"] = answer.score
    return result


def run_suite(suite: dict[str, list[dict]], *, use_embeddings: bool) -> dict[str, list[tuple[dict, dict]]]:
    return {
        name: [(case, judge(name, case, use_embeddings=use_embeddings)) for case in suite.get(name, [])]
        for name in CLASSES
    }


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def summarise(results: dict[str, list[tuple[dict, dict]]]) -> dict[str, dict]:
    """Per class: cases, caught, share, gap, and the share per language."""
    honest = [outcome["value"] for _, outcome in results["honest_plain"]]
    summary = {}
    for name, items in results.items():
        if not items:
            continue
        caught = sum(outcome["caught"] for _, outcome in items)
        by_language = defaultdict(list)
        for case, outcome in items:
            by_language[case.get("language") or case.get("declared") or "?"].append(outcome["caught"])
        values = [outcome["value"] for _, outcome in items if "value" in outcome]
        gap = None
        if name == "keyword_padding" or name == "declared_mismatch":
            gap = _mean(values)
        elif name in GAMING_CLASSES and honest:
            gap = round(statistics.fmean(honest) - statistics.fmean(values), 1)
        elif name == "honest_plain":
            gap = round(statistics.fmean(values) - HONEST_AIM, 1)
        entry = {
            "cases": len(items),
            "caught": caught,
            "share": round(caught / len(items), 3),
            "gap": gap,
            "mean_score": _mean([outcome["score"] for _, outcome in items if "score" in outcome]),
            "by_language": {language: f"{sum(flags)}/{len(flags)}" for language, flags in sorted(by_language.items())},
        }
        if name in GAMING_CLASSES:
            entry["level_4_5"] = sum(outcome.get("high_level", False) for _, outcome in items)
        if name == "honest_plain":
            # The ranking figure: unflagged gaming answers that score at or above the lowest honest answer.
            lowest = min(outcome["score"] for _, outcome in items)
            entry["gaming_at_or_above_lowest_honest"] = sum(
                1
                for gaming in ("keyword_padding", *GAMING_CLASSES)
                for _, outcome in results.get(gaming, [])
                if not outcome["flags"] and outcome["score"] >= lowest
            )
        if name == "evidence":
            entry["result_quoted"] = sum(outcome["result_quoted"] for _, outcome in items)
            entry["repeated"] = sum(outcome["repeated"] for _, outcome in items)
        summary[name] = entry
    return summary


def print_summary(title: str, summary: dict[str, dict]) -> None:
    print(title)
    print(f"  {'class':<22}{'caught':>9}{'share':>8}{'gap':>8}{'mean':>8}  per language")
    for name, entry in summary.items():
        gap = "-" if entry["gap"] is None else f"{entry['gap']:+.1f}"
        mean = "-" if entry["mean_score"] is None else f"{entry['mean_score']:.1f}"
        extra = ""
        if "level_4_5" in entry:
            extra = f"  level 4-5: {entry['level_4_5']}"
        if name == "honest_plain":
            extra = f"  unflagged gaming answers >= lowest honest: {entry['gaming_at_or_above_lowest_honest']}"
        if name == "evidence":
            extra = f"  result quoted {entry['result_quoted']}/{entry['cases']}, repeated quotes {entry['repeated']}"
        languages = " ".join(f"{language} {share}" for language, share in entry["by_language"].items())
        print(
            f"  {name:<22}{entry['caught']:>4}/{entry['cases']:<4}{entry['share']:>8.2f}{gap:>8}{mean:>8}  "
            f"{languages}{extra}"
        )


def print_cases(results: dict[str, list[tuple[dict, dict]]]) -> None:
    for name, items in results.items():
        for case, outcome in items:
            mark = "ok  " if outcome["caught"] else "MISS"
            detail = {key: outcome[key] for key in ("score", "weak", "level", "flags", "signals") if key in outcome}
            print(f"    {mark} {name:<20} {case['id']:<32} {json.dumps(detail, ensure_ascii=False)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=default_csv(), help="Mohler-format CSV (default: %(default)s)")
    parser.add_argument(
        "--paths",
        choices=["auto", "lexical", "embedding", "both"],
        default="auto",
        help="scoring paths; auto = lexical, plus embedding when installed (default: %(default)s)",
    )
    parser.add_argument("--cases", action="store_true", help="print every case's outcome")
    parser.add_argument(
        "--suite", action="append", choices=list(SUITE_FILES), help="only these suites (repeatable; default: all)"
    )
    parser.add_argument("--no-agreement", action="store_true", help="skip the mohler-eval.csv agreement")
    arguments = parser.parse_args(argv)
    paths = {
        "auto": ["lexical"] + (["embedding"] if embedding.available() else []),
        "lexical": ["lexical"],
        "embedding": ["embedding"],
        "both": ["lexical", "embedding"],
    }[arguments.paths]
    figures: dict = {}
    for path in paths:
        use_embeddings = path == "embedding"
        figures[path] = {}
        for split, suite_file in SUITE_FILES.items():
            if arguments.suite and split not in arguments.suite:
                continue
            results = run_suite(load_suite(suite_file), use_embeddings=use_embeddings)
            summary = summarise(results)
            figures[path][split] = summary
            print_summary(f"{path} path, {split} suite ({suite_file.name}):", summary)
            if arguments.cases:
                print_cases(results)
        if not arguments.no_agreement:
            if not arguments.csv.exists():
                parser.error(f"{arguments.csv}: no such file (set HRIS_SHARED or pass --csv)")
            agreement = path_figures(read_rows(arguments.csv), use_embeddings=use_embeddings)
            figures[path]["mohler_eval"] = agreement
            print(
                f"  agreement on {arguments.csv.name} ({path}): r {agreement['pearson_r']:.3f}  QWK {agreement['qwk']:.3f}"
            )
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
