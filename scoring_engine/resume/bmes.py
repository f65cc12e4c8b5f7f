"""Character-per-line BMES files (`高 B-NAME`, blank line between sentences) and tag-to-span decoding."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Entity:
    """A typed span of a sentence: text[start:end]."""

    type: str
    start: int
    end: int
    text: str


def read_bmes(path: str | Path) -> Iterator[tuple[list[str], list[str]]]:
    """Yield (characters, tags) per sentence; a malformed line raises ValueError naming file and line."""
    chars: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\n")
            if not line.strip():
                if chars:
                    yield chars, tags
                chars, tags = [], []
                continue
            parts = line.split()
            if len(parts) != 2:
                raise ValueError(f"{path}:{number}: expected 'CHARACTER TAG', got {line!r}")
            chars.append(parts[0])
            tags.append(parts[1])
    if chars:
        yield chars, tags


def tags_to_entities(chars: list[str], tags: list[str]) -> list[Entity]:
    """Spans from BMES (also BIO/BIOES) tags; a span broken by a stray tag ends where the break is."""
    entities, start, current = [], None, None
    for index, tag in enumerate(tags + ["O"]):
        prefix, _, kind = tag.partition("-")
        if prefix in ("M", "I", "E") and current == kind and start is not None:
            if prefix == "E":
                entities.append(Entity(kind, start, index + 1, "".join(chars[start : index + 1])))
                start, current = None, None
            continue
        if start is not None:
            # An entity left open (no E- tag) still counts up to here: the model's intent is clear enough.
            entities.append(Entity(current, start, index, "".join(chars[start:index])))
            start, current = None, None
        if prefix == "S":
            entities.append(Entity(kind, index, index + 1, chars[index]))
        elif prefix in ("B", "M", "I", "E") and kind:
            if prefix == "E":
                entities.append(Entity(kind, index, index + 1, chars[index]))
            else:
                start, current = index, kind
    return entities


def entities_to_tags(length: int, entities: list[Entity]) -> list[str]:
    """BMES tags for a sentence of the given length holding the entities."""
    tags = ["O"] * length
    for entity in entities:
        if entity.end - entity.start == 1:
            tags[entity.start] = f"S-{entity.type}"
            continue
        tags[entity.start] = f"B-{entity.type}"
        for index in range(entity.start + 1, entity.end - 1):
            tags[index] = f"M-{entity.type}"
        tags[entity.end - 1] = f"E-{entity.type}"
    return tags
