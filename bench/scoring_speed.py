"""Scoring speed (issue 14): CPU milliseconds per interview result, before and after, on both scoring paths.

The results are the shipped examples that bench/load_interviews.py posts (examples/results/zh-sales-answers.json and
en-rnd-answers.json, alternating), scored through score_interview as the hub's worker scores them. Two cases:

- `same text`: every result has the same answers, as in the load test (1000 copies of two examples);
- `new text`: every answer is edited so it is new to every cache (what real candidates send).

"Before" is another commit of this repository (--before, default the commit before the caches), exported with
`git archive` and measured in a subprocess beside the current tree, alternating, in one run; CPU is the process's
own (time.process_time: every thread, torch's included), after two warm-up results (model and jieba loads are not
counted). Prints the load average at the start, a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("zh-sales-answers.json", "en-rnd-answers.json")
DEFAULT_BEFORE = "e58b142"  # main before engine 1.3.0's caches


def measure(tree: Path, paths: list[str], results: int) -> dict:
    """CPU ms per result, per path and case, of the engine in `tree` (run in this process)."""
    sys.path.insert(0, str(tree))
    import scoring_engine
    from scoring_engine.interview import embedding

    assert Path(scoring_engine.__file__).resolve().is_relative_to(tree.resolve()), scoring_engine.__file__
    documents = [json.loads((ROOT / "examples" / "results" / name).read_text(encoding="utf-8")) for name in EXAMPLES]
    models = {name: scoring_engine.load_competency_model(name) for name in ("sales", "rnd")}

    def model_for(answers):
        ids = {answer["question_id"] for answer in answers}
        return next(m for m in models.values() if ids <= set(m.questions) | set(m.coding_tasks))

    counter = iter(range(10**9))

    def run(count: int, *, new_text: bool, use_embeddings: bool) -> float:
        started = time.process_time()
        for index in range(count):
            document = documents[index % len(documents)]
            answers = copy.deepcopy(document["answers"])
            if new_text:
                mark = next(counter)
                for answer in answers:
                    if isinstance(answer.get("text"), str):
                        answer["text"] += f"（{mark}）" if answer.get("language") == "zh" else f" ({mark})"
            scoring_engine.score_interview(
                answers, model_for(answers), preferences=document.get("preferences"), use_embeddings=use_embeddings
            )
        return (time.process_time() - started) * 1000 / count

    figures = {}
    for path in paths:
        use_embeddings = path == "embedding"
        if use_embeddings and not embedding.available():
            continue
        count = results if not use_embeddings else max(4, results // 5)
        run(2, new_text=True, use_embeddings=use_embeddings)  # warm: jieba, the model, the anchors
        figures[path] = {
            "same_text_ms": round(run(count, new_text=False, use_embeddings=use_embeddings), 2),
            "new_text_ms": round(run(count, new_text=True, use_embeddings=use_embeddings), 2),
            "results": count,
        }
    return figures


def export(revision: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def in_subprocess(tree: Path, paths: list[str], results: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(tree), "--paths", ",".join(paths), "--results", str(results)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tree)},
        cwd=tree,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=DEFAULT_BEFORE, help="commit to compare with (default: %(default)s)")
    parser.add_argument("--paths", default="lexical,embedding", help="comma-separated: lexical, embedding")
    parser.add_argument("--results", type=int, default=40, help="results per case on the lexical path (embedding: /5)")
    parser.add_argument("--rounds", type=int, default=2, help="before/after pairs, alternating")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    paths = args.paths.split(",")
    if args.measure:
        print(json.dumps(measure(args.measure, paths, args.results)))
        return 0
    load = os.getloadavg()
    print(f"load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)", flush=True)
    rounds: dict[str, list[dict]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory(prefix="bench-scoring-") as folder:
        before = export(args.before, Path(folder))
        for _ in range(args.rounds):
            rounds["before"].append(in_subprocess(before, paths, args.results))
            rounds["after"].append(in_subprocess(ROOT, paths, args.results))
    figures: dict = {"benchmark": "scoring_speed", "before": args.before, "load_average": load, "rounds": rounds}
    print(f"{'path':<10} {'case':<10} {'before ms/result':>17} {'after ms/result':>16} {'ratio':>6}")
    summary = {}
    for path in paths:
        for case in ("same_text_ms", "new_text_ms"):
            values = {side: [r[path][case] for r in rounds[side] if path in r] for side in ("before", "after")}
            if not values["before"] or not values["after"]:
                continue
            low = {side: min(items) for side, items in values.items()}  # the least disturbed round
            summary[f"{path}/{case}"] = low
            print(
                f"{path:<10} {case[:-3].replace('_', ' '):<10} {low['before']:>17.1f} {low['after']:>16.1f} "
                f"{low['before'] / low['after']:>6.2f}"
            )
    figures["summary"] = summary
    figures["load_average_end"] = os.getloadavg()
    print(f"load average at the end: {figures['load_average_end'][0]:.2f}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
