"""HubClient: the hub's API for a mini-program backend (key role `ingest`) and for auditors (`auditor`)."""

from __future__ import annotations

import os
import random
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any
from urllib.parse import quote, urljoin

import requests
from urllib3.exceptions import NewConnectionError

from hris_hub_client import errors
from hris_hub_client.models import Accepted, Decision, InterviewResult
from hris_hub_client.signing import Signer

__version__ = "0.1.0"
USER_AGENT = f"hris-hub-client/{__version__}"


@dataclass(frozen=True)
class RetryPolicy:
    """When and how often a call is tried again.

    A call is tried at most `attempts` times in all. It is tried again after a connection error (refused, reset,
    dropped, timed out) and after an answer whose status is in `statuses` (429 and 5xx): after the Retry-After the
    hub sent, else after `backoff * 2**n` seconds (n = 0, 1, ...) with `jitter` added, at most `max_delay`. A
    Retry-After longer than `max_delay` is not waited for: the error is raised with its `retry_after`. No other 4xx
    is ever retried. A resume upload is not idempotent on the hub, so it is tried again only when it cannot have
    been stored: on 429 and 503 (the hub stored nothing) and when the connection was never opened.
    """

    attempts: int = 4
    backoff: float = 0.5
    max_delay: float = 30.0
    jitter: float = 0.25
    statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")

    def delay(self, retry: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number `retry` (1 is the first retry)."""
        if retry_after is not None:
            return retry_after
        return min(self.max_delay, self.backoff * 2 ** (retry - 1) + random.uniform(0, self.jitter))


NO_RETRIES = RetryPolicy(attempts=1)


@dataclass(frozen=True)
class Submitted:
    """The hub's answer to a posted result (202): `accepted` is its body."""

    accepted: Accepted
    replayed: bool  # True: the hub had this result already (same key or external_id) and stored nothing new
    idempotency_key: str  # the key sent on every attempt of this call
    attempts: int

    @property
    def id(self) -> str:
        return self.accepted["id"]

    @property
    def status(self) -> str:
        return self.accepted["status"]


@dataclass(frozen=True)
class DecisionRecorded:
    """A recorded decision: `created` is False when the same decision had been recorded before (200, not 201)."""

    decision: dict[str, Any]
    created: bool


@dataclass
class _Call:
    method: str
    path: str
    params: Mapping[str, Any] | None = None
    json: Any = None
    files: Any = None
    data: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    idempotent: bool = True


class HubClient:
    """A client of one hub with one API key.

        from hris_hub_client import HubClient

        with HubClient("https://hub.example.com", api_key="hh_...") as hub:
            submitted = hub.post_result({...})
            hub.get_result(submitted.id)["status"]

    `timeout` is per attempt (seconds, or a (connect, read) pair); `retry` says when to try again (RetryPolicy);
    `signing_secret` (`whsec_...`) signs every request the Standard Webhooks way, for a hub that asks for it;
    `session` is a requests.Session to use (its adapters, proxies and certificates), closed with the client only
    when the client made it.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout: float | tuple[float, float] = 30.0,
        retry: RetryPolicy | None = None,
        signing_secret: str | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._signer = Signer(signing_secret) if signing_secret else None
        self._own_session = session is None
        self.session = session or requests.Session()
        self._api_key = api_key
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"HubClient({self.base_url!r}, api_key={'********' if self._api_key else None})"

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- probes and schemas -----------------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """GET /healthz: `{"status": "ok"}` while the hub's process answers."""
        return self._json(_Call("GET", "healthz"))

    def ready(self) -> dict[str, Any]:
        """GET /readyz: `status` is `ok` when the database is reachable and migrated, else `unavailable` with why
        (returned, not raised, and not retried: it is the answer to the question)."""
        response = self._send(_Call("GET", "readyz"), policy=NO_RETRIES, accept=(200, 503))[0]
        return response.json()

    def schema(self, name: str) -> dict[str, Any]:
        """One published JSON Schema: `interview-result`, `decision` or `canonical-document`."""
        return self._json(_Call("GET", f"api/v1/schemas/{quote(name, safe='')}.json"))

    # -- results, decisions, resumes (role ingest) ------------------------------------------------------------------

    def post_result(
        self, result: InterviewResult | Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Submitted:
        """POST /api/v1/results. Every attempt of this call sends the same Idempotency-Key (a new UUID unless given),
        so a retry after a lost answer replays the first one instead of storing the result twice."""
        key = idempotency_key or str(uuid.uuid4())
        response, attempts = self._send(
            _Call("POST", "api/v1/results", json=result, headers={"Idempotency-Key": key}), accept=(202,)
        )
        return Submitted(
            accepted=response.json(),
            replayed=response.headers.get("Idempotent-Replayed") == "true",
            idempotency_key=key,
            attempts=attempts,
        )

    def get_result(self, result_id: str) -> dict[str, Any]:
        """GET /api/v1/results/{id}: `status` (queued, scored, failed, not_scored), the latest `profile`,
        `profile_versions`, the `decision` and `sync` (per connector and event: status, attempts, last_error, ...)."""
        return self._json(_Call("GET", f"api/v1/results/{quote(result_id, safe='')}"))

    def wait_for_result(
        self,
        result_id: str,
        *,
        timeout: float = 60.0,
        interval: float = 0.5,
        done: tuple[str, ...] = ("scored", "failed", "not_scored"),
    ) -> dict[str, Any]:
        """Read the result until its status is one of `done`; TimeoutError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.get_result(result_id)
            if result.get("status") in done:
                return result
            if time.monotonic() >= deadline:
                raise TimeoutError(f"result {result_id} is still {result.get('status')!r} after {timeout:g} s")
            self._sleep(interval)

    def decide(self, result_id: str, decision: Decision | Mapping[str, Any]) -> DecisionRecorded:
        """POST /api/v1/results/{id}/decision. A hire fires `candidate.hired`. Recorded once: the same decision again
        is `created=False`, a different one raises Conflict. Safe to retry (the hub compares the decision)."""
        response, _ = self._send(
            _Call("POST", f"api/v1/results/{quote(result_id, safe='')}/decision", json=decision), accept=(200, 201)
        )
        return DecisionRecorded(decision=response.json(), created=response.status_code == 201)

    def hire(
        self,
        result_id: str,
        *,
        decided_by: str,
        employee_ids: Mapping[str, str] | None = None,
        start_date: str | None = None,
        note: str | None = None,
    ) -> DecisionRecorded:
        """Record a hire: `employee_ids` by connector name (`default` serves the others), `start_date` YYYY-MM-DD."""
        decision: dict[str, Any] = {"hired": True, "decided_by": decided_by}
        if employee_ids is not None:
            decision["employee_ids"] = dict(employee_ids)
        if start_date is not None:
            decision["start_date"] = start_date
        if note is not None:
            decision["note"] = note
        return self.decide(result_id, decision)

    def reject(self, result_id: str, *, decided_by: str, note: str | None = None) -> DecisionRecorded:
        """Record a rejection (nothing is sent to HR systems)."""
        decision: dict[str, Any] = {"hired": False, "decided_by": decided_by}
        if note is not None:
            decision["note"] = note
        return self.decide(result_id, decision)

    def upload_resume(
        self,
        candidate_external_id: str,
        file: bytes | str | os.PathLike[str] | IO[bytes],
        *,
        filename: str | None = None,
        job_code: str | None = None,
        recommend: bool = False,
    ) -> dict[str, Any]:
        """POST /api/v1/candidates/{external_id}/resumes: the file (bytes, a path or a binary file) is stored
        encrypted and parsed; with `job_code` the answer holds the match, with `recommend` every job ranked.
        Not idempotent on the hub: retried only when it cannot have been stored (see RetryPolicy)."""
        if isinstance(file, bytes | bytearray):
            content, name = bytes(file), filename or "resume"
        elif isinstance(file, str | os.PathLike):
            with open(file, "rb") as handle:
                content = handle.read()
            name = filename or os.path.basename(os.fspath(file))
        else:
            content = file.read()
            name = filename or os.path.basename(str(getattr(file, "name", "") or "resume"))
        form: dict[str, str] = {}
        if job_code is not None:
            form["job_code"] = job_code
        if recommend:
            form["recommend"] = "true"
        call = _Call(
            "POST",
            f"api/v1/candidates/{quote(candidate_external_id, safe='')}/resumes",
            files={"file": (name, content)},
            data=form,
            idempotent=False,
        )
        return self._send(call, accept=(201,))[0].json()

    def erase_candidate(self, candidate_external_id: str, *, client: str | None = None) -> dict[str, Any]:
        """DELETE /api/v1/candidates/{external_id}: erase the candidate's personal data (an admin key names the
        ingest client with `client`). The counts of what was erased."""
        return self._json(
            _Call(
                "DELETE",
                f"api/v1/candidates/{quote(candidate_external_id, safe='')}",
                params={"client": client} if client else None,
            )
        )

    # -- sync log and audit trail (role auditor or admin) -----------------------------------------------------------

    def sync_jobs(
        self,
        *,
        status: str | None = None,
        connector: str | None = None,
        candidate: str | None = None,
        event: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        page_size: int = 100,
    ) -> Iterator[dict[str, Any]]:
        """GET /api/v1/sync-jobs, newest first: every job matching the filters, page after page (each page one
        request of `page_size`, following the hub's `next` link) as the iteration asks for them."""
        params = _params(status=status, connector=connector, candidate=candidate, event=event, since=since, until=until)
        return self._items("api/v1/sync-jobs", {**params, "limit": page_size})

    def sync_job(self, job_id: str) -> dict[str, Any]:
        """GET /api/v1/sync-jobs/{id}: the job and every attempt."""
        return self._json(_Call("GET", f"api/v1/sync-jobs/{quote(job_id, safe='')}"))

    def audit(
        self,
        *,
        after: int | None = None,
        action: str | None = None,
        actor: str | None = None,
        object_type: str | None = None,
        object_id: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        page_size: int = 100,
    ) -> Iterator[dict[str, Any]]:
        """GET /api/v1/audit in chain order from `after` (the last `seq` seen): every entry matching the filters,
        page after page."""
        params = _params(
            after=after,
            action=action,
            actor=actor,
            object_type=object_type,
            object_id=object_id,
            since=since,
            until=until,
        )
        return self._items("api/v1/audit", {**params, "limit": page_size})

    # -- the machinery ----------------------------------------------------------------------------------------------

    def _items(self, path: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        url: str | None = path
        query: Mapping[str, Any] | None = params
        while url:
            page = self._json(_Call("GET", url.lstrip("/"), params=query))
            yield from page["items"]
            url, query = page.get("next"), None  # the next link carries the filters and the cursor

    def _json(self, call: _Call) -> Any:
        return self._send(call)[0].json()

    def _send(
        self, call: _Call, *, policy: RetryPolicy | None = None, accept: tuple[int, ...] = (200,)
    ) -> tuple[requests.Response, int]:
        """Send `call`, trying again as the policy says; the answer and the number of attempts made."""
        policy = policy or self.retry
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **call.headers}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = requests.Request(
            call.method,
            urljoin(self.base_url, call.path),
            params=call.params,
            json=call.json,
            files=call.files,
            data=call.data,
            headers=headers,
        )
        prepared = self.session.prepare_request(request)
        body = prepared.body.encode("utf-8") if isinstance(prepared.body, str) else prepared.body
        for attempt in range(1, policy.attempts + 1):
            if self._signer is not None:
                # A fresh id and timestamp per attempt: a hub that keeps a replay cache of ids refuses a second
                # use of one; the Idempotency-Key, the same on every attempt, is what makes the retry safe.
                prepared.headers.update(self._signer.headers(body if isinstance(body, bytes) else None))
            try:
                response = self.session.send(prepared, timeout=self.timeout, allow_redirects=False)
            except (requests.ConnectionError, requests.Timeout) as error:
                if attempt == policy.attempts or not (call.idempotent or _never_sent(error)):
                    raise errors.TransportError(
                        f"{call.method} {prepared.url}: no answer after {attempt} attempt(s): {error}",
                        attempts=attempt,
                    ) from error
                self._sleep(policy.delay(attempt, None))
                continue
            if response.status_code in accept or response.status_code < 400:
                return response, attempt
            problem = errors.from_response(
                response.status_code, response.reason or "", response.headers, response.content, attempt
            )
            retryable = response.status_code in policy.statuses and (
                call.idempotent or response.status_code in (429, 503)
            )
            too_long = problem.retry_after is not None and problem.retry_after > policy.max_delay
            if not retryable or too_long or attempt == policy.attempts:
                raise problem
            response.close()
            self._sleep(policy.delay(attempt, problem.retry_after))
        raise AssertionError("unreachable")  # the loop returns or raises on its last attempt


def _never_sent(error: Exception) -> bool:
    """True when the connection was never opened, so the hub cannot have seen the request."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError)


def _params(**values: Any) -> dict[str, Any]:
    """Query parameters without the ones left out; times as ISO 8601 (the hub wants an offset)."""
    params: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError(f"{name} needs a timezone (the hub compares times with an offset)")
            value = value.isoformat()
        params[name] = value
    return params
