"""Coding tasks for technical interviews: task model (YAML + JSON Schema), the bubblewrap sandbox, scoring with evidence."""

from scoring_engine.coding.errors import CodeSandboxUnavailable
from scoring_engine.coding.sandbox import SandboxConfig
from scoring_engine.coding.score import CodeScore, score_code
from scoring_engine.coding.task import SHIPPED_TASKS, CodingTask, load_task, parse_task

__all__ = [
    "SHIPPED_TASKS",
    "CodeSandboxUnavailable",
    "CodeScore",
    "CodingTask",
    "SandboxConfig",
    "load_task",
    "parse_task",
    "score_code",
]
