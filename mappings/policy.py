"""Policies: load a versioned YAML policy and evaluate it against a profile and context."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from . import conditions
from .errors import InputError, PolicyError
from .periods import probation_interval, quarter_of
from .policy_outcome import FiredOutput, PolicyOutcome, RuleSkip
from .schema_validation import first_violation, packaged_validator
from .sources import POLICIES_DIR, resolve
from .trees import copy_tree
from .yaml_source import YamlDocument, read_yaml

logger = logging.getLogger(__name__)

POLICY_SCHEMA = "policy.schema.json"
# Attendance fields in the order AttendanceRule lists them; "probation" is reported per sub-field.
ATTENDANCE_FIELDS = (
    "schedule_type",
    "workdays",
    "work_hours",
    "core_hours",
    "flexible_window",
    "breaks",
    "probation",
    "overtime_cap",
    "holiday_calendar",
)
FLEXIBLE_ONLY_FIELDS = ("core_hours", "flexible_window")


def load_policy(name_or_path: str | Path) -> "Policy":
    """Load and validate a policy from a file path or a shipped name such as "default".

    Raises PolicyError naming the file, the JSON pointer and what was expected.
    """
    try:
        path = resolve(name_or_path, POLICIES_DIR)
        document = read_yaml(path)
    except (FileNotFoundError, ValueError) as error:
        raise PolicyError(str(error), file=str(name_or_path)) from error
    return Policy(document)


def _is_param_ref(value: Any) -> bool:
    return isinstance(value, dict) and "param" in value


class Policy:
    """A validated policy; evaluate() is a pure function of the profile and context."""

    def __init__(self, document: YamlDocument):
        self._document = document
        self.file = str(document.path)
        data = document.data
        violation = first_violation(packaged_validator(POLICY_SCHEMA), data, quote_values=False)
        if violation:
            raise self._error(violation.message, violation.pointer)
        self.data: dict[str, Any] = data
        self.name: str = data["name"]
        self.version: str = data["version"]
        self.description: str = data.get("description", "")
        self.rules: list[dict[str, Any]] = data["rules"]
        self._check_semantics()

    def __repr__(self) -> str:
        return f"<Policy {self.name}@{self.version} from {self.file}>"

    @property
    def reference(self) -> str:
        """name@version, as cited in rationales."""
        return f"{self.name}@{self.version}"

    # -- validation beyond the schema -------------------------------------------------------------

    def _error(self, message: str, pointer: str) -> PolicyError:
        return PolicyError(message, file=self.file, pointer=pointer, line=self._document.line_of(pointer))

    def _check_semantics(self) -> None:
        seen: dict[str, int] = {}
        for index, rule in enumerate(self.rules):
            if rule["id"] in seen:
                raise self._error(
                    f"expected a unique rule id; {rule['id']!r} is also rule {seen[rule['id']]}", f"/rules/{index}/id"
                )
            seen[rule["id"]] = index
        base = self.data.get("parameters", {})
        for family, settings in self.data.get("job_families", {}).items():
            for name in settings.get("parameters", {}):
                if name not in base:
                    raise self._error(
                        f"unknown parameter {name!r}; expected it declared in /parameters first",
                        f"/job_families/{family}/parameters/{name}",
                    )
        for family in [None, *self.data.get("job_families", {})]:
            self._check_resolves(family)
        defaults = self.data["defaults"]["attendance"]
        self._check_schedule(defaults, "/defaults/attendance")
        for index, rule in enumerate(self.rules):
            patch = rule["then"].get("attendance")
            if patch:
                self._check_schedule(_merge_attendance(defaults, patch), f"/rules/{index}/then/attendance")

    def _check_resolves(self, family: str | None) -> None:
        """Resolve every parameter reference for this job family and check the results' types."""
        parameters = self.parameters_for(family)
        schema = packaged_validator(POLICY_SCHEMA).schema
        checks = [("/defaults/attendance", self.data["defaults"]["attendance"], "attendance_patch")]
        for index, rule in enumerate(self.rules):
            for kind, definition in (("goal", "goal"), ("attendance", "attendance_patch")):
                if kind in rule["then"]:
                    checks.append((f"/rules/{index}/then/{kind}", rule["then"][kind], definition))
        for pointer, value, definition in checks:
            resolved = self._resolve(value, parameters, pointer)
            validator = Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]})
            violation = first_violation(validator, resolved)
            if violation:
                family_note = f" (with job family {family}'s parameters)" if family else ""
                raise self._error(
                    f"after resolving parameters{family_note}: {violation.message}", pointer + violation.pointer
                )

    def _check_schedule(self, attendance: dict, pointer: str) -> None:
        if attendance.get("schedule_type") == "flexible":
            missing = [name for name in FLEXIBLE_ONLY_FIELDS if name not in attendance]
            if missing:
                raise self._error(
                    f"a flexible schedule expects {' and '.join(missing)} (here or in /defaults/attendance)", pointer
                )
        for name in ("work_hours", "core_hours"):
            span = attendance.get(name)
            if span and span["start"] >= span["end"]:
                raise self._error(
                    f"expected {name} start before end, got {span['start']}-{span['end']}", f"{pointer}/{name}"
                )

    def _resolve(self, value: Any, parameters: dict[str, Any], pointer: str) -> Any:
        """Replace {param: name, add:, multiply:} references with their values."""
        if _is_param_ref(value):
            if value["param"] not in parameters:
                raise self._error(
                    f"unknown parameter {value['param']!r}; expected one of "
                    f"{', '.join(sorted(parameters)) or '(none declared)'}",
                    pointer + "/param",
                )
            result = parameters[value["param"]]
            for operation in ("multiply", "add"):
                if operation in value:
                    operand = self._resolve(value[operation], parameters, f"{pointer}/{operation}")
                    if not all(
                        isinstance(number, (int, float)) and not isinstance(number, bool)
                        for number in (result, operand)
                    ):
                        raise self._error(f"expected numbers to {operation}, got {result!r} and {operand!r}", pointer)
                    result = result * operand if operation == "multiply" else result + operand
            return result
        if isinstance(value, dict):
            return {key: self._resolve(item, parameters, f"{pointer}/{key}") for key, item in value.items()}
        if isinstance(value, list):
            return [self._resolve(item, parameters, f"{pointer}/{index}") for index, item in enumerate(value)]
        return value

    # -- evaluation -------------------------------------------------------------------------------

    def parameters_for(self, job_family: str | None) -> dict[str, Any]:
        """Return the policy parameters with the job family's overrides applied."""
        parameters = dict(self.data.get("parameters", {}))
        family = self.data.get("job_families", {}).get(job_family or "", {})
        parameters.update(family.get("parameters", {}))
        return parameters

    def evaluate(self, profile: dict, context: dict | None = None) -> PolicyOutcome:
        """Apply the rules to a profile; the outcome says which rules fired, which did not and which could not be decided."""
        context = context or {}
        if not isinstance(profile, dict):
            raise InputError("expected the profile to be an object", pointer="")
        facts = _facts(profile, context)
        parameters = self.parameters_for(facts.job_family)
        reference_day = _reference_day(context)

        attendance = copy_tree(self.data["defaults"]["attendance"])
        goals: dict[str, dict[str, Any]] = {}
        outcome = PolicyOutcome(self.name, self.version, plan={}, attendance={})
        set_by_rules: list[dict[str, str]] = []
        for index, rule in enumerate(self.rules):
            result = conditions.evaluate(rule["when"], facts)
            if result.value is None:
                outcome.undetermined.append(RuleSkip(rule["id"], result.reason))
                continue
            if not result.value:
                outcome.not_fired.append(RuleSkip(rule["id"], result.reason))
                continue
            pointer = f"/rules/{index}/then"
            if "goal" in rule["then"]:
                goal = self._resolve(rule["then"]["goal"], parameters, pointer + "/goal")
                goals[goal["key"]] = self._goal(goal, rule, result)
                outcome.fired.append(FiredOutput(rule["id"], f"goal:{goal['key']}", result.reason))
            if "attendance" in rule["then"]:
                patch = rule["then"]["attendance"]
                attendance = _merge_attendance(attendance, patch)
                for field_name in _patched_fields(patch):
                    outcome.fired.append(FiredOutput(rule["id"], f"attendance:{field_name}", result.reason))
                    set_by_rules.append({"rule": rule["id"], "field": field_name, "reason": result.reason})

        attendance = self._resolve(attendance, parameters, "/defaults/attendance")
        outcome.attendance = _finish_attendance(attendance, set_by_rules, self.reference)
        months = outcome.attendance["probation"]["months"]
        plan_kind = self.data.get("plan", {}).get("period", "quarter")
        for goal in goals.values():
            goal["period"] = _period_label(goal["period"] or plan_kind, reference_day, months)
        outcome.plan = {
            "period": _period_label(plan_kind, reference_day, months),
            "goals": _normalise_weights(list(goals.values())),
        }
        logger.debug("policy %s fired %s", self.reference, outcome.fired_rules)
        return outcome

    def _goal(self, goal: dict[str, Any], rule: dict[str, Any], result: conditions.ConditionResult) -> dict:
        evidence = result.evidence[0] if result.evidence else None
        return {
            "key": goal["key"],
            "name": goal["name"],
            "metric": goal["metric"],
            "target": goal["target"],
            "unit": goal["unit"],
            "weight": goal["weight"],
            "period": goal.get("period"),  # the kind until evaluate() turns it into a label
            "rationale": {
                "rule": rule["id"],
                "policy": self.reference,
                "dimension": evidence.dimension if evidence else None,
                "score": evidence.value if evidence else None,
                "condition": conditions.describe(rule["when"]),
                "reason": result.reason,
            },
        }


