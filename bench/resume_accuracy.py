"""Resume parser accuracy: per-field P/R/F1 on the English set, entity F1 per type on the Chinese set.

Each figure is printed beside the simplest baseline for that field; the last line is JSON with all figures.
"""

import argparse
import hashlib
import json
import os
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scoring_engine.resume.bmes import read_bmes, tags_to_entities  # noqa: E402
from scoring_engine.resume.contacts import find_emails  # noqa: E402
from scoring_engine.resume.degrees import find_degree  # noqa: E402
from scoring_engine.resume.entities import extract_entities  # noqa: E402
from scoring_engine.resume.parser import parse_resume  # noqa: E402
from scoring_engine.resume.sections import heading_of  # noqa: E402
from scoring_engine.resume.taxonomy import taxonomy  # noqa: E402
from scoring_engine.resume.vocabulary import COMPANY_EN, SCHOOL_EN  # noqa: E402

SHARED = Path(os.environ.get("HRIS_SHARED", REPO.parent / "shared"))
FIELDS = {  # field name -> dataset label
    "email": "Email Address",
    "name": "Name",
    "college": "College Name",
    "degree": "Degree",
    "designation": "Designation",
    "companies": "Companies worked at",
    "skills": "Skills",
    "graduation_year": "Graduation Year",
}
AIMS = {"email": 0.95, "name": 0.85, "college": 0.75, "degree": 0.70, "companies": 0.60, "skills": 0.60}
_QUALIFIER = re.compile(r"\([^)]*\)")
# How skills labels are compared: "normalised" (default) folds both sides the same way, "raw" is the comparison
# of engine 1.x's figures (kept to show what the parser changes alone do).
LABELS_RAW, LABELS_NORMALISED = "raw", "normalised"
LABELS = LABELS_NORMALISED
_SKILL_SPLIT = re.compile(r"[,;•\n]+|\s{2,}")


def normalise(text: str) -> str:
    text = text.lower().strip()
    text = re.sub(r"^(https?://)?(www\.)?", "", text).split("?", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"[^\w+#@./\s]", " ", text)).strip(" ./")


# Legal forms, then the generic words and country names a company's name often carries or drops
# ("Acme Technologies India Pvt Ltd" and "Acme" are one employer); the first word always stays.
_GENERIC_SUFFIX = re.compile(
    r"(?<=\w)(\s+(technologies|technology|services|systems|solutions|group|consulting|consultancy|software"
    r"|india|uk|usa|us|pvt|private|ltd|limited|inc|llc|llp|corp|corporation|co|plc|gmbh))+$"
)


# A list's category written without a colon ("Operating Systems Windows 7", "Tools HP-UFT"): the skill is what follows.
_CATEGORY = re.compile(
    r"^(?:(?:programming|scripting|query|web|markup)\s+)?languages?\s+|^(?:web\s+|other\s+)?technolog(?:y|ies)\s+"
    r"|^operating\s+systems?\s+|^(?:rdbms|databases?)\s+(?=\S+\s*\S*$)|^(?:\w+\s+)?tools?(?:\s+and\s+utilities)?\s+"
    r"|^frameworks?\s+|^methodolog(?:y|ies)\s+|^domains?\s+|^platforms?\s+|^ides?\s+|^(?:application|web)\s+servers?\s+",
    re.IGNORECASE,
)


