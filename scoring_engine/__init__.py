"""Resume parsing, job matching and interview scoring: a plain library (no Flask, no database)."""

from importlib import import_module

ENGINE_NAME = "hris-hub-scoring"

# Public names and the submodule that defines each; imported on first use so that
# `import scoring_engine` stays cheap (jieba, pdfminer and the embedding model load lazily).
_EXPORTS = {
    "parse_resume": "scoring_engine.resume",
    "match": "scoring_engine.resume",
    "load_job": "scoring_engine.resume",
    "Resume": "scoring_engine.resume",
    "Match": "scoring_engine.resume",
    "JobProfile": "scoring_engine.resume",
    "load_jobs": "scoring_engine.resume",
    "recommend": "scoring_engine.resume",
    "Recommendation": "scoring_engine.resume",
    "load_competency_model": "scoring_engine.interview",
    "score_answer": "scoring_engine.interview",
    "score_interview": "scoring_engine.interview",
    "profile_from_ready_scores": "scoring_engine.interview",
    "CompetencyModel": "scoring_engine.interview",
    "Profile": "scoring_engine.interview",
    "ENGINE_VERSION": "scoring_engine.interview",
}

__all__ = sorted(_EXPORTS) + ["ENGINE_NAME"]


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scoring_engine' has no attribute {name!r}")
    return getattr(import_module(module), name)
