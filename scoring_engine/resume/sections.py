"""Split resume text into sections by their headings (English and Chinese)."""

import re
from dataclasses import dataclass, field

HEADER, EDUCATION, EXPERIENCE, SKILLS, CERTIFICATES, PROJECTS, SUMMARY, OTHER = (
    "header",
    "education",
    "experience",
    "skills",
    "certificates",
    "projects",
    "summary",
    "other",
)

# Checked in order: "project experience" is a project heading, not a work-experience one.
_HEADINGS = [
    (
        PROJECTS,
        r"((key|major|academic|personal|professional|notable|selected) )?projects?"
        r"( (experience|details|profile|undertaken|summary|handled|worked on))?|项目经[历验]|项目|项目背景",
    ),
    (
        CERTIFICATES,
        r"(professional )?(certifications?|certificates?|licen[cs]es?)( (and|&) \w+)?|[a-z]*\s*certifications?"
        r"|(资格|所获|获得|资质|职业)?证书|证书(与|及)?(资质|资格|荣誉)?|资格认证|职业资格",
    ),
    (
        EDUCATION,
        r"(education(al)?|academic)( (background|details|qualifications?|profile|history|credentials))?|qualifications?"
        r"|education (and|&) training|教育(背景|经历|情况)?|学历(背景|信息)?|学习经历",
    ),
    (
        EXPERIENCE,
        r"((work|professional|employment|career|relevant|industry|internship) )?(experience|history)"
        r"|employment|work history|internships?|工作(经历|经验|履历)|实习(经历|经验)|职业经历|任职经历|工作",
    ),
    (
        SKILLS,
        r"((technical|key|core|professional|it|computer|software|personal|soft|functional|domain|programming|other"
        r"|additional|relevant|primary|transferable) ){0,2}(skills?|skill ?set|competenc(y|ies)|expertise"
        r"|proficienc(y|ies))( (and|&) \w+| summary)?|(technical|it|computer|software|domain) knowledge"
        r"|areas? of expertise|technical profile"
        r"|(key |core )?strengths|technologies|tools|技能|专业技能|个人技能|技能特长|专业能力|技术能力|掌握技能|IT技能",
    ),
    (
        SUMMARY,
        r"(professional |career )?(summary|profile|objective)|about me|自我(评价|介绍)|个人(简介|总结|优势)|求职意向",
    ),
    (
        OTHER,
        r"(awards?|rewards?)( and \w+)?|recognitions?|achievements?|honou?rs?|(additional|other) information|languages?"
        r"|interests|hobbies|references"
        r"|areas? of interest|links|online profiles?|social (media|profiles?)|websites?"
        r"|personal (details|information|profile)|publications|activities|获奖(情况|经历)?|荣誉(奖励)?|兴趣爱好|语言能力"
        r"|个人信息|基本信息|其他|附加信息|校园经历|在校经历",
    ),
]
_HEADING_RE = [(name, re.compile(rf"^(?:{pattern})$", re.IGNORECASE)) for name, pattern in _HEADINGS]
_DECORATION = " \t•·*#=_|:：-—–【】[]()()<>《》0123456789.、一二三四五六七八九十"
_SENTENCE_END = re.compile(r"[a-z]\.$")
# Possessive \s*+: a heading never starts with a space, and backtracking into a long run of spaces was quadratic.
_INLINE = re.compile(r"^\s*+(?P<heading>[^:：]{2,30}?)\s*[:：]\s*(?P<rest>\S.*)$")
# A line of a skills list that starts with its category, with or without a colon ("Operating Systems Windows 7",
# "Tools: HP-UFT, JIRA"): outside a skills section (under "Additional information") it opens one.
_SKILL_CATEGORY_LINE = re.compile(
    r"^\s*+(?:(?:programming|scripting|web|query)\s+)?languages?\s*[:：]|^\s*+(?:programming|scripting)\s+languages?\s+\S|^\s*+(?:web\s+)?technologies\s*[:：\s]\s*\S"
    r"|^\s*+(?:operating\s+systems?|(?:software\s+)?tools(?:\s+and\s+utilities)?|frameworks?|databases?|rdbms"
    r"|methodologies|ides?|version\s+control|(?:application|web)\s+servers?)\s*[:：\s]\s*[A-Za-z]"
    r"|^\s*+(?:编程语言|开发语言|数据库|开发工具|常用工具|工具|操作系统|开发框架|框架|中间件)\s*[:：]\s*\S",
    re.IGNORECASE,
)
_LIST_ITEMS = re.compile(r"[,，、;；|/]")
_AND = re.compile(r"\s(?:and|&)\s|和|及")
# "Languages:" alone is most often spoken ones (English, Hindi): it opens a skills list only when a programming language
# follows; the rest of the list (C, C++, C#) is then on the same line.
_PROGRAMMING = re.compile(r"(?<![\w+#])(?:c\+\+|c#|java|python|sql|pl/sql|javascript|php|perl|ruby|c)(?![\w+#])", re.I)


