"""Train the Chinese resume entity CRF: python -m scoring_engine.resume.train_crf --train FILE.bmes [--dev FILE.bmes]."""

import argparse
import logging
import os
import sys
from pathlib import Path

from scoring_engine.resume.bmes import read_bmes, tags_to_entities
from scoring_engine.resume.entities import MODEL_FILE, EntityTagger, sentence_features

logger = logging.getLogger(__name__)

# L-BFGS is deterministic for a given input order, so the same data gives the same model.
TRAINING_PARAMETERS = {
    "c1": 0.15,  # L1 drops features that do not help: it keeps the artefact small
    "c2": 0.01,
    "max_iterations": 150,
    "feature.possible_transitions": True,
    "feature.minfreq": 1,
}


def train(train_path: str | Path, model_path: str | Path, max_iterations: int | None = None) -> Path:
    """Train on a BMES file and write the model; returns its path."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for chars, tags in read_bmes(train_path):
        trainer.append(sentence_features(chars), tags)
    parameters = dict(TRAINING_PARAMETERS)
    if max_iterations is not None:
        parameters["max_iterations"] = max_iterations
    trainer.set_params(parameters)
    model_path = Path(model_path)
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))
    return model_path


def evaluate(model_path: str | Path, dev_path: str | Path) -> dict[str, dict[str, float]]:
    """Entity-level precision, recall and F1 per type and overall ("ALL") on a BMES file."""
    tagger = EntityTagger(model_path)
    counts: dict[str, list[int]] = {}
    for chars, tags in read_bmes(dev_path):
        gold = {(entity.type, entity.start, entity.end) for entity in tags_to_entities(chars, tags)}
        predicted = {(entity.type, entity.start, entity.end) for entity in tagger.tag("".join(chars))}
        for kind in {entity[0] for entity in gold | predicted} | {"ALL"}:
            in_gold = {entity for entity in gold if kind in ("ALL", entity[0])}
            in_predicted = {entity for entity in predicted if kind in ("ALL", entity[0])}
            tally = counts.setdefault(kind, [0, 0, 0])
            tally[0] += len(in_gold & in_predicted)
            tally[1] += len(in_predicted)
            tally[2] += len(in_gold)
    return {kind: _prf(*tally) for kind, tally in sorted(counts.items())}


def _prf(true_positives: int, predicted: int, gold: int) -> dict[str, float]:
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "support": gold}


def main(argv: list[str] | None = None) -> int:
    shared = Path(os.environ.get("HRIS_SHARED", Path(__file__).resolve().parents[3] / "shared"))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", default=str(shared / "data/resumes-zh/resume-ner-train.bmes"))
    parser.add_argument(
        "--dev",
        default=str(shared / "data/resumes-zh/resume-ner-dev.bmes"),
        help="evaluate on this file after training ('' to skip)",
    )
    parser.add_argument("--out", default=str(Path(__file__).parent / MODEL_FILE))
    parser.add_argument("--max-iterations", type=int, default=None)
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    path = train(arguments.train, arguments.out, arguments.max_iterations)
    logger.info("model written to %s (%d bytes)", path, path.stat().st_size)
    if arguments.dev:
        for kind, figures in evaluate(path, arguments.dev).items():
            logger.info(
                "%-6s P %.4f  R %.4f  F1 %.4f  (n=%d)",
                kind,
                figures["precision"],
                figures["recall"],
                figures["f1"],
                figures["support"],
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
