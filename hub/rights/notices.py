"""Notices to candidates, as data: one YAML file per notice version, language and jurisdiction.

The hub ships its own (hub/rights/notice_files/); an operator adds theirs in HUB_NOTICES_DIR, where a file with the same
id, version, language and jurisdiction replaces the shipped one. Each result names the notice it was shown
(`consent.notice_id`, `consent.notice_version`, optionally `consent.language` and `consent.jurisdiction`); a result
citing a notice the catalog does not hold is refused with the pointer of the field that does not match."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

import safeyaml
from hub.errors import InvalidInput

SHIPPED = Path(__file__).resolve().parent / "notice_files"
DEFAULT_ID = "candidate-assessment"
LANGUAGES = ("zh", "en")
UNSPECIFIED = "unspecified"
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")
_JURISDICTION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,8}){0,2}$")
SCOPES = ("scoring", "transfer_to_hr_systems", "retention")
REQUIRED = ("id", "version", "language", "jurisdiction", "title", "effective_from", "text")


@dataclass(frozen=True)
class Notice:
    id: str
    version: str
    language: str
    jurisdiction: str
    title: str
    effective_from: str
    text: str
    scopes: tuple[str, ...]
    offers_human_review: bool
    source: str  # "shipped" or "operator"

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.id, self.version, self.language, self.jurisdiction)

    def summary(self) -> dict:
        return {
            "id": self.id,
            "version": self.version,
            "language": self.language,
            "jurisdiction": self.jurisdiction,
            "title": self.title,
            "effective_from": self.effective_from,
            "scopes": list(self.scopes),
            "offers_human_review": self.offers_human_review,
            "source": self.source,
            "links": {"self": f"/api/v1/notices/{self.id}/{self.version}/{self.language}/{self.jurisdiction}"},
        }

    def to_dict(self) -> dict:
        return {**self.summary(), "text": self.text}


def _bad(path: Path, message: str, line: int | None = None) -> InvalidInput:
    where = f"{path}:{line}" if line else str(path)
    return InvalidInput(
        f"notice file {where}: {message}",
        title="A notice file is not valid",
        errors=[{"pointer": where, "message": message}],
    )


def load_file(path: Path, source: str) -> Notice:
    """One notice file, checked: what is missing or wrong is named with the file (and line, for YAML errors)."""
    try:
        data = safeyaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise _bad(path, getattr(error, "problem", None) or "not valid YAML", mark.line + 1 if mark else None) from None
    except (OSError, UnicodeDecodeError) as error:
        raise _bad(path, f"cannot be read ({error.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise _bad(path, "expected a mapping of id, version, language, jurisdiction, title, effective_from, text")
    missing = [name for name in REQUIRED if data.get(name) in (None, "")]
    if missing:
        raise _bad(path, f"missing {', '.join(missing)}")
    values = {
        name: str(data[name]) if not isinstance(data[name], date) else data[name].isoformat() for name in REQUIRED
    }
    for name in ("id", "version"):
        if not _TOKEN.match(values[name]):
            raise _bad(path, f"{name} {values[name]!r} must be letters, digits and . _ : - (at most 100)")
    if values["language"] not in LANGUAGES:
        raise _bad(path, f"language must be one of {', '.join(LANGUAGES)}, got {values['language']!r}")
    if not _JURISDICTION.match(values["jurisdiction"]):
        raise _bad(path, f"jurisdiction {values['jurisdiction']!r} must be a country code, e.g. CN, EU or US-NY-NYC")
    try:
        date.fromisoformat(values["effective_from"])
    except ValueError:
        raise _bad(path, f"effective_from must be a date like 2026-09-01, got {values['effective_from']!r}") from None
    scopes = data.get("scopes") or list(SCOPES)
    if not isinstance(scopes, list) or any(scope not in SCOPES for scope in scopes):
        raise _bad(path, f"scopes must be a list of {', '.join(SCOPES)}")
    return Notice(
        **values,
        scopes=tuple(scopes),
        offers_human_review=bool(data.get("offers_human_review", True)),
        source=source,
    )


def _files(folder: Path | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


@functools.lru_cache(maxsize=8)
def _load(operator_dir: str | None, stamp: tuple) -> dict[tuple[str, str, str, str], Notice]:
    notices: dict[tuple[str, str, str, str], Notice] = {}
    for folder, source in ((SHIPPED, "shipped"), (Path(operator_dir) if operator_dir else None, "operator")):
        for path in _files(folder):
            notice = load_file(path, source)
            if notice.key in notices and notices[notice.key].source == source:
                raise _bad(path, f"a second notice {'/'.join(notice.key)} in the same folder")
            notices[notice.key] = notice
    return notices


def catalog(operator_dir: Path | None) -> list[Notice]:
    """Every notice, shipped and the operator's, sorted; reloaded when a file changes."""
    stamp = tuple((str(p), p.stat().st_mtime_ns) for folder in (SHIPPED, operator_dir) for p in _files(folder))
    notices = _load(str(operator_dir) if operator_dir else None, stamp)
    return sorted(notices.values(), key=lambda n: (n.id, n.version, n.language, n.jurisdiction))


