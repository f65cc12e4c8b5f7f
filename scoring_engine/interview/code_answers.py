"""Answers that carry code: checked, run against their coding task in the sandbox, and scored like other answers."""

from __future__ import annotations

from scoring_engine.coding import CodeScore, load_task, score_code
from scoring_engine.coding.sandbox import SandboxConfig
from scoring_engine.coding.score import check_code
from scoring_engine.errors import InvalidInput
from scoring_engine.interview.answer_score import AnswerScore
from scoring_engine.interview.competency_model import CompetencyModel, Question

# Tests decide a code score, not a reading of prose; what is left uncertain is how well a few tasks sample a skill.
CODE_CONFIDENCE = 0.9


def is_code_answer(item) -> bool:
    """An answer object that carries `code` (scored here) rather than `text`."""
    return isinstance(item, dict) and "code" in item


def _checked(answers: list, model: CompetencyModel) -> list[tuple[str, str, str, str]]:
    """(pointer, task id, code, language) per code answer, or InvalidInput naming the JSON pointer at fault."""
    checked = []
    for index, item in enumerate(answers):
        if not is_code_answer(item):
            continue
        pointer = f"/answers/{index}"
        if "text" in item:
            raise InvalidInput(f"{pointer}: give either text or code, not both", pointer=pointer)
        task_id = item.get("question_id")
        if task_id not in model.coding_tasks:
            raise InvalidInput(
                f"{pointer}/question_id: unknown coding task {task_id!r} for model {model.name!r}; "
                f"expected one of {list(model.coding_tasks)}",
                pointer=f"{pointer}/question_id",
            )
        code = check_code(item.get("code"), f"{pointer}/code")
        language = load_task(task_id).language(item.get("language"), f"{pointer}/language")
        checked.append((pointer, task_id, code, language))
    return checked


def answer_score(code_score: CodeScore) -> AnswerScore:
    """The code score in the shape every answer has, so dimensions aggregate it with the others."""
    return AnswerScore(
        question_id=code_score.task,
        language=code_score.language,
        score=code_score.score,
        level=code_score.level,
        insufficient=False,
        confidence=CODE_CONFIDENCE,
        flags=[],
        star={},
        missing_star=[],
        evidence=code_score.evidence[:2],
        components=dict(code_score.components),
        mode="code",
    )


def score_code_answers(
    answers: list, model: CompetencyModel, config: SandboxConfig | None = None
) -> list[tuple[AnswerScore, Question, CodeScore]]:
    """Every code answer run and scored (all checked before any runs); CodeSandboxUnavailable if there is no sandbox."""
    checked = _checked(answers, model) if isinstance(answers, list) else []
    scored = []
    for pointer, task_id, code, language in checked:
        task = load_task(task_id)
        code_score = score_code(code, task, language=language, config=config, pointer=f"{pointer}/code")
        question = Question(id=task.id, type="technical", text=task.prompt, dimensions=(task.dimension,))
        scored.append((answer_score(code_score), question, code_score))
    return scored
