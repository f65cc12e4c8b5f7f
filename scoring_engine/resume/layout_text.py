"""Lines of text from a block of PDF boxes: cells of one row joined, lines that wrapped at the column edge rejoined."""

import re

from scoring_engine.resume.dates import DATE_RANGE, YEAR
from scoring_engine.resume.degrees import find_degree
from scoring_engine.resume.pieces import is_bullet
from scoring_engine.resume.reading_order import SAME_ROW_TOLERANCE, Block, Box, Line
from scoring_engine.resume.sections import heading_of
from scoring_engine.resume.vocabulary import SCHOOL_EN

# Cells of one table row are joined with this, as DOCX table rows are ("姓名 | 张丽华").
CELL_SEPARATOR = " | "
# A line that wrapped fills at least this share of its column.
MIN_FULL_SHARE = 0.55
_CJK_END = re.compile(r"[\u4e00-\u9fff，、；（]$")
_CJK_START = re.compile(r"^[\u4e00-\u9fff，、；。）]")
# A word cut inside an address, where no space was: "zhang.lihua@exam" + "ple.com".
# What marks a token as an address. Tested on the line's last token in code: as "\S*(?:mark)\S*$" patterns they
# were rescanned from every character of a long token (cubic on a 40 KB one).
_ADDRESS_MARK = re.compile(r"@|://|www\.|\.[a-z]{2,}/")
_ADDRESS_CONTINUES = "/-_.?=&"
# What may follow inside a link or address cut at the edge: not a new address, not a phone number.
_ADDRESS_PART = re.compile(r"^(?![^\s]*(?:@|\.[a-z]{2,}/))[\w\-/?=&%#.]{2,}(?:\s|$)")
_OPEN_END = re.compile(r"(?:[,;/&(\-–]|\b(?:at|of|in|and|or|for|the|a|an|to|with|on|by|from|as))$", re.IGNORECASE)
_CONTACT = re.compile(r"\S@\S|https?://|www\.|\.com\b|\+?\d[\d ()-]{7,}\d")


def block_lines(block: Block) -> list[str]:
    """The block's text lines in reading order."""
    lines: list[str] = []
    for row in _rows(block.boxes):
        # A row of one-line cells is one line, unless its first cell is a section heading ("SKILLS | Java").
        if len(row) > 1 and all(len(box.lines()) == 1 for box in row) and not heading_of(row[0].text):
            lines.append(CELL_SEPARATOR.join(box.text.strip() for box in row))
            continue
        for box in row:
            if box.wrap_edge is not None:
                lines.extend(unwrap(box, box.x0, box.wrap_edge))
            else:
                lines.extend(unwrap(box, block.left, block.right, block.right_measured))
    return lines


def _rows(boxes: list[Box]) -> list[list[Box]]:
    """Consecutive boxes whose first lines share a baseline, each row left to right."""
    rows: list[list[Box]] = []
    for box in boxes:
        if rows and abs(rows[-1][0].lines()[0] - box.lines()[0]) <= SAME_ROW_TOLERANCE:
            rows[-1].append(box)
        else:
            rows.append([box])
    return [sorted(row, key=lambda box: box.x0) for row in rows]


def unwrap(box: Box, left: float, right: float, keep: bool = False) -> list[str]:
    """The box's lines, with each line the column edge wrapped joined back to the one before (unless `keep`)."""
    if not box.text_lines:
        return box.text.split("\n")
    lines = [box.text_lines[0].text]
    for index, (previous, line) in enumerate(zip(box.text_lines, box.text_lines[1:]), start=1):
        # What follows the line, for an entry whose name wraps ("Jawaharlal Nehru Technology" / "University").
        after = box.text_lines[index + 1].text if index + 1 < len(box.text_lines) else ""
        if _continues(previous, line, right) if keep else _wrapped(previous, line, left, right, lines[-1], after):
            lines[-1] = _join(lines[-1], line.text, _tight(previous, right))
        else:
            lines.append(line.text)
    return lines


