"""The shipped skills and certificates taxonomy, and a matcher that finds its terms in text."""

import functools
import re
from dataclasses import dataclass
from importlib import resources

import safeyaml
from scoring_engine.resume.chinese import has_cjk

# Aliases this short ("AI", "ML", "HR") are only read in capitals: in lower case they are other words.
SHORT_ALIAS = 3


@dataclass(frozen=True)
class Term:
    """A taxonomy entry: canonical name, every way of writing it, and whether it needs list context."""

    name: str
    surfaces: tuple[str, ...]
    strict: bool = False
    related: tuple[str, ...] = ()
    senses: tuple[re.Pattern, ...] = ()


@dataclass(frozen=True)
class TermHit:
    """One place where a term is named in the text."""

    name: str
    surface: str
    start: int
    end: int
    strict: bool


class TermMatcher:
    """Find taxonomy terms: Latin-script names by regex at word edges, Chinese ones at jieba word edges."""

    def __init__(self, terms: list[Term]):
        self.terms = {term.name: term for term in terms}
        self._related: dict[str, set[str]] = {}
        for term in terms:
            for other in term.related:
                self._related.setdefault(term.name, set()).add(other)
                self._related.setdefault(other, set()).add(term.name)
        self._by_surface: dict[str, Term] = {}
        case_insensitive, case_sensitive, self._cjk = [], [], []
        for term in terms:
            for surface in term.surfaces:
                self._by_surface.setdefault(surface.lower(), term)
                if has_cjk(surface):
                    self._cjk.append(surface.lower())
                elif term.strict:
                    case_sensitive.append(surface)
                elif surface != term.name and len(surface) <= SHORT_ALIAS and surface.isalpha():
                    case_sensitive.append(surface.upper())
                else:
                    case_insensitive.append(surface)
        self._latin = _alternation(case_insensitive, re.IGNORECASE)
        self._latin_exact = _alternation(case_sensitive, 0)
        self._cjk_re = (
            re.compile("|".join(map(re.escape, sorted(set(self._cjk), key=len, reverse=True)))) if self._cjk else None
        )

    def lookup(self, text: str) -> str | None:
        """Canonical name for a whole string written any known way, else None."""
        term = self._by_surface.get(re.sub(r"[\s\-]+", " ", text.strip().lower()))
        return term.name if term else None

    def related(self, name: str) -> set[str]:
        """Canonical names close to this one (both directions of every `related` entry)."""
        return self._related.get(name, set())

    def find(self, text: str) -> list[TermHit]:
        """Every hit in text, longest surface first where hits overlap."""
        hits = []
        for pattern in (self._latin, self._latin_exact):
            if pattern is not None:
                hits.extend(self._hit(found.group(), found.start(), found.end()) for found in pattern.finditer(text))
        if self._cjk_re is not None and has_cjk(text):
            from scoring_engine.resume.chinese import word_boundaries

            lowered = text.lower()
            boundaries = None
            for found in self._cjk_re.finditer(lowered):
                boundaries = boundaries if boundaries is not None else word_boundaries(text)
                # "销售" inside "销售额" is another word: keep only hits that jieba also sees as words.
                if found.start() in boundaries and found.end() in boundaries:
                    hits.append(self._hit(text[found.start() : found.end()], found.start(), found.end()))
        return _drop_overlaps(hit for hit in hits if hit is not None)

    def _hit(self, surface: str, start: int, end: int) -> TermHit | None:
        term = self._by_surface.get(re.sub(r"[\s\-]+", " ", surface.lower()))
        if term is None:
            return None
        return TermHit(term.name, surface, start, end, term.strict)

    def cjk_surfaces(self) -> list[str]:
        return list(self._cjk)


@dataclass(frozen=True)
class Taxonomy:
    """Skills and certificates, each with its matcher."""

    skills: TermMatcher
    certificates: TermMatcher

    def cjk_surfaces(self) -> list[str]:
        return self.skills.cjk_surfaces() + self.certificates.cjk_surfaces()


@functools.lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    """The taxonomy shipped in data/skills.yaml (read once)."""
    raw = safeyaml.safe_load(resources.files("scoring_engine.resume").joinpath("data/skills.yaml").read_text("utf-8"))
    return Taxonomy(TermMatcher(_terms(raw["skills"])), TermMatcher(_terms(raw["certificates"])))


def _terms(entries: list[dict]) -> list[Term]:
    return [
        Term(
            entry["name"],
            tuple(dict.fromkeys([entry["name"], *entry.get("aliases", []), *entry.get("zh", [])])),
            bool(entry.get("strict")),
            tuple(entry.get("related", ())),
            tuple(re.compile(pattern, re.IGNORECASE) for pattern in entry.get("senses", ())),
        )
        for entry in entries
    ]


def _alternation(surfaces: list[str], flags: int) -> re.Pattern | None:
    if not surfaces:
        return None
    # Spaces and hyphens inside a name are interchangeable ("machine-learning", a line break in a PDF).
    parts = [
        re.sub(r"(\\ |\\-)+", r"[\\s\\-]+", re.escape(surface))
        for surface in sorted(set(surfaces), key=len, reverse=True)
    ]
    # Word edges in ASCII terms only: a Chinese character right after "Python" is still an edge.
    return re.compile(r"(?<![A-Za-z0-9_+#.])(?:" + "|".join(parts) + r")(?![A-Za-z0-9_+#]|\.[A-Za-z0-9])", flags)


def _drop_overlaps(hits) -> list[TermHit]:
    kept: list[TermHit] = []
    for hit in sorted(hits, key=lambda hit: (hit.start, -(hit.end - hit.start))):
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept
