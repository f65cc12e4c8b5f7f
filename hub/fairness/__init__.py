"""Fairness: voluntary self-identified demographics (a table of their own, encrypted, never read by scoring,
policies or mappings) and the bias audit computed from them (docs/fairness.md).

Other rooms import only the modules named in `__all__` (tests/test_layout.py holds them to it)."""

__all__ = ["categories", "cli", "demographics", "reports"]
