"""Category sets as data (hub/fairness/categories/*.yaml): the dimensions a candidate may self-identify on, their
categories, and which intersections the audit computes. `eeo1` is the US set NYC Local Law 144 audits use."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import safeyaml

FOLDER = Path(__file__).parent / "categories"
DEFAULT_SET = "eeo1"
# What a candidate may answer instead of a category; it counts as unknown in the audit.
DECLINED = "declined"


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    categories: dict[str, str]  # key -> label, in the file's order


@dataclass(frozen=True)
class CategorySet:
    name: str
    title: str
    dimensions: dict[str, Dimension]
    intersections: list[tuple[str, ...]]

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "dimensions": {
                key: {"title": d.title, "categories": dict(d.categories)} for key, d in self.dimensions.items()
            },
            "intersections": [list(parts) for parts in self.intersections],
        }


@lru_cache(maxsize=None)
def all_sets() -> dict[str, CategorySet]:
    sets = {}
    for path in sorted(FOLDER.glob("*.yaml")):
        data = safeyaml.safe_load(path.read_text(encoding="utf-8"))
        dimensions = {
            key: Dimension(key, spec["title"], {str(k): str(v) for k, v in spec["categories"].items()})
            for key, spec in data["dimensions"].items()
        }
        intersections = [tuple(parts) for parts in data.get("intersections") or []]
        for parts in intersections:
            unknown = [part for part in parts if part not in dimensions]
            if unknown:
                raise ValueError(f"{path}: intersection names unknown dimensions {unknown}")
        sets[data["name"]] = CategorySet(data["name"], data["title"], dimensions, intersections)
    return sets


def names() -> list[str]:
    return sorted(all_sets())


def get(name: str) -> CategorySet | None:
    return all_sets().get(name)


def json_schema() -> dict:
    """The request body of PUT .../demographics as JSON Schema, built from the sets (the API document serves it)."""
    branches = []
    for name in names():
        category_set = all_sets()[name]
        branches.append(
            {
                "properties": {
                    "category_set": {"const": name},
                    "categories": {
                        "properties": {
                            key: {"enum": [*dimension.categories, DECLINED]}
                            for key, dimension in category_set.dimensions.items()
                        },
                        "additionalProperties": False,
                    },
                }
            }
        )
    return {
        "title": "Demographics",
        "description": "A candidate's voluntary self-identification under one category set; a dimension left out "
        f"or {DECLINED!r} counts as unknown. Never read by scoring, policies or mappings.",
        "type": "object",
        "additionalProperties": False,
        "required": ["category_set", "self_identified", "categories"],
        "properties": {
            "category_set": {"enum": names()},
            "self_identified": {
                "const": True,
                "description": "The candidate chose to give these; inferred categories are refused.",
            },
            "categories": {"type": "object", "minProperties": 1},
        },
        "oneOf": branches,
    }
