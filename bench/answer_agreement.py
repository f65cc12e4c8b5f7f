"""Agreement of reference-answer scoring with human grades (Pearson r, quadratic weighted kappa), per scoring path.

Scores each answer of a Mohler-format CSV against its desired_answer, compares with score_avg, and sets the figures
beside the simplest baseline (word cosine) and the two human graders' agreement. Also measures, on the shipped
competency models' BARS texts, how well each similarity tells related from unrelated text in Chinese and English.
Prints human-readable lines, then one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring_engine.interview import load_competency_model, score_answer  # noqa: E402
from scoring_engine.interview import embedding  # noqa: E402
from scoring_engine.interview.closeness import closeness  # noqa: E402
from scoring_engine.interview.lexical import cosine, lexical_similarity  # noqa: E402
from scoring_engine.interview.text import tokenize  # noqa: E402
from scoring_engine.stats import pearson_r, quadratic_weighted_kappa  # noqa: E402


def default_csv() -> Path:
    shared = Path(os.environ.get("HRIS_SHARED", ROOT.parent / "shared"))
    return shared / "data" / "answers" / "mohler-eval.csv"


def read_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def agreement(predicted: list[float], truth: list[float]) -> dict:
    return {
        "pearson_r": round(pearson_r(predicted, truth), 4),
        "qwk": round(quadratic_weighted_kappa(predicted, truth, 0, 5), 4),
    }


def path_figures(rows: list[dict], *, use_embeddings: bool) -> dict:
    grades = [
        score_answer(
            row["question"],
            row["student_answer"],
            reference=row["desired_answer"],
            language="en",
            use_embeddings=use_embeddings,
        ).grade
        for row in rows
    ]
    return agreement(grades, [float(row["score_avg"]) for row in rows])


def baseline_figures(rows: list[dict]) -> dict:
    """Word cosine of answer and reference, stretched linearly onto 0-5 (r does not depend on the stretch)."""
    values = [cosine(tokenize(row["student_answer"]).content, tokenize(row["desired_answer"]).content) for row in rows]
    return agreement([5 * value for value in values], [float(row["score_avg"]) for row in rows])


def human_figures(rows: list[dict]) -> dict:
    return agreement([float(row["score_me"]) for row in rows], [float(row["score_other"]) for row in rows])


def _auc(related: list[float], unrelated: list[float]) -> float:
    """Chance that a related pair scores above an unrelated one (ties count half)."""
    wins = sum((r > u) + 0.5 * (r == u) for r in related for u in unrelated)
    return wins / (len(related) * len(unrelated))


def language_check(*, use_embeddings: bool) -> dict:
    """Per language: AUC of each similarity at telling an example answer's own BARS texts from other dimensions'.

    `blend` is what anchor scoring uses (closeness.EMBEDDING_WEIGHT).
    """
    figures = {}
    for language in ("zh", "en"):
        items = []  # (model, dimension, text)
        for name in ("sales", "rnd"):
            model = load_competency_model(name)
            for dimension in model.dimensions.values():
                for level in dimension.bars:
                    items += [(name, dimension.key, text) for text in level.anchors(language)]
        measures = {"lexical": lambda a, b: lexical_similarity(tokenize(a, language), tokenize(b, language))}
        if use_embeddings:
            measures["embedding"] = embedding.similarity
            measures["blend"] = lambda a, b: closeness(a, b, language, use_embeddings=True)
        for measure, similarity in measures.items():
            related, unrelated = [], []
            for index, (model_a, key_a, text_a) in enumerate(items):
                for model_b, key_b, text_b in items[index + 1 :]:
                    if model_a != model_b:
                        continue
                    (related if key_a == key_b else unrelated).append(similarity(text_a, text_b))
            figures[f"{language}_{measure}_auc"] = round(_auc(related, unrelated), 4)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=default_csv(), help="Mohler-format CSV (default: %(default)s)")
    parser.add_argument(
        "--paths",
        choices=["auto", "lexical", "embedding", "both"],
        default="auto",
        help="scoring paths to measure; auto = lexical, plus embedding when installed (default: %(default)s)",
    )
    parser.add_argument("--no-language-check", action="store_true", help="skip the Chinese/English similarity check")
    arguments = parser.parse_args(argv)
    if not arguments.csv.exists():
        parser.error(f"{arguments.csv}: no such file (set HRIS_SHARED or pass --csv)")
    rows = read_rows(arguments.csv)
    paths = {
        "auto": ["lexical"] + (["embedding"] if embedding.available() else []),
        "lexical": ["lexical"],
        "embedding": ["embedding"],
        "both": ["lexical", "embedding"],
    }[arguments.paths]
    result = {
        "csv": arguments.csv.name,
        "answers": len(rows),
        "human_vs_human": human_figures(rows),
        "baseline_word_cosine": baseline_figures(rows),
    }
    print(f"{arguments.csv.name}: {len(rows)} answers")
    human = result["human_vs_human"]
    print(f"  human vs human (score_me vs score_other): r {human['pearson_r']:.3f}  QWK {human['qwk']:.3f}")
    print(f"  baseline word cosine:                    r {result['baseline_word_cosine']['pearson_r']:.3f}")
    for path in paths:
        figures = path_figures(rows, use_embeddings=path == "embedding")
        result[path] = figures
        print(f"  {path + ' path:':<40} r {figures['pearson_r']:.3f}  QWK {figures['qwk']:.3f}")
    if not arguments.no_language_check:
        check = language_check(use_embeddings="embedding" in paths)
        result["language_check"] = check
        print("  related-vs-unrelated AUC on the shipped BARS texts:")
        for name, value in check.items():
            print(f"    {name:<20} {value:.3f}")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
