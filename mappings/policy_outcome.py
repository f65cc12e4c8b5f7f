"""The result of evaluating a policy: the plan, the attendance rule, and which rules fired and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .trees import copy_tree


@dataclass(frozen=True)
class FiredOutput:
    """One output a rule produced: 'goal:<key>' or 'attendance:<field>'."""

    rule: str
    output: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "output": self.output, "reason": self.reason}


@dataclass(frozen=True)
class RuleSkip:
    """A rule that did not fire, and why (its condition was false, or the data could not decide it)."""

    rule: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "reason": self.reason}


@dataclass
class PolicyOutcome:
    """What a policy decided for one profile; to_dict() is the canonical JSON form."""

    policy_name: str
    policy_version: str
    plan: dict[str, Any]
    attendance: dict[str, Any]
    fired: list[FiredOutput] = field(default_factory=list)
    not_fired: list[RuleSkip] = field(default_factory=list)
    undetermined: list[RuleSkip] = field(default_factory=list)

    @property
    def fired_rules(self) -> list[str]:
        """Ids of the rules that fired, in policy order, without repeats."""
        return list(dict.fromkeys(output.rule for output in self.fired))

    def to_dict(self) -> dict[str, Any]:
        """Return the outcome as plain JSON-ready data (a deep copy)."""
        return {
            "policy": {"name": self.policy_name, "version": self.policy_version},
            "plan": copy_tree(self.plan),
            "attendance": copy_tree(self.attendance),
            "fired": [output.to_dict() for output in self.fired],
            "not_fired": [skip.to_dict() for skip in self.not_fired],
            "undetermined": [skip.to_dict() for skip in self.undetermined],
        }
