"""Split one resume line into its fields: "Engineer | Acme Ltd | 2019 - 2021" -> ["Engineer", "Acme Ltd"]."""

import re

from scoring_engine.resume.dates import DATE_RANGE, YEAR

# "@" between fields has a space on at least one side ("Associate@ Acme"); inside an address it has none.
_STRONG = re.compile(r"\s*(?:[|｜•·\t]|\s{2,}|\s[-–—]\s|[-–—]\s*$|\s@|@\s)\s*")
_AT = re.compile(r"\s+at\s+")
_WEAK = re.compile(r"\s*[,，;；]\s*")
# Between two Chinese fields one space is a separator: "北京大学 计算机 本科".
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff)）])\s+(?=[\u4e00-\u9fff(（])")
# List numbers have one or two digits: "2008." opens a date, not item 2008.
_BULLET = re.compile(r"^\s*(?:[•●▪■◆◇○◦\-–*·>⇨➢✓]|\d{1,2}[.)、](?!\d)|[(（]\d{1,2}[)）])\s*")


def strip_bullet(line: str) -> str:
    """The line without a leading bullet or list number."""
    return _BULLET.sub("", line, count=1)


def is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


def remove_dates(line: str) -> str:
    """The line with date ranges and bare years cut out."""
    return YEAR.sub(" ", DATE_RANGE.sub("  ", line))


def split_pieces(line: str, weak: bool = True, at: bool = True) -> list[str]:
    """Fields of a line, dates removed; commas split only a line that has no stronger separator.

    With `at`, "Engineer at Google" is two fields; school names keep it ("University of Texas at Austin").
    """
    text = _CJK_SPACE.sub("  ", remove_dates(strip_bullet(line)).strip())
    pieces = [_trim(piece) for part in _STRONG.split(text) for piece in (_AT.split(part) if at else [part])]
    pieces = [piece for piece in pieces if piece]
    if weak and len(pieces) == 1:
        pieces = [piece.strip() for piece in _WEAK.split(pieces[0]) if piece.strip()]
    return pieces


def _trim(piece: str) -> str:
    """The piece without edge dashes and colons, and without brackets that do not pair up inside it."""
    piece = piece.strip(" -–—:：")
    for opening, closing in ("()", "（）"):
        if piece.startswith(opening) and closing not in piece[1:]:
            piece = piece[1:]
        if piece.endswith(closing) and opening not in piece[:-1]:
            piece = piece[:-1]
        if piece.startswith(opening) and piece.endswith(closing) and piece.count(opening) == 1:
            piece = piece[1:-1]  # "(Pune)" is a field in brackets
    return piece.strip(" -–—:：")
