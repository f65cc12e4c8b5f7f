"""What the hub refuses in any request before a view sees it: text the database or the cipher cannot hold,
path and query parameters no id can match, and JSON numbers no column or HR system can carry.

One place for the whole class, so a new endpoint is covered without a line of its own:
- every path parameter (`<result_id>`, `<name>`, ...) is 1-200 characters without control characters;
- every query value, form field and file name is free of NUL and lone surrogates;
- every JSON body is read by `loads`, which refuses NUL and lone surrogates in any string or member name,
  integers beyond 64 bits and numbers that are not finite, each at its JSON pointer.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask import Flask, request

from hub.errors import BadQuery, InvalidInput
from hub.web.problems import Problem
from jsonerrors import pointer

MAX_PATH_PARAMETER = 200  # the longest id column (external ids); a longer value names nothing stored
MAX_INTEGER = 2**63 - 1  # the widest integer column, and what HR systems' 64-bit fields take
MAX_ERRORS = 50

# No id or name holds a C0 or C1 control character (nor a lone surrogate, which is not a character at all).
_BAD_IN_PATH = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Anywhere else only what cannot be stored is refused: NUL (PostgreSQL text cannot hold it) and lone
# surrogates (not UTF-8, so neither stored nor encrypted); newlines and tabs are ordinary in answers and forms.
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def _what(match: re.Match) -> str:
    char = match.group()
    if char == "\x00":
        return "NUL (U+0000)"
    if "\ud800" <= char <= "\udfff":
        return f"a lone surrogate (U+{ord(char):04X}), which is not a character and cannot be stored as UTF-8"
    return f"the control character U+{ord(char):04X}"


def _at(match: re.Match) -> str:
    return f"{_what(match)} at character {match.start()}"


# Path parameters --------------------------------------------------------------------------------------------


def check_path_parameters() -> None:
    """Refuse a path parameter that no stored id can equal: empty, over 200 characters, or holding controls."""
    faults = []
    for name, value in (request.view_args or {}).items():
        if not isinstance(value, str):
            continue
        if len(value) > MAX_PATH_PARAMETER:
            faults.append((name, f"is {len(value)} characters long; at most {MAX_PATH_PARAMETER}"))
        elif (match := _BAD_IN_PATH.search(value)) is not None:
            faults.append((name, f"holds {_at(match)}"))
    if faults:
        raise Problem(
            400,
            "bad-path-parameter",
            "Bad path parameter",
            "; ".join(f"path parameter {name} {message}" for name, message in faults) + ".",
            errors=[{"pointer": "{" + name + "}", "message": message} for name, message in faults],
        )


def check_query_and_form() -> None:
    """Refuse NUL and lone surrogates in query values and urlencoded form fields (names and values)."""
    sources = [("?", request.args)]
    if request.mimetype == "application/x-www-form-urlencoded":
        sources.append(("form:", request.form))
    faults = []
    for prefix, values in sources:
        for name, value in values.items(multi=True):
            for part, label in ((name, "the name"), (value, "the value")):
                if (match := _BAD_TEXT.search(part)) is not None:
                    faults.append({"pointer": prefix + _printable(name), "message": f"{label} holds {_at(match)}"})
    if faults:
        raise BadQuery(
            f"{len(faults)} parameter(s) hold characters the hub refuses; each names its parameter.",
            title="Bad parameter",
            errors=faults[:MAX_ERRORS],
        )


def _printable(name: str) -> str:
    """A parameter name fit to be shown: its refused characters escaped."""
    return _BAD_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", name)


def check_text(value: str | None, where: str) -> None:
    """Refuse a multipart field or file name holding NUL or a lone surrogate."""
    if value and (match := _BAD_TEXT.search(value)) is not None:
        raise InvalidInput(
            f"{where} holds {_at(match)}.",
            title="Refused character",
            errors=[{"pointer": where, "message": f"holds {_at(match)}"}],
        )


def init_app(app: Flask) -> None:
    @app.before_request
    def _check_parameters():
        check_path_parameters()
        check_query_and_form()


# JSON bodies ------------------------------------------------------------------------------------------------


class _BadNumber:
    """Stands in for a number while parsing, so the walk afterwards can name its pointer."""

    __slots__ = ("reason", "text")

    def __init__(self, text: str, reason: str):
        self.text, self.reason = text, reason


def _shown(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}...{text[-8:]} ({len(text)} characters)"


def _parse_int(text: str) -> int | _BadNumber:
    # Counting digits first keeps a 100,000-digit integer from ever being converted (the interpreter refuses
    # over 4,300 digits with a ValueError, and below that the conversion is quadratic).
    if len(text.lstrip("-")) > 19 or abs(value := int(text)) > MAX_INTEGER:
        return _BadNumber(text, f"the integer {_shown(text)} is beyond the 64-bit range (at most {MAX_INTEGER})")
    return value


def _parse_float(text: str) -> float | _BadNumber:
    value = float(text)
    if not math.isfinite(value):
        return _BadNumber(text, f"the number {_shown(text)} is too large to be represented")
    return value


def _parse_constant(text: str) -> _BadNumber:
    return _BadNumber(text, f"{text} is not a JSON value (JSON has no NaN or Infinity)")


def loads(text: str) -> Any:
    """Parse JSON text; a number or string the hub cannot store is an InvalidInput naming each JSON pointer.
    Syntax errors propagate as json.JSONDecodeError (and RecursionError for deep nesting)."""
    document = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
    faults = _faults(document)
    if faults:
        raise InvalidInput(
            f"{len(faults)} value(s) cannot be stored; each names its JSON pointer.",
            title="Unstorable value in the document",
            errors=faults,
        )
    return document


def _faults(document: Any) -> list[dict[str, str]]:
    """Every refused number, string and member name, in document order; iterative, so depth costs no stack."""
    faults: list[dict[str, str]] = []
    stack: list[tuple[tuple, Any]] = [((), document)]
    while stack and len(faults) < MAX_ERRORS:
        path, node = stack.pop()
        if isinstance(node, str):
            if (match := _BAD_TEXT.search(node)) is not None:
                faults.append({"pointer": pointer(path), "message": f"the string holds {_at(match)}"})
        elif isinstance(node, _BadNumber):
            faults.append({"pointer": pointer(path), "message": node.reason})
        elif isinstance(node, dict):
            children = []
            for key, value in node.items():
                if (match := _BAD_TEXT.search(key)) is not None:
                    shown = _BAD_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", key)
                    faults.append(
                        {"pointer": pointer((*path, shown)), "message": f"the member name holds {_at(match)}"}
                    )
                    continue
                children.append(((*path, key), value))
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(reversed([((*path, index), value) for index, value in enumerate(node)]))
    return faults[:MAX_ERRORS]