def find(operator_dir: Path | None, notice_id: str, version: str, language: str, jurisdiction: str) -> Notice:
    for notice in catalog(operator_dir):
        if notice.key == (notice_id, version, language, jurisdiction):
            return notice
    raise InvalidInput(
        f"no notice {notice_id}/{version}/{language}/{jurisdiction}; GET /api/v1/notices lists them",
        title="No such notice",
    )


@dataclass(frozen=True)
class Cited:
    """The notice a result's consent cites, as recorded with the result."""

    notice_id: str
    version: str
    language: str
    jurisdiction: str
    automated_opt_out: bool
    scopes: list[str] | None

    def to_dict(self) -> dict:
        return {
            "notice_id": self.notice_id,
            "notice_version": self.version,
            "language": self.language,
            "jurisdiction": self.jurisdiction,
            "scopes": self.scopes,
            "automated_decision_opt_out": self.automated_opt_out,
        }


def resolve(operator_dir: Path | None, consent: dict[str, Any]) -> Cited:
    """The notice a consent record cites, or InvalidInput pointing at the first field the catalog does not match."""
    notice_id = consent.get("notice_id") or DEFAULT_ID
    version = consent["notice_version"]
    language = consent.get("language")
    jurisdiction = consent.get("jurisdiction")
    notices = catalog(operator_dir)
    steps = (
        ("notice_id", notice_id, lambda n: n.id == notice_id),
        ("notice_version", version, lambda n: n.version == version),
        ("language", language, lambda n: language is None or n.language == language),
        ("jurisdiction", jurisdiction, lambda n: jurisdiction is None or n.jurisdiction == jurisdiction),
    )
    matching = notices
    for field, value, test in steps:
        narrowed = [n for n in matching if test(n)]
        if not narrowed:
            known = sorted(
                {getattr(n, {"notice_id": "id", "notice_version": "version"}.get(field, field)) for n in matching}
            )
            raise InvalidInput(
                "the consent cites a notice this hub does not hold; GET /api/v1/notices lists them",
                title="Unknown notice",
                errors=[
                    {
                        "pointer": f"/consent/{field}",
                        "message": f"no notice with {field} {value!r}"
                        + (f" (for {notice_id} {version})" if field in ("language", "jurisdiction") else "")
                        + f"; known: {', '.join(known) or 'none'}",
                    }
                ],
            )
        matching = narrowed
    return Cited(
        notice_id=notice_id,
        version=version,
        language=language or (matching[0].language if len(matching) == 1 else UNSPECIFIED),
        jurisdiction=jurisdiction or (matching[0].jurisdiction if len(matching) == 1 else UNSPECIFIED),
        automated_opt_out=bool(consent.get("automated_decision_opt_out")),
        scopes=consent.get("scopes"),
    )


def record(session, result_id: str, cited: Cited, given_at: str | None) -> None:
    """Keep the notice and consent a result came with, beside the result (not personal data)."""
    from datetime import datetime

    from hub.storage.rights import ConsentRecord

    try:
        given = datetime.fromisoformat(given_at) if given_at else None
    except ValueError:
        given = None
    session.add(
        ConsentRecord(
            result_id=result_id,
            notice_id=cited.notice_id,
            notice_version=cited.version,
            language=cited.language,
            jurisdiction=cited.jurisdiction,
            scopes=cited.scopes,
            automated_opt_out=cited.automated_opt_out,
            given_at=given if given is None or given.tzinfo else None,
        )
    )


def opted_out(payload: dict | None) -> bool:
    """True when the candidate refused automated decisions (the result goes to a person, nothing is scored)."""
    return bool(((payload or {}).get("consent") or {}).get("automated_decision_opt_out"))


def human_only_reason(result_id: str) -> str:
    """What a human-only result says instead of a score."""
    return (
        "the candidate opted out of automated decisions: nothing is scored; a person reviews this result and may "
        f"record an assessment (POST /api/v1/results/{result_id}/reviews with subject 'assessment')"
    )