def _facts(profile: dict, context: dict) -> conditions.EvaluationInput:
    dimensions = profile.get("dimensions") or {}
    if not isinstance(dimensions, dict):
        raise InputError("expected an object of dimensions", pointer="/dimensions")
    insufficient = set(profile.get("insufficient") or [])
    # A dimension listed in profile.insufficient counts as insufficient even if its own flag is missing.
    merged_dimensions = {
        key: {**(value or {}), "insufficient": bool((value or {}).get("insufficient")) or key in insufficient}
        for key, value in dimensions.items()
    }
    preferences = dict(profile.get("preferences") or {})
    preferences.update({key: value for key, value in (context.get("preferences") or {}).items() if value is not None})
    return conditions.EvaluationInput(
        merged_dimensions, context.get("job_family"), context.get("job_code"), preferences
    )


def _reference_day(context: dict) -> date:
    """The start date, else the context's as_of date, else today (the only impure fallback)."""
    for key in ("start_date", "as_of"):
        value = context.get(key)
        if value:
            try:
                return date.fromisoformat(str(value)[:10])
            except ValueError:
                raise InputError(f"expected a date YYYY-MM-DD, got {value!r}", pointer=f"/{key}") from None
    return date.today()


def _period_label(kind: str, reference_day: date, probation_months: int) -> str:
    return probation_interval(reference_day, probation_months) if kind == "probation" else quarter_of(reference_day)


