"""Declarative policy conditions evaluated with three-valued logic: true, false, or undetermined (missing data)."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Any

COMPARISONS = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}


@dataclass(frozen=True)
class DimensionEvidence:
    """The dimension score a condition looked at; goals cite it in their rationale."""

    dimension: str
    field: str
    value: float | int


@dataclass
class ConditionResult:
    """Outcome of a condition: value True/False/None (undetermined) and the human reasons behind it."""

    value: bool | None
    reasons: list[str] = field(default_factory=list)
    evidence: list[DimensionEvidence] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """All reasons joined into one sentence."""
        return " and ".join(self.reasons)


@dataclass(frozen=True)
class EvaluationInput:
    """What conditions may look at: profile dimensions, job facts and the merged stated preferences."""

    dimensions: dict[str, dict[str, Any]]
    job_family: str | None
    job_code: str | None
    preferences: dict[str, Any]


def format_number(value: float | int) -> str:
    """Format a score without a trailing .0 (86.0 -> '86', 86.5 -> '86.5')."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def describe(condition: dict) -> str:
    """Return the condition as text, e.g. 'job_family in [sales] and communication >= 90'."""
    if "all" in condition:
        return " and ".join(_grouped(part) for part in condition["all"])
    if "any" in condition:
        return " or ".join(_grouped(part) for part in condition["any"])
    if "not" in condition:
        return f"not {_grouped(condition['not'])}"
    if "dimension" in condition:
        field_suffix = ".level" if condition.get("field") == "level" else ""
        return f"{condition['dimension']}{field_suffix} {condition['op']} {format_number(condition['value'])}"
    if "job_family" in condition:
        return f"job_family in [{', '.join(condition['job_family'])}]"
    if "job_code" in condition:
        return f"job_code in [{', '.join(condition['job_code'])}]"
    return f"preference {condition['preference']} == {condition['equals']}"


def _grouped(condition: dict) -> str:
    text = describe(condition)
    return f"({text})" if ("all" in condition or "any" in condition) and " " in text else text


def evaluate(condition: dict, facts: EvaluationInput) -> ConditionResult:
    """Evaluate one (already schema-validated) condition against the facts."""
    if "all" in condition:
        return _combine([evaluate(part, facts) for part in condition["all"]], short_circuit_on=False)
    if "any" in condition:
        return _combine([evaluate(part, facts) for part in condition["any"]], short_circuit_on=True)
    if "not" in condition:
        inner = evaluate(condition["not"], facts)
        value = None if inner.value is None else not inner.value
        return ConditionResult(
            value, [f"not ({inner.reason})"] if inner.value is not None else inner.reasons, inner.evidence
        )
    if "dimension" in condition:
        return _evaluate_dimension(condition, facts)
    if "job_family" in condition:
        return _evaluate_membership("job_family", facts.job_family, condition["job_family"])
    if "job_code" in condition:
        return _evaluate_membership("job_code", facts.job_code, condition["job_code"])
    return _evaluate_preference(condition, facts)


def _combine(results: list[ConditionResult], *, short_circuit_on: bool) -> ConditionResult:
    """Kleene logic: for all, one False decides; for any, one True decides; otherwise unknown wins over the rest."""
    deciding = [result for result in results if result.value is short_circuit_on]
    if deciding:
        return ConditionResult(short_circuit_on, deciding[0].reasons, deciding[0].evidence)
    unknown = [result for result in results if result.value is None]
    if unknown:
        return ConditionResult(None, [reason for result in unknown for reason in result.reasons])
    return ConditionResult(
        not short_circuit_on,
        [reason for result in results for reason in result.reasons],
        [evidence for result in results for evidence in result.evidence],
    )


def _evaluate_dimension(condition: dict, facts: EvaluationInput) -> ConditionResult:
    key = condition["dimension"]
    field_name = condition.get("field", "score")
    dimension = facts.dimensions.get(key)
    if dimension is None:
        return ConditionResult(None, [f"{key} missing from the profile"])
    if dimension.get("insufficient"):
        return ConditionResult(None, [f"{key} insufficient: the interview could not support a score"])
    value = dimension.get(field_name)
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return ConditionResult(None, [f"{key} has no {field_name}"])
    label = key if field_name == "score" else f"{key}.{field_name}"
    matched = COMPARISONS[condition["op"]](value, condition["value"])
    symbol = condition["op"] if matched else _negated(condition["op"])
    reason = f"{label} {format_number(value)} {symbol} {format_number(condition['value'])}"
    return ConditionResult(matched, [reason], [DimensionEvidence(key, field_name, value)])


def _negated(op: str) -> str:
    return {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}[op]


def _evaluate_membership(name: str, actual: str | None, allowed: list[str]) -> ConditionResult:
    if actual is None:
        return ConditionResult(None, [f"{name} not given in the context"])
    matched = actual in allowed
    return ConditionResult(matched, [f"{name} {actual} {'in' if matched else 'not in'} [{', '.join(allowed)}]"])


def _evaluate_preference(condition: dict, facts: EvaluationInput) -> ConditionResult:
    name = condition["preference"]
    actual = facts.preferences.get(name)
    if actual is None:
        return ConditionResult(False, [f"no stated preference for {name}"])
    matched = actual == condition["equals"]
    return ConditionResult(matched, [f"preference {name} {actual} {'==' if matched else '!='} {condition['equals']}"])
