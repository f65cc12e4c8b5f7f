"""Inbound CSV mappings: rows of an HR system's export -> canonical outcome records, with line-numbered errors.

A mapping is data (`mappings/inbound/<name>.yaml`, validated by inbound-mapping.schema.json) naming the
headers that hold each field; it is looked up by name in that catalog, never opened from a path.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import charset_normalizer

from mappings.errors import MappingError
from mappings.outcomes import outcome_errors
from mappings.schema_validation import first_violation, packaged_validator
from mappings.sources import PACKAGE_DIR, shipped_names
from mappings.yaml_source import read_yaml

INBOUND_DIR = PACKAGE_DIR / "inbound"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 500_000
MAX_FIELD_CHARS = 10_000
INTEGER_FIELDS = {"workdays", "late_arrivals", "absences", "overtime_occasions"}
NUMBER_FIELDS = {"overall_rating", "scale_min", "scale_max"}
# Encodings a Chinese or English HR export is in; narrowing the guess keeps charset-normalizer from
# reading GBK bytes as, say, a Cyrillic code page.
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16"]
CHINESE_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}


class CsvInputError(ValueError):
    """The file cannot be read as CSV at all (size, encoding, headers); nothing was imported."""


@dataclass(frozen=True)
class InboundMapping:
    """A validated inbound mapping."""

    name: str
    version: str
    record: str
    columns: dict[str, list[str]]
    defaults: dict
    criteria: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class RowResult:
    """One data row: its line in the file, and the record or what was wrong with it."""

    line: int
    record: dict | None
    errors: list[dict]


def inbound_names() -> list[str]:
    return shipped_names(INBOUND_DIR)


@cache
def load_inbound_mapping(name: str) -> InboundMapping:
    """The shipped inbound mapping called `name`; MappingError listing the shipped names otherwise."""
    if name not in inbound_names():
        raise MappingError(f"unknown inbound mapping {name!r}; shipped: {', '.join(inbound_names())}", mapping=name)
    path = INBOUND_DIR / f"{name}.yaml"
    document = read_yaml(path)
    violation = first_violation(packaged_validator("inbound-mapping.schema.json"), document.data, quote_values=False)
    if violation is not None:
        raise MappingError(
            violation.message,
            mapping=name,
            pointer=violation.pointer,
            file=str(path),
            line=document.line_of(violation.pointer),
        )
    data = document.data
    return InboundMapping(
        name=data["name"],
        version=str(data["version"]),
        record=data["record"],
        columns=data["columns"],
        defaults=data.get("defaults", {}),
        criteria=data.get("criteria", []),
    )


def decode(content: bytes) -> tuple[str, str]:
    """Text and encoding of a CSV file: UTF-8 (with or without BOM) when it decodes, else charset-normalizer's guess.

    GB2312 and GBK guesses are read as GB18030, their superset, so no character of theirs is lost.
    """
    if len(content) > MAX_FILE_BYTES:
        raise CsvInputError(f"the file is {len(content)} bytes; at most {MAX_FILE_BYTES} are read")
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(content, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is None:
        raise CsvInputError(
            "the file is neither UTF-8 nor GB18030 (nor another encoding recognised); save it as UTF-8 and import again"
        )
    encoding = "gb18030" if best.encoding.replace("_", "").lower() in CHINESE_FAMILY else best.encoding
    return content.decode(encoding), encoding


def _header_for(headers: list[str], candidates: list[str]) -> str | None:
    for candidate in candidates:
        if candidate in headers:
            return candidate
    return None


def _convert(field_name: str, raw: str):
    if field_name in INTEGER_FIELDS:
        value = float(raw)
        if not value.is_integer():
            raise ValueError("expected a whole number")
        return int(value)
    if field_name in NUMBER_FIELDS:
        return float(raw)
    return raw


def _build(mapping: InboundMapping, fields: dict, criteria: list[dict], source: str) -> dict:
    if mapping.record == "performance_review":
        record = {
            "kind": "performance_review",
            "employee_id": fields.get("employee_id"),
            "id_system": fields.get("id_system"),
            "period": fields.get("period"),
            "overall": {
                "rating": fields.get("overall_rating"),
                "scale": {"min": fields.get("scale_min"), "max": fields.get("scale_max")},
            },
            "source": source,
        }
        if criteria:
            record["criteria"] = criteria
    else:
        record = {
            "kind": "attendance_summary",
            "source": source,
            **{
                key: fields.get(key)
                for key in (
                    "employee_id",
                    "id_system",
                    "month",
                    "workdays",
                    "late_arrivals",
                    "absences",
                    "overtime_occasions",
                    "department",
                )
            },
        }
    if fields.get("external_id"):
        record["external_id"] = fields["external_id"]
    return _drop_missing(record)


def _drop_missing(value):
    if isinstance(value, dict):
        return {key: _drop_missing(item) for key, item in value.items() if item is not None}
    return value


# Where each field lands in a record, so a schema error can name the CSV column it came from.
POINTERS = {
    "employee_id": "/employee_id",
    "id_system": "/id_system",
    "period": "/period",
    "overall_rating": "/overall/rating",
    "scale_min": "/overall/scale/min",
    "scale_max": "/overall/scale/max",
    "month": "/month",
    "workdays": "/workdays",
    "late_arrivals": "/late_arrivals",
    "absences": "/absences",
    "overtime_occasions": "/overtime_occasions",
    "department": "/department",
    "external_id": "/external_id",
}


def read_rows(text: str, mapping: InboundMapping) -> Iterator[RowResult]:
    """Records of each data row, or its errors naming the line, the column and what was expected.

    The header row is checked at once (CsvInputError); the data rows are read as they are iterated.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = [header.strip() for header in next(reader)]
    except StopIteration:
        raise CsvInputError("the file is empty: expected a header row") from None
    except csv.Error as error:
        raise CsvInputError(f"line 1: {error}") from None
    where = {name: _header_for(headers, candidates) for name, candidates in mapping.columns.items()}
    required = (
        ("employee_id", "period", "overall_rating")
        if mapping.record == "performance_review"
        else ("employee_id", "month", "workdays", "late_arrivals")
    )
    missing = [name for name in required if where.get(name) is None and name not in mapping.defaults]
    if missing:
        raise CsvInputError(
            "line 1: no column for "
            + "; ".join(
                f"{name} (expected one of the headers {', '.join(mapping.columns.get(name, [name]))})"
                for name in missing
            )
        )
    criteria_columns = [(criterion, _header_for(headers, criterion["columns"])) for criterion in mapping.criteria]
    return _rows(reader, headers, where, criteria_columns, mapping)


