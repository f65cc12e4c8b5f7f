"""Domain errors, named for what the caller does next; `hub/web/problems.py` maps them to RFC 9457 documents
and the CLI to one-line messages. Domain code raises these, never an HTTP `Problem`.

A leaf module: it imports nothing from the hub, so every room may raise and catch these."""

from __future__ import annotations

from typing import Any


class HubError(Exception):
    """Base of every domain error. `errors` lists `{"pointer", "message"}` items, one per fault, each at its
    JSON pointer; `extra` carries fields a client may act on (e.g. the existing resource's links)."""

    title = "Request refused"

    def __init__(
        self,
        detail: str | None = None,
        *,
        title: str | None = None,
        errors: list[dict[str, str]] | None = None,
        **extra: Any,
    ):
        self.title = title or type(self).title
        self.detail = detail
        self.errors = list(errors or [])
        self.extra = extra
        super().__init__(detail or self.title)

    def lines(self) -> list[str]:
        """The error as a person reads it: one line, then one line per pointer."""
        out = [self.detail or self.title]
        out += [f"  {e.get('pointer') or '/'}: {e.get('message')}" for e in self.errors]
        return out


class InvalidInput(HubError):
    """The input breaks a rule; fix the fields at the pointers and send it again."""

    title = "Invalid input"


class UnknownJobCode(InvalidInput):
    title = "Unknown job code"


class UnknownCompetencyModel(InvalidInput):
    title = "Unknown competency model"


class Conflict(HubError):
    """The input contradicts what is stored; do not retry it as it is."""

    title = "Conflict"


class IdempotencyConflict(Conflict):
    """The same idempotency key or external id arrived with a different body."""

    title = "Already received with a different body"


class AlreadyDecided(Conflict):
    title = "Already decided"


class ConnectorExists(Conflict):
    title = "Connector exists"


class NotFound(HubError):
    title = "Not found"


class ConnectorNotFound(NotFound):
    title = "No such connector"


class UnknownResult(NotFound):
    title = "No such result"


class BadQuery(HubError):
    """A query parameter cannot be read (a cursor from elsewhere, say)."""

    title = "Bad query"


class Unauthenticated(HubError):
    """No key, or one this hub did not issue or has revoked: ask HR IT for a key."""

    title = "Invalid API key"


class SignatureRefused(Unauthenticated):
    """A client that signs its requests sent one whose signature headers are missing, stale, wrong or replayed;
    `reason` (in `extra`) says which."""

    title = "Request signature refused"


class Forbidden(HubError):
    """The caller is known but its role does not allow this."""

    title = "Forbidden"
