"""A candidate-facing explanation of a result, in zh or en, generated from its profile: what was assessed, the
evidence quoted from the candidate's own answers, and what would improve it.

Never in it: the dimensions' weights (nor the overall score they make), the engine's confidence, or anything about
emotion: the hub does not assess feelings, and a quote that talks about them is left out rather than shown as if
it had counted. Every sentence the hub adds is written here, not taken from the competency model (whose hints may
speak of composure)."""

from __future__ import annotations

import re
from typing import Any

from hub.storage.models import InterviewResult

LANGUAGES = ("zh", "en")

# Words about emotion that no explanation may contain (the hub's text never does; quotes with them are left out).
EMOTION_TERMS = (
    "emotion", "emotional", "sentiment", "mood", "feeling", "feelings", "felt", "calm", "composure", "anger",
    "angry", "anxious", "anxiety", "nervous", "upset", "frustrat", "happy", "happiness", "sad", "fear", "afraid",
    "excited", "stress level", "temperament", "affect",
    "情绪", "情感", "心情", "表情", "情商", "冷静", "紧张", "焦虑", "愤怒", "生气", "开心", "高兴", "难过", "害怕",
    "心态", "感受", "沮丧", "激动",
)  # fmt: skip
_EMOTION = re.compile(
    "|".join(rf"\b{re.escape(t)}" if t.isascii() else re.escape(t) for t in EMOTION_TERMS), re.IGNORECASE
)

TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "面试评估说明",
        "intro": "这份说明根据你的面试回答生成，列出评估了哪些能力、依据了你的哪些原话，以及怎样回答能更好地展示你的能力。"
        "评估结果只供招聘人员参考，录用与否由人决定。",
        "levels": {
            1: "回答中的依据还很少",
            2: "有一些依据",
            3: "有较充分的依据",
            4: "依据充分、具体",
            5: "依据非常充分、具体",
        },
        "insufficient": "你的回答没有提供足够的内容来评估这一项，因此没有给出分数。",
        "no_evidence": "没有可引用的原话。",
        "withheld": "另有 {n} 条原话未在此列出。",
        "star": {
            "situation": "先交代当时的具体情况（时间、地点、对象）。",
            "task": "说清你当时要完成的任务或目标。",
            "action": "多讲你本人具体做了什么、按什么顺序做的。",
            "result": "说明结果，最好有数字或可以核实的事实。",
        },
        "general": "多举一个你亲身经历的具体例子，讲清你做了什么以及结果如何。",
        "keep": "继续用具体的亲身经历来回答。",
        "overridden": "招聘人员复核后调整了这一项的评估。",
        "confirmed": "招聘人员复核并确认了这一项的评估。",
        "human_assessed": "你的面试由招聘人员人工评估，没有进行自动评分。",
        "status": {
            "human_pending": "你选择了不接受自动化决策：你的面试由招聘人员人工审核，没有进行任何自动评分。",
            "not_scored": "你的面试没有进行自动评分（未获得你对自动评估的同意）。",
            "queued": "你的面试还在评估中，请稍后再查看。",
            "failed": "你的面试回答未能自动评估，招聘人员会人工查看。",
            "erased": "你的个人信息已按要求删除，评估内容已不再保存。",
        },
        "rights": "你可以要求人工复核、要求进一步说明，或要求查阅、删除你的个人信息，请联系招聘单位。",
        "score": "分数",
        "evidence": "依据（你的原话）",
        "improve": "怎样可以更好",
    },
    "en": {
        "title": "About the assessment of your interview",
        "intro": "This explanation is generated from your interview answers: what was assessed, the passages of your "
        "answers it relied on, and what would show your abilities better. The assessment only informs a recruiter; "
        "a person decides.",
        "levels": {
            1: "little evidence so far",
            2: "some evidence",
            3: "fair evidence",
            4: "strong, specific evidence",
            5: "very strong, specific evidence",
        },
        "insufficient": "Your answers did not give enough to assess this, so it has no score.",
        "no_evidence": "No passage to quote.",
        "withheld": "{n} further passage(s) are not listed here.",
        "star": {
            "situation": "Start with the concrete situation (when, where, who).",
            "task": "Say what you had to achieve.",
            "action": "Say more about what you yourself did, step by step.",
            "result": "Say what came of it, ideally with numbers or facts one can check.",
        },
        "general": "Give one more concrete example from your own experience: what you did and what came of it.",
        "keep": "Keep answering with concrete examples from your own experience.",
        "overridden": "A recruiter reviewed this and changed the assessment.",
        "confirmed": "A recruiter reviewed and confirmed this assessment.",
        "human_assessed": "Your interview was assessed by a recruiter; nothing was scored automatically.",
        "status": {
            "human_pending": "You chose not to be subject to automated decisions: a recruiter reviews your interview "
            "and nothing was scored automatically.",
            "not_scored": "Your interview was not scored automatically (there was no consent to automated assessment).",
            "queued": "Your interview is still being assessed; please look again later.",
            "failed": "Your answers could not be assessed automatically; a recruiter will look at them.",
            "erased": "Your personal data was erased as requested; the assessment is no longer kept.",
        },
        "rights": "You may ask for a human review, a fuller explanation, or access to or deletion of your personal "
        "data: contact the employer.",
        "score": "Score",
        "evidence": "Evidence (your own words)",
        "improve": "What would improve it",
    },
}


