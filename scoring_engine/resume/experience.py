"""Work experience entries: company, title, start and end (至今 / present), and total years with overlaps merged."""

import re
from dataclasses import dataclass
from datetime import date

from scoring_engine.resume.chinese import CJK
from scoring_engine.resume.dates import DateRange, find_date_ranges, format_date, merged_months
from scoring_engine.resume.model import Experience
from scoring_engine.resume.pieces import is_bullet, remove_dates, split_pieces, strip_bullet
from scoring_engine.resume.vocabulary import COMPANY_EN, COMPANY_ZH, TITLE_EN, TITLE_ZH

_LABELLED = {
    "company": re.compile(
        r"(?:公司(?:名称)?|单位|雇主|company|employer|organi[sz]ation)\s*[:：]\s*(?P<value>[^|\n]{2,60})", re.I
    ),
    "title": re.compile(
        r"(?:职\s*位|职\s*务|岗\s*位|title|designation|position|role)\s*[:：-]\s*(?P<value>[^|\n]{2,60})", re.I
    ),
}
# Lines around a date that can hold the company or title: short, not a bullet, not a sentence.
_HEADER_WORDS_EN = 9
_HEADER_CHARS_ZH = 40
_LOOK_BACK = 2
_LOOK_AHEAD = 2
_HEADLINE = re.compile(r"^(?P<title>[^|@\n]{2,60}?)\s*(?:\s-\s|\sat\s|@|\|)\s*(?P<company>[^|@\n]{2,60})$")
_CLIENT = re.compile(r"\s*[-–:(]?\s*\bclient\b.*$", re.I)
_LEGAL_FORM_AFTER_COMMA = re.compile(r",(\s*(?:inc|ltd|llc|llp|plc|corp|co|limited|gmbh)\b\.?)", re.I)
# A role and its employer written out: "Worked as Analyst for Acme from 2019", "Engineer at Acme".
_TRAILING_SINCE = re.compile(r"\s+(?:from|since|till|until|during)(?:\s+\W*)?$|\s+(?:from|since)\s+\d.*$", re.I)
_WORKED_AT = re.compile(
    r"^(?i:(?:i\s+)?(?:have\s+|had\s+|am\s+|was\s+)?(?:worked|working|employed|served|serving)\s+"
    r"(?:at|in|for|with)\s+)(?P<company>[A-Z0-9\[].*?)\s+(?i:as)\s+(?:(?i:an?)\s+)?(?P<title>.+)$"
)
_ROLE_AT = re.compile(
    r"^(?P<verb>(?i:(?:worked|working|employed|served|serving)\s+as\s+(?:an?\s+)?))?(?P<title>[^@]+?)"
    r"\s*(?P<link>@|\s(?i:at|in|for|with)\s)\s*(?P<company>[A-Z0-9\[][^@]*)$"
)
_LEGAL_FORM_THEN_WORDS = re.compile(
    r"^(?P<company>\S.*?\b(?:ltd|limited|inc|llc|llp|plc|corp|corporation|gmbh)\b\.?)\s*[(,]?\s*(?P<title>[A-Za-z].*?)\)?$",
    re.I,
)
_DANGLING_DASH = re.compile(r"\s[-–—]\s*$")
_FIELD_LABEL = re.compile(r"^[^:：]{2,25}[:：]")
_PLACE = re.compile(r"^[A-Z][\w.]*(?: (?:[A-Z][\w.]*|and|of|de)){0,3}, [A-Z][\w.]*(?: (?:[A-Z][\w.]*|and|of|de)){0,3}$")
# A date line that reads as a sentence, or that dates a project ("Duration: ..."), is not a job header.
_SENTENCE_WORDS_EN = 10
_SENTENCE_CHARS_ZH = 40
_DURATION_LABEL = re.compile(r"^\W*(?:duration|period|tenure|time ?frame|dates?|项目时间|时间|期间|周期)\b", re.I)


@dataclass
class _Slots:
    company: str | None = None
    title: str | None = None