def normalise_skill(item: str, labels: str = LABELS_NORMALISED) -> str:
    item = _QUALIFIER.sub(" ", item)
    item = re.sub(r"^[^\w(]+", "", item.strip())  # bullets: "◦ agile", "* git"
    if labels == LABELS_RAW:
        item = re.sub(r"^[^:]{1,40}:\s*|^[^-–]{1,30}\s[-–]\s", "", item)  # labels: "Languages - Python"
        canonical = taxonomy().skills.lookup(item.strip(" .-"))
        return (canonical or item).lower().strip(" .-")
    # The same text either side: NFKC as the parser reads it ("[…]" is "[...]"), "Web APIs:: JDBC" a label too.
    item = unicodedata.normalize("NFKC", item)
    item = re.sub(r"^[^:]{1,40}:+\s*|^[^-–]{1,30}\s[-–]\s", "", item).strip(" .-:")
    canonical = taxonomy().skills.lookup(item)
    if canonical is None and _CATEGORY.match(item):
        item = _CATEGORY.sub("", item, count=1).strip(" .-:")
        canonical = taxonomy().skills.lookup(item)
    return (canonical or item).lower().strip(" .-")


def is_skill_value(item: str, labels: str = LABELS_NORMALISED) -> bool:
    """An item that can name a skill: with the normalised labels, not a bare number ("Windows 7, 8, 10")
    and not a section heading the annotator's span ran over ("ADDITIONAL INFORMATION", "Technical Skills")."""
    if not item or len(item) > 60:
        return False
    return labels == LABELS_RAW or (re.search(r"[^\W\d_]", item) is not None and heading_of(item) is None)


def gold_fields(record: dict) -> dict[str, set[str]]:
    gold = {field: set() for field in FIELDS}
    content = record["content"]
    for annotation in record["annotation"] or []:
        for label in annotation["label"]:
            field = next((name for name, wanted in FIELDS.items() if wanted == label), None)
            if field is None:
                continue
            for point in annotation["points"]:
                text = content[point["start"] : point["end"] + 1]
                if text.strip() != point["text"].strip():
                    continue  # the data README: a few spans do not match the text; skip them
                gold[field] |= values_of(field, text)
    return gold


def values_of(field: str, text: str) -> set[str]:
    if field == "skills":
        # Qualifiers first: "Jira (Less than 1\nyear)" wraps over the line break that splits items.
        items = (normalise_skill(item, LABELS) for item in _SKILL_SPLIT.split(_QUALIFIER.sub(" ", text)))
        return {item for item in items if is_skill_value(item, LABELS)}
    if field == "email":
        # Gold spans hold the words around the address ("Email me on Indeed: ...") and line-wrapped links.
        text = re.sub(r"(?<=[/\-])\n", "", text)
        addresses = re.findall(r"[\w.+-]+@[\w.-]+\.\w+|(?:https?://)?[\w.-]+\.[a-z]{2,}/\S+", text)
        return {normalise(address) for address in addresses} or ({normalise(text)} if text.strip() else set())
    if field == "graduation_year":
        return set(re.findall(r"(?:19|20)\d\d", text))
    value = normalise(text)
    if field == "companies":
        value = _GENERIC_SUFFIX.sub("", value.replace(".", " ").strip())  # "Acme Ltd." and "Acme" are one company
    return {value} if value else set()


def predicted_fields(content: str) -> dict[str, set[str]]:
    return fields_of(parse_resume(content.encode("utf-8")))


def fields_of(resume) -> dict[str, set[str]]:
    """The parsed resume's values per field, normalised as the gold values are."""
    found = {
        # The label is one contact address per resume: the first email, else the first profile link.
        "email": (resume.emails + resume.links)[:1],
        "name": [resume.name] if resume.name else [],
        "college": [entry.school for entry in resume.education if entry.school],
        "degree": [entry.degree_raw for entry in resume.education if entry.degree_raw],
        "designation": [job.title for job in resume.experience if job.title],
        "companies": [job.company for job in resume.experience if job.company],
        # The label marks skills lists, so the figure compares what the resume lists under skills headings.
        "skills": [skill.name for skill in resume.skills if skill.listed] + resume.other_skills,
        "graduation_year": [str(entry.graduation_year) for entry in resume.education if entry.graduation_year],
    }
    return {field: {value for text in texts for value in values_of(field, text)} for field, texts in found.items()}


