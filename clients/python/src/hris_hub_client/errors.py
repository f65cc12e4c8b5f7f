"""What the client raises: one exception class per problem `type` the hub documents (docs/api.md), under one base.

try:
    hub.post_result(result)
except ValidationFailed as error:
    for item in error.errors:
        print(item.pointer, item.message)    # "/candidate/email", "does not match ..."
except ProblemError as error:                  # any other problem document
    print(error.status, error.slug, error.title, error.detail, error.request_id)
except TransportError:                         # the hub could not be reached, retries spent
    ...
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TYPE_BASE = "https://hris-hub.dev/problems/"


class HubClientError(Exception):
    """The base of everything this client raises."""


class TransportError(HubClientError):
    """No answer from the hub: the connection failed or was dropped on every attempt. `__cause__` is the last
    `requests` exception; `attempts` says how many were made."""

    def __init__(self, message: str, *, attempts: int):
        super().__init__(message)
        self.attempts = attempts


@dataclass(frozen=True)
class FieldError:
    """One problem with the input: where (a JSON pointer such as `/candidate/email`, `?limit` for a query
    parameter, `{result_id}` for a path parameter, `header:Idempotency-Key`, or a form field's name) and what."""

    pointer: str
    message: str


class ProblemError(HubClientError):
    """An answer of 400 or more: the hub's RFC 9457 problem document, or (for an answer that is not one, such as a
    proxy's HTML page) what could be read of it. Subclasses are per problem type; `slug` is the type's last part."""

    slug: str | None = None
    """The problem type's last part (`validation-failed`); the class's own, or what an unknown type says."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        type: str | None = None,
        instance: str | None = None,
        request_id: str | None = None,
        errors: tuple[FieldError, ...] = (),
        body: Mapping[str, Any] | None = None,
        retry_after: float | None = None,
        attempts: int = 1,
    ):
        super().__init__(f"{status} {title}" + (f": {detail}" if detail else ""))
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type
        if type and type.startswith(TYPE_BASE):
            self.slug = type[len(TYPE_BASE) :]
        self.instance = instance
        self.request_id = request_id
        self.errors = errors
        self.body: dict[str, Any] = dict(body or {})
        self.retry_after = retry_after
        self.attempts = attempts

    @property
    def pointers(self) -> list[str]:
        """The JSON pointers of `errors`, in order."""
        return [item.pointer for item in self.errors]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, title={self.title!r}, errors={list(self.errors)!r})"


class UnexpectedAnswer(ProblemError):
    """An error answer that is not a problem document (a proxy or load balancer in between answered, say)."""


# -- 400 ---------------------------------------------------------------------------------------------------------------
class BadRequest(ProblemError):
    """A request the HTTP layer refused before the API read it."""

    slug = "bad-request"


class MalformedJson(ProblemError):
    """A body that is not JSON (the detail gives the line and column)."""

    slug = "malformed-json"


class MalformedBody(ProblemError):
    """A body that is not UTF-8, is empty or is nested too deeply."""

    slug = "malformed-body"


class BadQuery(ProblemError):
    """A query parameter out of range or not one of its values (pointer `?name`)."""

    slug = "bad-query"


class BadPathParameter(ProblemError):
    """A path parameter over 200 characters or holding a control character (pointer `{name}`)."""

    slug = "bad-path-parameter"


class BadIdempotencyKey(ProblemError):
    """An Idempotency-Key that is not 1-200 visible ASCII characters (pointer `header:Idempotency-Key`)."""

    slug = "bad-idempotency-key"


class MissingFile(ProblemError):
    """A resume upload without its `file` field."""

    slug = "missing-file"


# -- 401, 403, 404, 405, 409 -------------------------------------------------------------------------------------------
class Unauthorized(ProblemError):
    """The key is missing, malformed, unknown, revoked or expired (the title says which)."""

    slug = "unauthorized"


class SignatureRefused(Unauthorized):
    """A client that signs its requests sent one whose signature is missing, stale, wrong or replayed; `reason`
    says which check failed."""

    slug = "signature-refused"

    @property
    def reason(self) -> str | None:
        value = self.body.get("reason")
        return value if isinstance(value, str) else None


class Forbidden(ProblemError):
    """The key's role may not use this endpoint."""

    slug = "forbidden"


class NotFound(ProblemError):
    """No such result, job, candidate or route (another client's result is also not found)."""

    slug = "not-found"


class MethodNotAllowed(ProblemError):
    """The path does not take this method."""

    slug = "method-not-allowed"


class Conflict(ProblemError):
    """The same external_id or Idempotency-Key with another body (`existing` names the first result), a different
    second decision, or a replay of a job that is not dead."""

    slug = "conflict"

    @property
    def existing(self) -> dict[str, Any] | None:
        """The result the conflicting request collided with, when the hub names it."""
        value = self.body.get("existing")
        return value if isinstance(value, dict) else None


# -- 413, 415, 422 -----------------------------------------------------------------------------------------------------
class PayloadTooLarge(ProblemError):
    """The body is over HUB_MAX_BODY_BYTES (uploads: HUB_MAX_UPLOAD_BYTES)."""

    slug = "payload-too-large"


class UnsupportedMediaType(ProblemError):
    """Not application/json (resumes: not multipart/form-data)."""

    slug = "unsupported-media-type"


class ValidationFailed(ProblemError):
    """The document does not match its schema, or holds a value no column can hold; `errors` has every problem at
    its JSON pointer."""

    slug = "validation-failed"


# -- resumes -----------------------------------------------------------------------------------------------------------
class ResumeUnreadable(ProblemError):
    """The resume file cannot be read as given; the base of the resume-* types."""

    slug = "resume-unreadable"


class ResumeEncrypted(ResumeUnreadable):
    """The document is password-protected."""

    slug = "resume-encrypted"


class ResumeCorrupt(ResumeUnreadable):
    """The file claims a type but its structure is broken."""

    slug = "resume-corrupt"


class ResumeEmpty(ResumeUnreadable):
    """The file holds no pages or no text at all."""

    slug = "resume-empty"


class ResumeImageOnly(ResumeUnreadable):
    """Pages without a text layer, and OCR read nothing."""

    slug = "resume-image-only"


class ResumeOcrUnavailable(ResumeImageOnly):
    """An image or a scan, and the hub has no OCR engine."""

    slug = "resume-ocr-unavailable"


class ResumeExtractionTimeout(ResumeUnreadable):
    """Reading the text took longer than the hub allows."""

    slug = "resume-extraction-timeout"


class ResumeTooComplex(ResumeUnreadable):
    """Too many objects, too deep or too much memory to read."""

    slug = "resume-too-complex"


class ResumeTooLarge(ResumeUnreadable):
    """The file, its page count or its uncompressed size is over a limit (413)."""

    slug = "resume-too-large"


class ResumeUnsupportedType(ResumeUnreadable):
    """Not a PDF, DOCX, text or image file (415)."""

    slug = "resume-unsupported-type"


class ResumeExtractionBusy(ResumeUnreadable):
    """Every isolated reader stayed busy (503 with Retry-After): the client retries it."""

    slug = "resume-extraction-busy"


# -- 5xx ---------------------------------------------------------------------------------------------------------------
class DatabaseUnavailable(ProblemError):
    """The hub cannot reach its database; nothing was stored (503 with Retry-After): the client retries it."""

    slug = "database-unavailable"


class InternalError(ProblemError):
    """The hub failed unexpectedly; `request_id` finds it in the hub's logs."""

    slug = "internal-error"


def _subclasses(cls: type[ProblemError]) -> list[type[ProblemError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


PROBLEM_TYPES: dict[str, type[ProblemError]] = {
    cls.slug: cls for cls in _subclasses(ProblemError) if cls.slug is not None
}
"""Every problem type this client knows, by slug (the last part of `type`)."""


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header in seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def from_response(
    status: int, reason: str, headers: Mapping[str, str], content: bytes, attempts: int = 1
) -> ProblemError:
    """The exception for an error answer: the problem type's class when the hub sent a problem document."""
    retry_after = retry_after_seconds(headers.get("Retry-After"))
    body: Any = None
    try:
        body = json.loads(content.decode("utf-8")) if content else None
    except (UnicodeDecodeError, ValueError):
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("title"), str):
        text = content[:200].decode("utf-8", "replace").strip()
        return UnexpectedAnswer(status, reason or "Error", text or None, retry_after=retry_after, attempts=attempts)
    problem_type = body.get("type") if isinstance(body.get("type"), str) else None
    slug = problem_type[len(TYPE_BASE) :] if problem_type and problem_type.startswith(TYPE_BASE) else None
    cls = PROBLEM_TYPES.get(slug or "", ProblemError)
    errors = tuple(
        FieldError(str(item.get("pointer", "")), str(item.get("message", "")))
        for item in body.get("errors") or []
        if isinstance(item, dict)
    )
    return cls(
        int(body["status"]) if isinstance(body.get("status"), int) else status,
        body["title"],
        body.get("detail") if isinstance(body.get("detail"), str) else None,
        type=problem_type,
        instance=body.get("instance") if isinstance(body.get("instance"), str) else None,
        request_id=body.get("request_id") if isinstance(body.get("request_id"), str) else None,
        errors=errors,
        body=body,
        retry_after=retry_after,
        attempts=attempts,
    )