def parse_experience(lines: list[str], entity_lookup=None, strict: bool = False) -> list[tuple[Experience, DateRange]]:
    """Entries found around date ranges; with strict, keep only entries whose company or title was recognised."""
    entries = []
    previous_date_line = -1
    for index, line in enumerate(lines):
        ranges = find_date_ranges(line)
        if not ranges:
            continue
        period = ranges[0]
        if _is_sentence_or_duration(line, period):
            continue
        slots, recognised, evidence = _slots_for(lines, index, previous_date_line, entity_lookup)
        previous_date_line = index
        if strict and not recognised:
            continue
        repeated = any((period.start, period.end) == (seen.start, seen.end) for _, seen in entries)
        if repeated and not (slots.company or slots.title):
            continue  # the same dates again (a page break repeats a header): not another job
        entry = Experience(
            company=slots.company,
            title=slots.title,
            start=format_date(period.start),
            end=format_date(period.end),
            months=period.months(),
            evidence="\n".join(evidence),
        )
        entries.append((entry, period))
    return entries


def undated_entry(lines: list[str], entity_lookup=None) -> Experience | None:
    """A job named without dates: the first header lines of the experience section ("Consultant" / "TCS")."""
    header = _header_lines(lines, range(len(lines)))
    if not header:
        return None
    slots = _Slots()
    pieces = [piece for line in header for piece in split_pieces(line) if not _is_place_or_link(piece)]
    _assign(pieces, slots, entity_lookup, {})
    return Experience(company=slots.company, title=slots.title, evidence="\n".join(header)) if slots.company else None


def headline_entry(line: str, entity_lookup=None) -> Experience | None:
    """The current job from a headline under the name: "Test Analyst at Oracle", "SAP SD lead - Microsoft IT"."""
    found = _HEADLINE.match(line.strip())
    if not found or find_date_ranges(line):
        return None
    title, company = found.group("title").strip(), found.group("company").strip(" ,")
    company = next(iter(split_pieces(company)), "")  # "Oracle, Hyderabad" -> "Oracle"
    if (
        not company
        or classify_piece(title, entity_lookup) != "title"
        or classify_piece(company, entity_lookup) == "title"
    ):
        return None
    return Experience(company=company, title=title, evidence=line.strip())


def _is_sentence_or_duration(line: str, period: DateRange) -> bool:
    rest = (line[: period.position] + " " + line[period.position + len(period.text) :]).strip()
    if _DURATION_LABEL.match(rest):
        return True
    if CJK.search(rest):
        return len(rest) > _SENTENCE_CHARS_ZH
    return len(rest.split()) > _SENTENCE_WORDS_EN


def total_years(periods: list[DateRange], today: date | None = None) -> float | None:
    """Years of work with overlapping periods counted once, to one decimal."""
    if not periods:
        return None
    return round(merged_months(periods, today) / 12, 1)


def _slots_for(lines, index, previous_date_line, entity_lookup):
    """Fill company and title from the date line, then from the lines just before it, else just after it."""
    line = lines[index]
    slots = _Slots()
    evidence = [line.strip()]
    recognised = _assign(split_pieces(line), slots, entity_lookup, _labelled(line))
    if slots.company and slots.title:
        return slots, recognised, evidence
    before = _header_lines(lines, range(index - 1, previous_date_line, -1))[::-1]
    after = [] if before else _header_lines(lines, range(index + 1, len(lines)), _LOOK_AHEAD)
    nearby = before or after
    if slots.company is None and slots.title is None and _job_site_layout(nearby, slots, entity_lookup):
        evidence = (
            [nearby_line.strip() for nearby_line in before] + evidence + [nearby_line.strip() for nearby_line in after]
        )
        return slots, True, evidence
    pieces = [piece for nearby_line in nearby for piece in split_pieces(nearby_line) if not _is_place_or_link(piece)]
    labelled = {key: value for nearby_line in nearby for key, value in _labelled(nearby_line).items()}
    recognised = _assign(pieces, slots, entity_lookup, labelled) or recognised
    evidence = (
        [nearby_line.strip() for nearby_line in before] + evidence + [nearby_line.strip() for nearby_line in after]
    )
    return slots, recognised, evidence


def _header_lines(lines, indexes, limit: int = _LOOK_BACK) -> list[str]:
    """Up to `limit` non-empty header-like lines, walking `indexes` and stopping at the first other line."""
    found = []
    for position in indexes:
        text = lines[position].strip()
        if not text or _is_place_or_link(text):
            continue
        if not _is_header_line(text) or find_date_ranges(text) or len(found) == limit:
            break
        if _ends_a_sentence(lines, position):
            break
        found.append(text)
    return found


