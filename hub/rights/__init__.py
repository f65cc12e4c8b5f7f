"""Candidates' rights: notices and the consent each result came with, the human-only path, explanations, the
human review log, access export, and the records of processing (RoPA, DPIA/PIPIA draft).

Other rooms import only the modules named in `__all__` (tests/test_layout.py holds them to it)."""

__all__ = ["access", "cli", "explanation", "notices", "pages", "processing", "reviews"]
