"""Resume parsing (PDF, DOCX, text, images via OCR; Chinese and English) and matching against job profiles."""
from scoring_engine.resume.job import JobProfile, load_job
from scoring_engine.resume.matching import Match, match
from scoring_engine.resume.model import Resume
from scoring_engine.resume.parser import parse_resume

__all__ = ["JobProfile", "Match", "Resume", "load_job", "match", "parse_resume"]