def _ends_a_sentence(lines: list[str], position: int) -> bool:
    """True for "Technologies." right under "... a CRM project in Wipro": the tail of a wrapped sentence."""
    if position == 0 or not lines[position].rstrip().endswith("."):
        return False
    above = lines[position - 1].strip()
    return bool(above) and not _is_header_line(above) and not above.endswith((".", ":", ";"))


def _is_place_or_link(text: str) -> bool:
    """ "Bengaluru, Karnataka" or a URL: fields that sit beside a company but are neither company nor title."""
    if "://" in text or "www." in text:
        return True
    text = text.strip(" -–—")  # "Pune, Maharashtra -": a job site's company line with the company left out
    return bool(_PLACE.match(text)) and not COMPANY_EN.search(text) and not TITLE_EN.search(text)


def _job_site_layout(header: list[str], slots: _Slots, entity_lookup) -> bool:
    """Fill both slots from "Title" beside "Company - City, State"; True when the lines have that shape.

    Job sites export an entry as a title line and a company line that carries the place (or a dash
    left where the place was): the line with the place is the company's, whatever words it holds.
    """
    if len(header) != 2 or any(CJK.search(line) for line in header):
        return False
    shaped = [_company_line_company(line) for line in header]
    if (shaped[0] is None) == (shaped[1] is None):
        return False  # neither line, or both, look like a company line: leave it to the words
    company_position = 0 if shaped[0] is not None else 1
    company, title_line = shaped[company_position], header[1 - company_position]
    stated = role_and_company(strip_bullet(remove_dates(title_line)).strip())
    if stated:
        # "HR Executive at Acme" above "Recruitment - Pune": the words say who the employer was.
        slots.title, slots.company = stated
        return True
    title_pieces = [piece for piece in split_pieces(title_line) if not _is_place_or_link(piece)]
    if not title_pieces:
        return False
    title = next((piece for piece in title_pieces if classify_piece(piece, entity_lookup) == "title"), title_pieces[0])
    if classify_piece(company, entity_lookup) == "title" and classify_piece(title, entity_lookup) == "company":
        company, title = title, company  # the two fields typed into each other's boxes
    slots.company, slots.title = company, title
    return True


def _company_line_company(line: str) -> str | None:
    """The company of a "Company - City, State" or "Company -" line, else None."""
    pieces = split_pieces(line, weak=False)
    has_place = len(pieces) > 1 and all(_is_place_or_link(piece) for piece in pieces[1:])
    if not pieces or _is_place_or_link(pieces[0]) or not (has_place or _DANGLING_DASH.search(line)):
        return None
    if len(pieces) > 1 and not has_place:
        return None  # "Engineer - Acme -": two fields, not a company and its place
    company = _CLIENT.sub("", pieces[0]).strip(" -–—")  # "Vendor Ltd - Client: Bank" worked for the vendor
    # "Acme, Pune" -> "Acme"; a legal form after a comma stays ("Initech, Inc").
    return _LEGAL_FORM_AFTER_COMMA.sub(r"\1", company).split(",")[0].strip() or None


def role_and_company(text: str) -> tuple[str, str] | None:
    """(title, company) from "Engineer at Acme", "Analyst @ Acme", "worked as Analyst for Acme Ltd from ..."."""
    text = _TRAILING_SINCE.sub("", text).strip(" .,;")
    worked = _WORKED_AT.match(text)
    if worked:
        return worked.group("title").strip(), worked.group("company").strip()
    stated = _ROLE_AT.match(text)
    if not stated:
        return None
    title, company = stated.group("title").strip(), stated.group("company").strip()
    explicit = stated.group("verb") or stated.group("link").strip().lower() in ("at", "@")
    # "Lecturer in Physics": "in", "for" and "with" name an employer only when the words say it is one.
    if not TITLE_EN.search(title) or not (explicit or classify_piece(company) == "company"):
        return None
    return title, company


