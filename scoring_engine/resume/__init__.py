"""Resume parsing (PDF, DOCX, text, images via OCR; Chinese and English) and matching against job profiles."""

from scoring_engine.resume.job import JobProfile, load_job
from scoring_engine.resume.matching import Match, match
from scoring_engine.resume.model import Resume
from scoring_engine.resume.parser import parse_resume
from scoring_engine.resume.recommend import Recommendation, load_jobs, recommend

__all__ = [
    "JobProfile",
    "Match",
    "Recommendation",
    "Resume",
    "load_job",
    "load_jobs",
    "match",
    "parse_resume",
    "recommend",
]