def _wrapped(previous: Line, line: Line, left: float, right: float, joined: str = "", after: str = "") -> bool:
    """True when the next line's first word would not have fitted at the end of the previous line. `joined` is the
    text the previous line ends (itself and the lines joined before it), `after` the line after the next one."""
    if not previous.text.strip() or not line.text.strip() or is_bullet(line.text) or heading_of(line.text):
        return False
    if abs(previous.font_size - line.font_size) > 0.5:
        return False
    if previous.x1 - left < MIN_FULL_SHARE * (right - left):
        return False
    space = 0.35 * previous.font_size
    if right - previous.x1 >= line.first_word_width + 2 * space:
        return False
    first, second = previous.text.rstrip(), line.text.lstrip()
    if _complete(first, second):
        return False
    if first.count("(") > first.count(")"):
        return True  # "SOFTWARE DEVELOPMENT (3" / "years), ...": a parenthesis left open goes on
    if _capitals(second, 1) != _capitals(first, 1) and (_capitals(second) or _capitals(first)):
        return False  # "KEY TECHNICAL SKILLS" beside a line of prose is a heading, however full the lines are
    if _CONTACT.search(first):
        # An address or a phone number is an item of its own, unless it was cut inside itself.
        return bool(
            _ends_in_unfinished_address(first)
            or (_tight(previous, right) and _ends_in_address(first) and _ADDRESS_PART.match(second))
        )
    if re.search(r"[.!?。！？]$", first) and second[:1].isupper():
        return False  # a sentence ended; the capitalised line is the next item
    # A line that opens an entry of its own ("Master of Science" / "University of ...", a date) is not a tail,
    # unless the first ends mid-phrase ("University of Texas at" / "Austin").
    if DATE_RANGE.match(second) or YEAR.match(second):
        return False  # a date opens the next entry even after "Company - City -"
    return bool(_OPEN_END.search(previous.text.rstrip())) or not _opens_entry(line.text, joined or previous.text, after)


_ENDS_IN_DATE_RANGE = re.compile(rf"(?:{DATE_RANGE.pattern})\s*$", re.IGNORECASE)
_LINK_START = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)
_EMPTY_FIELD_END = re.compile(r"\s[-–—]$")


def _complete(first: str, second: str) -> bool:
    """True when the visual line `first` ends an item whatever follows: a date range ends it ("December 2011 to
    March 2015" / "Senior Manager"), a dash after a space closes a field left empty ("Oracle Inc -", the place
    dropped) before a capital, and a link that starts the next line is an item of its own (page footers:
    "Bachelor of Engineering" / "https://www.indeed.com/r/...")."""
    if _ends_in_unfinished_address(first):
        return False
    if _LINK_START.match(second):
        return True
    if _EMPTY_FIELD_END.search(first) and second[:1].isupper():
        return True
    return len(first) <= 200 and _ENDS_IN_DATE_RANGE.search(first) is not None


def _capitals(text: str, min_words: int = 2) -> bool:
    """A line in capitals: at least `min_words` words with letters, all upper case, and at least four letters."""
    words = [word for word in text.split() if any(char.isalpha() for char in word)]
    letters = sum(char.isalpha() for char in text)
    return len(words) >= min_words and letters >= 4 and all(word.isupper() for word in words)


def _continues(previous: Line, line: Line, right: float) -> bool:
    """Where the column's edge is not known (its widest line is all there is): only a line that cannot end where it
    does goes on: an address cut short, an open parenthesis ("Data Center (4" / "years)"), a trailing "in", "of",
    a comma, or a qualifier in parentheses next ("testing" / "(10+ years)")."""
    first, second = previous.text.rstrip(), line.text.lstrip()
    if (
        not first
        or not second
        or is_bullet(second)
        or heading_of(second)
        or abs(previous.font_size - line.font_size) > 0.5
    ):
        return False
    if _ends_in_unfinished_address(first) or (
        _tight(previous, right) and _ends_in_address(first) and _ADDRESS_PART.match(second)
    ):
        return True
    if _CONTACT.search(first) or DATE_RANGE.match(second) or YEAR.match(second) or _complete(first, second):
        return False
    return first.count("(") > first.count(")") or second.startswith("(") or bool(_OPEN_END.search(first))


_STARTS_LOWER = re.compile(r"^[a-z)\],;:]")