@dataclass
class Section:
    """A titled part of the resume; `lines` keep their position in the full text for quoting."""

    name: str
    heading: str
    lines: list[str] = field(default_factory=list)
    # The lines as they stand in the text, an inline heading's line ("Skills: Java, SQL") included.
    source_lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def heading_of(line: str) -> str | None:
    """The section a line opens, or None if it is not a heading."""
    if _SENTENCE_END.search(line.strip()):
        return None  # "... and communication skills." wrapped onto its own line ends a sentence
    stripped = line.strip().strip(_DECORATION).strip()
    if not stripped or len(stripped) > 40:
        return None
    # "Certifications/Licenses", "Skills / Tools": a slash joins two names like "and" does.
    lowered = re.sub(r"\s*/\s*", " and ", re.sub(r"\s+", " ", stripped.lower()))
    for name, pattern in _HEADING_RE:
        if pattern.match(lowered):
            return name
    return None


def split_sections(text: str) -> list[Section]:
    """The text as sections in order; what precedes the first heading is the HEADER section."""
    sections = [Section(HEADER, "")]
    for line in text.split("\n"):
        name = heading_of(line)
        if name:
            sections.append(Section(name, line.strip(), source_lines=[line]))
            continue
        if sections[-1].name in (OTHER, HEADER) and _skill_category_line(line):
            # Before inline headings: "Languages: C, C++" under "Additional information" lists programming languages.
            sections.append(Section(SKILLS, "", [line], [line]))
            continue
        inline = _INLINE.match(line)
        name = heading_of(inline.group("heading")) if inline else None
        if name and not _detail_of(sections[-1].name, name, inline.group("heading")):
            # "Skills: Java, Python" opens a section whose first line is the rest of the line.
            sections.append(Section(name, inline.group("heading"), [inline.group("rest")], [line]))
            continue
        if sections[-1].name == SKILLS and not sections[-1].heading and _ends_category_list(line):
            # A list opened by its category line ends at the first line that is not a list: the section it stood in
            # goes on ("2015 Master of Computer Application", a sentence, a sub-heading of the other section).
            sections.append(Section(sections[-2].name, "", [line], [line]))
            continue
        sections[-1].lines.append(line)
        sections[-1].source_lines.append(line)
    return sections


def _ends_category_list(line: str) -> bool:
    """A line that is not part of a list opened by its category line: not a list, or another field ("Hobbies: ...")."""
    if not line.strip():
        return False
    if not _LIST_ITEMS.search(line):
        # A table row of two items ("Middleware MVC and WCF") goes on with the list; a sentence or a title does not.
        return not (_AND.search(line) and len(line.split()) <= 8 and not line.rstrip().endswith("."))
    labelled = _INLINE.match(line)
    return labelled is not None and not _skill_category_line(line) and len(labelled.group("heading").split()) <= 3


def _skill_category_line(line: str) -> bool:
    """A categorised skills list line outside a skills section ("Tools HP-UFT, JIRA", "Databases: Oracle")."""
    found = _SKILL_CATEGORY_LINE.match(line)
    if not found or len(line.split()) > 14:
        return False
    if found.group().rstrip(" :：").lower().endswith(("language", "languages")):
        return _PROGRAMMING.search(line[found.end() :]) is not None
    return True


def _detail_of(current: str, name: str, heading: str) -> bool:
    """True when an inline heading ("Tools: Git") is a line of the current section rather than a new one."""
    if current == SKILLS:
        return name in (SKILLS, OTHER)  # "Languages: C, Java" inside a skills list is a line of the list
    # "Technologies: Java, Oracle" under a job or project describes that entry; "Skills: ..." opens a section.
    return current in (EXPERIENCE, PROJECTS) and name == SKILLS and "skill" not in heading.lower()


def lines_of(sections: list[Section], name: str, source: bool = False) -> list[str]:
    """All lines of every section with that name (with `source`, as they stand in the text)."""
    return [
        line
        for section in sections
        if section.name == name
        for line in (section.source_lines if source else section.lines)
    ]
