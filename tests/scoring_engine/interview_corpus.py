"""A fixed corpus of interview answers and its scores, to check that speed work leaves every score as it was.

The corpus: the answers of the shipped example results (examples/results), every case of the robustness suites
(bench/suites) through score_interview as the hub calls it, and the first 120 answers of mohler-eval.csv in
reference mode. `corpus_scores` returns, per case, everything the engine reports about the answer (score, level,
flags, components, evidence). tests/scoring_engine/data/interview_golden_scores.json holds these figures as the
engine computed them before the caches of engine 1.3.0; regenerate it (python -m tests.scoring_engine.interview_corpus)
only for a change that is meant to move scores, and say which moved in the commit.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "data" / "interview_golden_scores.json"
SHARED = Path(os.environ.get("HRIS_SHARED", ROOT.parent / "shared"))
MOHLER_ROWS = 120
# The suites as they were when the golden scores were taken (later suites are scored by their own tests).
SUITE_FILES = (
    "interview_robustness.yaml",
    "interview_robustness_adversarial.yaml",
    "interview_robustness_fresh.yaml",
    "interview_robustness_holdout.yaml",
)


def _suite_answers() -> list[tuple[str, str, str, str, str | None]]:
    """(case key, model, question, text, declared language) for every text the robustness suites score."""
    found = []
    for path in (ROOT / "bench" / "suites" / name for name in SUITE_FILES):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, cases in data.items():
            for case in cases:
                texts = {key: case[key] for key in ("text", "weak", "honest", "wrong", "right") if key in case}
                if "pad" in case and case["pad"] != "auto" and "weak" in case:
                    sep = "" if case.get("language") == "zh" else " "
                    texts["padded"] = case["weak"] + sep + case["pad"]
                if "declared" in case and "text" in case:
                    found.append(
                        (
                            f"{path.stem}/{name}/{case['id']}/declared",
                            case["model"],
                            case["question"],
                            case["text"],
                            case["declared"],
                        )
                    )
                for key, text in texts.items():
                    if isinstance(text, str):
                        found.append(
                            (
                                f"{path.stem}/{name}/{case['id']}/{key}",
                                case["model"],
                                case["question"],
                                text,
                                case.get("language"),
                            )
                        )
    return found


def corpus_scores(*, use_embeddings: bool) -> dict[str, object]:
    from scoring_engine.interview import load_competency_model, score_answer, score_interview

    models = {name: load_competency_model(name) for name in ("sales", "rnd")}
    scores: dict[str, object] = {}
    for path in sorted((ROOT / "examples" / "results").glob("*-answers.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        answers = document["answers"]
        ids = {answer["question_id"] for answer in answers}
        model = next(m for m in models.values() if ids <= set(m.questions) | set(m.coding_tasks))
        profile = score_interview(
            answers, model, preferences=document.get("preferences"), use_embeddings=use_embeddings
        )
        scores[f"examples/{path.name}"] = profile.to_dict()
    for key, model, question, text, language in _suite_answers():
        profile = score_interview(
            [{"question_id": question, "text": text, "language": language}],
            models[model],
            use_embeddings=use_embeddings,
        )
        scores[f"suites/{key}"] = profile.answers[0].to_dict()
    mohler = SHARED / "data" / "answers" / "mohler-eval.csv"
    if mohler.exists():
        with mohler.open(encoding="utf-8", newline="") as handle:
            for index, row in enumerate(csv.DictReader(handle)):
                if index >= MOHLER_ROWS:
                    break
                answer = score_answer(
                    row["question"],
                    row["student_answer"],
                    reference=row["desired_answer"],
                    language="en",
                    use_embeddings=use_embeddings,
                )
                scores[f"mohler-eval/{index}"] = answer.to_dict()
    return json.loads(json.dumps(scores, ensure_ascii=False))


def _strip_engine(value):
    """Leave out what names the engine's version (it changes with every release, the scores must not)."""
    if isinstance(value, dict):
        return {k: _strip_engine(v) for k, v in value.items() if k not in ("engine",)}
    if isinstance(value, list):
        return [_strip_engine(v) for v in value]
    return value


def main() -> int:
    from scoring_engine.interview import embedding

    paths = {"lexical": False, **({"embedding": True} if embedding.available() else {})}
    figures = {name: _strip_engine(corpus_scores(use_embeddings=flag)) for name, flag in paths.items()}
    GOLDEN.write_text(json.dumps(figures, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}: " + ", ".join(f"{name} {len(values)} cases" for name, values in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
