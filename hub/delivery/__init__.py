"""What leaves: the outbox, the worker, attempts and the breaker, the sync log, previews, connector instances
and their admin, and the policy/mapping cache.

Other rooms import only the modules named in `__all__` (tests/test_layout.py holds them to it)."""

__all__ = ["cli", "connector_admin", "documents", "outbox", "preview", "sync_log", "worker"]
