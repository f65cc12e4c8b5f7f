"""The hash-chained audit trail, its signed checkpoints and their verification.

Other rooms import only the modules named in `__all__` (tests/test_layout.py holds them to it)."""

__all__ = ["chain", "checkpoints", "cli"]