def _merge_attendance(attendance: dict, patch: dict) -> dict:
    merged = copy_tree(attendance)
    for key, value in patch.items():
        if key == "probation":
            merged["probation"] = {**merged.get("probation", {}), **copy_tree(value)}
        else:
            merged[key] = copy_tree(value)
    return merged


def _patched_fields(patch: dict) -> list[str]:
    names: list[str] = []
    for key, value in patch.items():
        names.extend(f"probation.{sub}" for sub in value) if key == "probation" else names.append(key)
    return names


def _finish_attendance(attendance: dict, set_by_rules: list[dict[str, str]], policy_reference: str) -> dict:
    """Drop fields that do not belong to the schedule type, order the fields, and add the rationale."""
    if attendance["schedule_type"] != "flexible":
        for name in FLEXIBLE_ONLY_FIELDS:
            attendance.pop(name, None)
    finished = {name: attendance[name] for name in ATTENDANCE_FIELDS if name in attendance}
    rationale: dict[str, dict[str, Any]] = {}
    for entry in set_by_rules:
        grouped = rationale.setdefault(entry["rule"], {"rule": entry["rule"], "fields": [], "reason": entry["reason"]})
        grouped["fields"].append(entry["field"])
    decided = {entry["field"] for entry in set_by_rules}
    defaulted = [name for name in _patched_fields(finished) if name not in decided]
    finished["rationale"] = list(rationale.values()) + [
        {
            "rule": "defaults",
            "fields": defaulted,
            "reason": f"policy {policy_reference} defaults; no rule set these fields",
        }
    ]
    return finished


def _normalise_weights(goals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Scale weights to sum to exactly 100 (two decimals; the last goal absorbs rounding)."""
    if not goals:
        return goals
    total = sum(goal["weight"] for goal in goals)
    for goal in goals:
        goal["weight"] = round(goal["weight"] * 100 / total, 2)
    goals[-1]["weight"] = round(goals[-1]["weight"] + 100 - sum(goal["weight"] for goal in goals), 2)
    return goals
