"""The parsed resume: plain dataclasses with a JSON-able to_dict()."""

from dataclasses import asdict, dataclass, field


@dataclass
class Education:
    """One school entry; `degree` is normalised (see degrees.DEGREE_LEVELS), `degree_raw` as written."""

    school: str | None = None
    degree: str | None = None
    degree_raw: str | None = None
    major: str | None = None
    graduation_year: int | None = None
    evidence: str = ""


@dataclass
class Experience:
    """One job; start and end are "YYYY-MM" (or "YYYY"), end None while it lasts (至今 / present)."""

    company: str | None = None
    title: str | None = None
    start: str | None = None
    end: str | None = None
    months: int | None = None
    evidence: str = ""


@dataclass
class SkillMention:
    """A taxonomy skill found in the resume, with the text that named it."""

    name: str
    surface: str
    evidence: str = ""
    listed: bool = False  # named in a skills section, not only in passing


@dataclass
class CertificateMention:
    """A certificate or licence: canonical name where the taxonomy knows it."""

    name: str
    surface: str
    evidence: str = ""


@dataclass
class Resume:
    """Everything parse_resume() found; empty lists and None where the resume did not say."""

    name: str | None = None
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    education: list[Education] = field(default_factory=list)
    experience: list[Experience] = field(default_factory=list)
    total_years: float | None = None
    skills: list[SkillMention] = field(default_factory=list)
    # Items listed under a skills heading that the taxonomy does not know, kept as written.
    other_skills: list[str] = field(default_factory=list)
    certificates: list[CertificateMention] = field(default_factory=list)
    language: str = "en"
    text_chars: int = 0
    file_type: str | None = None
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    text: str = field(default="", repr=False)

    def to_dict(self, include_text: bool = False) -> dict:
        """JSON-able form; the full text only on request (it is PII and large)."""
        data = asdict(self)
        if not include_text:
            data.pop("text")
        return data

    @property
    def highest_degree(self) -> str | None:
        from scoring_engine.resume.degrees import highest

        return highest(entry.degree for entry in self.education)