def _rows(
    reader, headers: list[str], where: dict, criteria_columns: list, mapping: InboundMapping
) -> Iterator[RowResult]:
    source = f"csv:{mapping.name}"
    rows = 0
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield RowResult(reader.line_num, None, [{"line": reader.line_num, "column": None, "message": str(error)}])
            return
        line = start
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        if rows > MAX_ROWS:
            raise CsvInputError(f"line {line}: more than {MAX_ROWS} data rows; split the file")
        if len(row) > len(headers):
            yield RowResult(
                line, None, [{"line": line, "column": None, "message": f"{len(row)} cells but {len(headers)} headers"}]
            )
            continue
        too_long = [header for header, cell in zip(headers, row) if len(cell) > MAX_FIELD_CHARS]
        if too_long:
            yield RowResult(
                line,
                None,
                [
                    {"line": line, "column": header, "message": f"more than {MAX_FIELD_CHARS} characters"}
                    for header in too_long
                ],
            )
            continue
        cells = dict(zip(headers, (cell.strip() for cell in row)))
        errors: list[dict] = []
        fields: dict = {}
        for name, header in where.items():
            raw = cells.get(header, "") if header else ""
            if raw == "":
                if name in mapping.defaults:
                    fields[name] = _convert(name, str(mapping.defaults[name]))
                continue
            try:
                fields[name] = _convert(name, raw)
            except ValueError:
                kind = "a whole number" if name in INTEGER_FIELDS else "a number"
                errors.append({"line": line, "column": header, "message": f"expected {kind}, got {raw!r}"})
        criteria = []
        for criterion, header in criteria_columns:
            raw = cells.get(header, "") if header else ""
            if raw == "":
                continue
            try:
                rating = float(raw)
            except ValueError:
                errors.append({"line": line, "column": header, "message": f"expected a number, got {raw!r}"})
                continue
            item = {
                "name": criterion["name"],
                "rating": rating,
                "scale": {"min": fields.get("scale_min"), "max": fields.get("scale_max")},
            }
            if criterion.get("dimension"):
                item["dimension"] = criterion["dimension"]
            criteria.append(_drop_missing(item))
        if errors:
            yield RowResult(line, None, errors)
            continue
        record = _build(mapping, fields, criteria, source)
        problems = outcome_errors(record)
        if problems:
            by_pointer = {pointer: where.get(name) for name, pointer in POINTERS.items()}
            yield RowResult(
                line,
                None,
                [
                    {
                        "line": line,
                        "column": _column_of(problem["pointer"], by_pointer, criteria_columns, criteria),
                        "message": problem["message"],
                    }
                    for problem in problems
                ],
            )
            continue
        yield RowResult(line, record, [])


def _column_of(pointer: str, by_pointer: dict, criteria_columns: list, criteria: list) -> str | None:
    if pointer in by_pointer:
        return by_pointer[pointer]
    if pointer.startswith("/criteria/"):
        index = int(pointer.split("/")[2])
        name = criteria[index]["name"] if index < len(criteria) else None
        for criterion, header in criteria_columns:
            if criterion["name"] == name:
                return header
    return None


def read_file(path: Path, mapping_name: str) -> tuple[str, Iterator[RowResult]]:
    """The encoding found and the rows of a CSV file, under the size limit."""
    mapping = load_inbound_mapping(mapping_name)
    with open(path, "rb") as handle:
        content = handle.read(MAX_FILE_BYTES + 1)
    text, encoding = decode(content)
    return encoding, read_rows(text, mapping)
