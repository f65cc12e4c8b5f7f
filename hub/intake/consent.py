"""What the candidate consented to: a result's consent scopes decide what the hub may do with it."""

from __future__ import annotations

SCORING = "scoring"
TRANSFER = "transfer_to_hr_systems"


def allows(payload: dict | None, scope: str) -> bool:
    """True when the consent record names the scope, or names no scopes (the notice then covers all)."""
    scopes = ((payload or {}).get("consent") or {}).get("scopes")
    return scopes is None or scope in scopes