def continuation_evidence(last: str, first: str) -> float:
    """How plainly `first` (a column's first line on a page) goes on from `last` (a line that ends a column):
    1 when the last line is left open (a trailing comma, "of", an open parenthesis) and the first starts in lower
    case or closes it, or when the last line is a heading; 0.5 for one of the two, or for a list going on with the
    same mark; 0 when the first line opens something (a heading, a bullet of another list)."""
    last, first = last.rstrip(), first.lstrip()
    if not last or not first or heading_of(first):
        return 0.0
    if heading_of(last):
        return 1.0  # a heading never ends a column: what it heads is the next part
    if is_bullet(first):
        # A list going on with the same mark ("• Machine Learning" / "• Computer Networks").
        return 0.5 if is_bullet(last) and last.split(None, 1)[0] == first.split(None, 1)[0] else 0.0
    # A dash after a space closes a field left empty ("Acme Inc -": the place dropped), not a word cut in two.
    open_end = (
        (bool(_OPEN_END.search(last)) and not re.search(r"\s[-–]$", last))
        or last.count("(") > last.count(")")
        or _ends_in_unfinished_address(last)
    )
    goes_on = bool(_STARTS_LOWER.match(first)) and not re.search(r"[.!?。！？]$", last) and not _complete(last, first)
    return 1.0 if open_end and goes_on else 0.5 if open_end or goes_on else 0.0


def _opens_entry(text: str, previous: str, after: str = "") -> bool:
    """True for a line that starts an entry: a date, a degree, or a school after a degree line or as
    "University of ..." (a lone "University" ends the line before: "Swami Vivekananda Technical" / "University").
    `after` is the line that follows, where a school's name may end ("Jawaharlal Nehru Technology" / "University")."""
    words = text.split()
    head = " ".join(words[:3])
    if DATE_RANGE.match(text.strip()) or YEAR.match(text.strip()):
        return True
    degree = find_degree(head)
    if degree and degree[1].start() == 0:
        return True
    if SCHOOL_EN.match(head):
        return (len(words) > 1 and words[1].lower() in ("of", "at", "for")) or bool(find_degree(previous))
    # "M.Tech in Power Electronics" / "Jawaharlal Nehru Technological University": a named school after a degree.
    return bool(
        len(words) > 1
        and words[0][:1].isupper()
        and (SCHOOL_EN.search(text) or SCHOOL_EN.match(" ".join(after.split()[:1])))
        and find_degree(previous)
        and not find_degree(text)
    )


def _tight(line: Line, right: float) -> bool:
    """True when the line fills its column to the very edge: it broke inside a word (LibreOffice breaks long links anywhere)."""
    return right - line.x1 < line.font_size


def _join(first: str, second: str, tight: bool = False) -> str:
    first, second = first.rstrip(), second.lstrip()
    if _CJK_END.search(first) and _CJK_START.search(second):
        return first + second
    if first.endswith("-") and second[:1].islower():
        return first + second  # "full-" + "time": the hyphen was typed, the break was not
    if _ends_in_unfinished_address(first) or (tight and _ends_in_address(first) and _ADDRESS_PART.match(second)):
        return first + second
    # The two tokens hold no white space, so one search for an address mark is the whole (linear) test.
    head = second.split(None, 1)[0] if second else ""
    if tight and head and _ADDRESS_MARK.search(first.rsplit(None, 1)[-1] + head) and not _ADDRESS_MARK.search(head):
        return first + second  # "indeed.c" / "om/r/ann-lee/8baf": the break fell inside a link
    return f"{first} {second}"


def _last_token(text: str) -> str:
    return "" if not text or text[-1].isspace() else text.rsplit(None, 1)[-1]


def _ends_in_address(text: str) -> bool:
    """The line ends in a token holding an address mark (an @, ://, www. or a .domain/)."""
    return _ADDRESS_MARK.search(_last_token(text)) is not None


def _ends_in_unfinished_address(text: str) -> bool:
    """The line ends in an address cut short: an email before its dot, or a link ending in / - _ . ? = &."""
    token = _last_token(text)
    if "@" in token and "." not in token.rsplit("@", 1)[1]:
        return True
    return len(token) > 1 and token[-1] in _ADDRESS_CONTINUES and _ADDRESS_MARK.search(token[:-1]) is not None