def _is_header_line(text: str) -> bool:
    label = _FIELD_LABEL.match(text)
    if label and not any(pattern.match(text) for pattern in _LABELLED.values()):
        return False  # "Client: ...", "Duration: ...": details of a project, not the job's header
    if is_bullet(text) and len(strip_bullet(text)) > 30:
        return False
    if CJK.search(text):
        return len(text) <= _HEADER_CHARS_ZH and not text.endswith(("。", "；"))
    words = text.split()
    # A full stop ends a sentence, unless the line is a short name ("Acme Analytics Inc.").
    return len(words) <= _HEADER_WORDS_EN and not (text.endswith(".") and len(words) > 4)


def _labelled(line: str) -> dict[str, str]:
    """Fields the line names outright: "Company: Acme", or a role written out ("Engineer at Acme")."""
    found = {}
    for key, pattern in _LABELLED.items():
        match = pattern.search(line)
        if match:
            pieces = split_pieces(match.group("value"), weak=False)
            if pieces:
                found[key] = pieces[0]
    if not found and not CJK.search(line):
        stated = role_and_company(strip_bullet(remove_dates(line)).strip())
        if stated:
            found["title"], found["company"] = stated
    return found


def _assign(pieces: list[str], slots: _Slots, entity_lookup, labelled: dict[str, str]) -> bool:
    """Fill empty slots from pieces; True when at least one slot was recognised (not guessed by position)."""
    recognised = False
    for key, value in labelled.items():
        if getattr(slots, key) is None:
            setattr(slots, key, value)
            recognised = True
    pieces = [
        piece
        for piece in pieces
        if piece not in labelled.values() and not re.match(r"^(?:职\s*位|公司|title|company)", piece, re.I)
    ]
    if labelled.get("company"):
        pieces = [piece for piece in pieces if labelled["company"] not in piece]  # the rest of a written-out role
    pieces = [part for piece in pieces for part in _company_then_title(piece)]
    unknown = []
    for piece in pieces:
        kind = classify_piece(piece, entity_lookup)
        if kind == "company" and slots.company is None:
            slots.company, recognised = piece, True
        elif kind == "company" and slots.title is None and _has_title_word(piece):
            slots.title = piece  # a second "company" with a title word in it ("HR Executive - Solitaire") is the role
        elif kind == "title" and slots.title is None:
            slots.title, recognised = piece, True
        elif kind is None:
            unknown.append(piece)
    # One slot recognised: the first unrecognised piece next to it is the other one.
    if unknown and recognised:
        if slots.company is None:
            slots.company = unknown.pop(0)
        elif slots.title is None:
            slots.title = unknown.pop(0)
    elif len(unknown) >= 2 and slots.company is None and slots.title is None:
        # Nothing to go on: "Title" above "Company" is the commonest order.
        slots.title, slots.company = unknown[0], unknown[1]
    return recognised


def _company_then_title(piece: str) -> list[str]:
    """ "Acme Ltd Senior Engineer" -> ["Acme Ltd", "Senior Engineer"]: a legal form ends the company's name."""
    found = _LEGAL_FORM_THEN_WORDS.match(piece)
    if found and classify_piece(found.group("title")) == "title":
        return [found.group("company"), found.group("title")]
    return [piece]


def _has_title_word(piece: str) -> bool:
    return bool(TITLE_ZH.search(piece) if CJK.search(piece) else TITLE_EN.search(piece))


def classify_piece(piece: str, entity_lookup=None) -> str | None:
    """'company', 'title' or None for one field of a line."""
    if CJK.search(piece):
        if COMPANY_ZH.search(piece):
            return "company"
        if TITLE_ZH.search(piece):
            return "title"
        if entity_lookup is not None:
            return entity_lookup(piece)
        return None
    piece = re.sub(r"\([^)]*\)?", " ", piece).strip() or piece  # "(Software Delivery)" qualifies, it does not decide
    has_company, has_title = bool(COMPANY_EN.search(piece)), bool(TITLE_EN.search(piece))
    if has_company and not has_title:
        return "company"
    if has_title and not has_company:
        return "title"
    if has_company and has_title:
        # "Sales Associate" vs "Tata Consultancy Services": the last word decides ("Software Engineer 2": the last word).
        words = [
            word for word in piece.split() if not re.search(r"\d", word) and not re.fullmatch(r"[IVX]+", word)
        ] or piece.split()
        return "title" if TITLE_EN.fullmatch(words[-1].strip(".,")) else "company"
    return None
