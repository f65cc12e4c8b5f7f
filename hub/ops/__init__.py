"""Running the hub: logs, serving, the demo and its HR-system stand-in.

Other rooms import only the modules named in `__all__` (tests/test_layout.py holds them to it)."""

__all__ = ["cli", "logs", "metrics"]
