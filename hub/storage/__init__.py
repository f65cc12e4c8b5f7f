"""The database: engines and sessions, the declarative models (see docs/architecture.md), migrations.

Other rooms import only the modules named in `__all__` (tests/test_layout.py holds them to it)."""

__all__ = ["cli", "db", "demographics", "drafts", "migrate", "models", "outcomes", "rights", "statuses"]
