"""The only room that speaks HTTP: the API and console blueprints, problem+json, OpenAPI, the access log.

Other rooms import only the modules named in `__all__` (tests/test_layout.py holds them to it)."""

__all__ = ["app"]
