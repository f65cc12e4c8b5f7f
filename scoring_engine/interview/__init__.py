"""Structured interview scoring: competency models, answer scoring (STAR, specificity, BARS) and the profile."""

from scoring_engine.interview.answer import score_answer
from scoring_engine.interview.competency_model import CompetencyModel, load_competency_model
from scoring_engine.interview.interview import score_interview
from scoring_engine.interview.profile import Profile
from scoring_engine.interview.ready_scores import profile_from_ready_scores
from scoring_engine.interview.version import ENGINE_VERSION

__all__ = [
    "ENGINE_VERSION",
    "CompetencyModel",
    "Profile",
    "load_competency_model",
    "profile_from_ready_scores",
    "score_answer",
    "score_interview",
]
