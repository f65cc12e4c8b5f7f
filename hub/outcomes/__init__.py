"""Outcomes that come back: performance reviews and attendance summaries, linked to hires, and the validity
and attendance reports they feed.

Other rooms import only the modules named in `__all__` (tests/test_layout.py holds them to it)."""

__all__ = ["cli", "drafts", "records", "reports"]