def baseline_fields(content: str) -> dict[str, set[str]]:
    """The simplest thing per field: first line as name, any line with a keyword as college/degree/company, ..."""
    lines = [line.strip() for line in content.split("\n") if line.strip()]
    skills_lines, in_skills = [], False
    for line in lines:
        if len(line) < 40 and "skill" in line.lower():
            in_skills = True
            continue
        if in_skills and line.isupper():
            in_skills = False
        if in_skills:
            skills_lines.append(line)
    found = {
        "email": find_emails(content)[:1],
        "name": lines[:1],
        "college": [line for line in lines if SCHOOL_EN.search(line)],
        "degree": [line for line in lines if len(line) < 100 and find_degree(line)],
        "designation": lines[1:2],
        "companies": [line for line in lines if len(line) < 100 and COMPANY_EN.search(line)],
        "skills": [item for line in skills_lines for item in line.split(",")],
        "graduation_year": re.findall(r"(?:19|20)\d\d", content),
    }
    return {field: {value for text in texts for value in values_of(field, text)} for field, texts in found.items()}


def prf(counts: Counter) -> dict[str, float]:
    precision = counts["tp"] / counts["predicted"] if counts["predicted"] else 0.0
    recall = counts["tp"] / counts["gold"] if counts["gold"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def tally(counts: dict[str, Counter], gold: dict, predicted: dict) -> None:
    """Count a field only in resumes where it was annotated: the labels are partial, an absent one means unknown."""
    for field in FIELDS:
        if not gold[field]:
            continue
        counts[field]["tp"] += len(gold[field] & predicted[field])
        counts[field]["predicted"] += len(predicted[field])
        counts[field]["gold"] += len(gold[field])


def held_out(record: dict) -> bool:
    """About a quarter of the records, chosen by a hash of the text: never looked at while tuning rules."""
    return int(hashlib.sha256(record["content"].encode("utf-8")).hexdigest(), 16) % 4 == 0


def english(path: Path, part: str = "all") -> dict:
    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    if part != "all":
        records = [record for record in records if held_out(record) == (part == "held-out")]
    parser_counts = {field: Counter() for field in FIELDS}
    baseline_counts = {field: Counter() for field in FIELDS}
    for record in records:
        gold = gold_fields(record)
        tally(parser_counts, gold, predicted_fields(record["content"]))
        tally(baseline_counts, gold, baseline_fields(record["content"]))
    return {
        "records": len(records),
        "fields": {
            field: {
                **prf(parser_counts[field]),
                "baseline_f1": prf(baseline_counts[field])["f1"],
                "aim": AIMS.get(field),
            }
            for field in FIELDS
        },
    }


def lexicon_baseline(train_path: Path):
    """Tag every string seen as an entity in training with its commonest type, longest string first."""
    seen: dict[str, Counter] = {}
    for chars, tags in read_bmes(train_path):
        for entity in tags_to_entities(chars, tags):
            seen.setdefault(entity.text, Counter())[entity.type] += 1
    lexicon = {text: types.most_common(1)[0][0] for text, types in seen.items() if len(text) > 1}
    pattern = re.compile("|".join(map(re.escape, sorted(lexicon, key=len, reverse=True))))

    def tag(sentence: str) -> set[tuple[str, int, int]]:
        return {(lexicon[found.group()], found.start(), found.end()) for found in pattern.finditer(sentence)}

    return tag


def chinese(dev_path: Path, train_path: Path) -> dict:
    baseline = lexicon_baseline(train_path) if train_path.is_file() else None
    counts: dict[str, Counter] = {}
    baseline_counts: dict[str, Counter] = {}
    started = time.perf_counter()
    sentences = 0
    for chars, tags in read_bmes(dev_path):
        sentences += 1
        sentence = "".join(chars)
        gold = {(entity.type, entity.start, entity.end) for entity in tags_to_entities(chars, tags)}
        predicted = {(entity.type, entity.start, entity.end) for entity in extract_entities(sentence)}
        count_entities(counts, gold, predicted)
        if baseline:
            count_entities(baseline_counts, gold, baseline(sentence))
    elapsed = time.perf_counter() - started
    return {
        "sentences": sentences,
        "sentences_per_second": round(sentences / elapsed, 1),
        "types": {
            kind: {
                **prf(counts[kind]),
                "support": counts[kind]["gold"],
                "baseline_f1": prf(baseline_counts.get(kind, Counter()))["f1"],
            }
            for kind in sorted(counts)
        },
    }


def count_entities(counts: dict[str, Counter], gold: set, predicted: set) -> None:
    for kind in {entity[0] for entity in gold | predicted} | {"ALL"}:
        in_gold = {entity for entity in gold if kind in ("ALL", entity[0])}
        in_predicted = {entity for entity in predicted if kind in ("ALL", entity[0])}
        counter = counts.setdefault(kind, Counter())
        counter["tp"] += len(in_gold & in_predicted)
        counter["predicted"] += len(in_predicted)
        counter["gold"] += len(in_gold)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--en",
        type=Path,
        default=SHARED / "data/resumes-en/dataturks-dev.jsonl",
        help="English JSONL (DataTurks format)",
    )
    parser.add_argument(
        "--part",
        choices=["all", "dev", "held-out"],
        default="all",
        help="English records to use: all, the tuning part, or the held-out quarter",
    )
    parser.add_argument(
        "--zh",
        type=Path,
        default=SHARED / "data/resumes-zh/resume-ner-dev.bmes",
        help="Chinese BMES file to evaluate on",
    )
    parser.add_argument(
        "--zh-train",
        type=Path,
        default=SHARED / "data/resumes-zh/resume-ner-train.bmes",
        help="Chinese training BMES, read only by the lexicon baseline",
    )
    parser.add_argument(
        "--labels",
        choices=[LABELS_NORMALISED, LABELS_RAW],
        default=LABELS_NORMALISED,
        help="skills comparison: both sides folded alike (NFKC, '::' labels, list categories without a colon, no"
        " headings or bare numbers), or raw as in the first figures",
    )
    arguments = parser.parse_args(argv)
    global LABELS
    LABELS = arguments.labels
    results = {}
    if arguments.en.is_file():
        results["en"] = english(arguments.en, arguments.part)
        print(
            f"English: {results['en']['records']} resumes ({arguments.en}, part {arguments.part});"
            " each field counted in the resumes where it is annotated"
        )
        print(f"  {'field':16} {'P':>7} {'R':>7} {'F1':>7} {'baseline F1':>12} {'aim':>6}")
        for field, figures in results["en"]["fields"].items():
            aim = f"{figures['aim']:.2f}" if figures["aim"] else "-"
            print(
                f"  {field:16} {figures['precision']:7.3f} {figures['recall']:7.3f} {figures['f1']:7.3f}"
                f" {figures['baseline_f1']:12.3f} {aim:>6}"
            )
    else:
        print(f"English set not found: {arguments.en}")
    if arguments.zh.is_file():
        results["zh"] = chinese(arguments.zh, arguments.zh_train)
        print(
            f"Chinese: {results['zh']['sentences']} sentences ({arguments.zh}),"
            f" {results['zh']['sentences_per_second']} sentences/s"
        )
        print(f"  {'type':8} {'P':>7} {'R':>7} {'F1':>7} {'baseline F1':>12} {'n':>6}")
        for kind, figures in results["zh"]["types"].items():
            print(
                f"  {kind:8} {figures['precision']:7.3f} {figures['recall']:7.3f} {figures['f1']:7.3f}"
                f" {figures['baseline_f1']:12.3f} {figures['support']:6d}"
            )
        print("  (aim: ALL F1 >= 0.85; baseline: training-set lexicon lookup)")
    else:
        print(f"Chinese set not found: {arguments.zh}")
    print(json.dumps(results, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
