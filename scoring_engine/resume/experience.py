"""Work experience entries: company, title, start and end (至今 / present), and total years with overlaps merged."""
import re
from dataclasses import dataclass
from datetime import date

from scoring_engine.resume.chinese import CJK
from scoring_engine.resume.dates import DateRange, find_date_ranges, format_date, merged_months
from scoring_engine.resume.model import Experience
from scoring_engine.resume.pieces import is_bullet, split_pieces, strip_bullet
from scoring_engine.resume.vocabulary import COMPANY_EN, COMPANY_ZH, TITLE_EN, TITLE_ZH

_LABELLED = {
    "company": re.compile(r"(?:公司(?:名称)?|单位|雇主|company|employer|organi[sz]ation)\s*[:：]\s*(?P<value>[^|\n]{2,60})", re.I),
    "title": re.compile(r"(?:职\s*位|职\s*务|岗\s*位|title|designation|position|role)\s*[:：-]\s*(?P<value>[^|\n]{2,60})", re.I),
}
# Lines around a date that can hold the company or title: short, not a bullet, not a sentence.
_HEADER_WORDS_EN = 9
_HEADER_CHARS_ZH = 40
_LOOK_BACK = 2
_LOOK_AHEAD = 2
_HEADLINE = re.compile(r"^(?P<title>[^|@\n]{2,60}?)\s*(?:\s-\s|\sat\s|@|\|)\s*(?P<company>[^|@\n]{2,60})$")
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
            company=slots.company, title=slots.title,
            start=format_date(period.start), end=format_date(period.end),
            months=period.months(), evidence="\n".join(evidence),
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
    if not company or classify_piece(title, entity_lookup) != "title" or classify_piece(company, entity_lookup) == "title":
        return None
    return Experience(company=company, title=title, evidence=line.strip())


def _is_sentence_or_duration(line: str, period: DateRange) -> bool:
    rest = (line[: period.position] + " " + line[period.position + len(period.text):]).strip()
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
    pieces = [piece for nearby_line in nearby for piece in split_pieces(nearby_line) if not _is_place_or_link(piece)]
    labelled = {key: value for nearby_line in nearby for key, value in _labelled(nearby_line).items()}
    recognised = _assign(pieces, slots, entity_lookup, labelled) or recognised
    evidence = [nearby_line.strip() for nearby_line in before] + evidence + [nearby_line.strip() for nearby_line in after]
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
        found.append(text)
    return found


def _is_place_or_link(text: str) -> bool:
    """ "Bengaluru, Karnataka" or a URL: fields that sit beside a company but are neither company nor title."""
    if "://" in text or "www." in text:
        return True
    return bool(_PLACE.match(text)) and not COMPANY_EN.search(text) and not TITLE_EN.search(text)


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
    found = {}
    for key, pattern in _LABELLED.items():
        match = pattern.search(line)
        if match:
            pieces = split_pieces(match.group("value"), weak=False)
            if pieces:
                found[key] = pieces[0]
    return found


def _assign(pieces: list[str], slots: _Slots, entity_lookup, labelled: dict[str, str]) -> bool:
    """Fill empty slots from pieces; True when at least one slot was recognised (not guessed by position)."""
    recognised = False
    for key, value in labelled.items():
        if getattr(slots, key) is None:
            setattr(slots, key, value)
            recognised = True
    pieces = [piece for piece in pieces if piece not in labelled.values() and not re.match(r"^(?:职\s*位|公司|title|company)", piece, re.I)]
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
        words = [word for word in piece.split() if not re.fullmatch(r"[\dIVX]+", word)] or piece.split()
        return "title" if TITLE_EN.fullmatch(words[-1].strip(".,")) else "company"
    return None
