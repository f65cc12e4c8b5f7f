"""Who may do what: API clients (keys, roles) and console users (passwords, sign-in state).

Other rooms import only the modules named in `__all__` (tests/test_layout.py holds them to it)."""

__all__ = ["api_clients", "cli", "console_sessions", "console_users", "signing", "throttle"]
