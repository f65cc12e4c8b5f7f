"""The hash-chained audit trail and its verification.

Other rooms import only the modules named in `__all__` (tests/test_layout.py holds them to it)."""

__all__ = ["chain", "cli"]
