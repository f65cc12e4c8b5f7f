"""What arrives: interview results and their validation, consent, hiring decisions, resumes, the job catalog,
and scoring inside the hub.

Other rooms import only the modules named in `__all__` (tests/test_layout.py holds them to it)."""

__all__ = ["cli", "consent", "decisions", "ingest", "jobs", "scoring", "validation", "views"]