def mentions_emotion(text: str) -> bool:
    return bool(_EMOTION.search(text or ""))


def _level(score: float | None, level: int | None) -> int | None:
    if level is not None:
        return int(level)
    return None if score is None else min(5, max(1, int(score // 20) + 1))


def explain(result: InterviewResult, language: str, reviews: list[dict] | None = None) -> dict:
    """The explanation of the result's latest profile (or of why it has none) in `language`."""
    text = TEXT[language]
    latest = result.profiles[-1] if result.profiles else None
    profile = (latest.data if latest else None) or {}
    body: dict = {
        "result_id": result.id,
        "external_id": result.external_id,
        "job_code": result.job_code,
        "language": language,
        "title": text["title"],
        "intro": text["intro"],
        "status": None,
        "status_text": None,
        "assessed": [],
        "not_assessed": [],
        "rights": text["rights"],
        "profile_version": latest.version if latest else None,
    }
    from hub.rights import notices

    if result.candidate.erased_at is not None or profile.get("erased"):
        body["status"] = "erased"
    elif latest is None:
        if notices.opted_out(result.payload):
            body["status"] = "human_pending"
        else:
            body["status"] = {"queued": "queued", "failed": "failed"}.get(str(result.status), "not_scored")
    if body["status"]:
        body["status_text"] = text["status"][body["status"]]
        return body
    if profile.get("source") == "human:review":
        body["status"], body["status_text"] = "human_assessed", text["human_assessed"]
    else:
        body["status"] = "assessed"
    assert latest is not None
    latest_review: dict[str, dict] = {}
    for review in reviews or []:
        if review["subject"] == "score" and review["profile_version"] == latest.version and review["target"]:
            latest_review[review["target"]] = review
    for key, dimension in (profile.get("dimensions") or {}).items():
        name = (dimension.get("name") or {}).get(language) or key
        if dimension.get("insufficient") or dimension.get("score") is None:
            body["not_assessed"].append({"dimension": key, "name": name, "note": text["insufficient"]})
            continue
        quotes = [item for item in dimension.get("evidence") or [] if item.get("quote")]
        shown = [item for item in quotes if not mentions_emotion(item["quote"])]
        missing = [part for part in dimension.get("missing_star") or [] if part in text["star"]]
        level = _level(dimension.get("score"), dimension.get("level"))
        improve = [text["star"][part] for part in missing]
        if not improve:
            improve = [text["general"] if (level or 0) <= 3 else text["keep"]]
        entry = {
            "dimension": key,
            "name": name,
            "score": dimension.get("score"),
            "level": level,
            "level_text": text["levels"].get(level or 0, ""),
            "evidence": [{"question_id": item.get("question_id"), "quote": item["quote"]} for item in shown],
            "evidence_note": text["no_evidence"] if not shown else None,
            "withheld_note": text["withheld"].format(n=len(quotes) - len(shown)) if len(shown) < len(quotes) else None,
            "to_improve": improve,
            "review": None,
        }
        reviewed = latest_review.get(key)
        if reviewed:
            review = reviewed
            overridden = review["action"] == "override"
            entry["review"] = {
                "action": review["action"],
                "note": text["overridden" if overridden else "confirmed"],
                "reviewed_score": review["value"] if overridden else None,
            }
        body["assessed"].append(entry)
    return body


def strings(explanation: dict) -> list[str]:
    """Every string in an explanation (for the tests' and callers' checks)."""
    out: list[str] = []

    def walk(value):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                out.append(str(key))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(explanation)
    return out
