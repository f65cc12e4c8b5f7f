"""Personal data: encryption and key rotation, erasure and retention.

Other rooms import only the modules named in `__all__` (tests/test_layout.py holds them to it)."""

__all__ = ["cli", "crypto", "erasure", "keystore", "rotation", "shredding"]
