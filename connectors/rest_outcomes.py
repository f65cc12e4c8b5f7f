"""The generic REST type's outcome pull: GET pages of canonical outcome records from the target.

The target answers `GET {base_url}{path}?kind=...&since=...&cursor=...` with
`{"records": [...], "next_cursor": "..." | null}`; records are canonical (performance-review and
attendance-summary schemas) and the hub validates each one. It reuses the REST connector's session,
TLS settings and authentication, so a pull is authorised exactly as a delivery is.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import requests

from connectors.diagnostics import describe_network_error
from connectors.errors import PermanentDeliveryError, RetryableDeliveryError
from connectors.hookspecs import hookimpl
from connectors.http_status import error_for_status, is_success
from connectors.redaction import excerpt
from connectors.schema import secret_values

DEFAULT_SETTINGS = {"path": "/outcomes", "max_pages": 100, "max_page_bytes": 5_000_000, "max_records": 100_000}
KINDS = ("performance_review", "attendance_summary")


def _read_limited(response: requests.Response, limit: int, url: str) -> bytes:
    """The body, refused past `limit` bytes (read as a stream, so a huge answer is never held whole)."""
    body = bytearray()
    for chunk in response.iter_content(chunk_size=65536):
        body += chunk
        if len(body) > limit:
            response.close()
            raise PermanentDeliveryError(f"GET {url}: the answer is larger than {limit} bytes (max_page_bytes)")
    return bytes(body)


def _page(connector, url: str, params: dict, limit: int) -> dict:
    headers = {
        "Accept": "application/json",
        **connector.config["headers"],
        **connector.config["secret_headers"],
        **connector.auth.headers(),
    }
    try:
        response = connector.session.get(
            url, params=params, headers=headers, timeout=connector.timeouts, allow_redirects=False, stream=True
        )
    except requests.RequestException as exception:
        raise RetryableDeliveryError(describe_network_error(exception, url, connector.timeouts)) from exception
    body = _read_limited(response, limit, url)
    secrets = secret_values(connector.config_schema, connector.config) + connector.auth.secrets()
    if not is_success(response.status_code):
        raise error_for_status(
            response.status_code,
            response.headers,
            excerpt(body, secrets),
            None,
            target=f"GET {url}",
            now=datetime.now(UTC),
        )
    try:
        answer = json.loads(body)
    except ValueError as error:
        raise PermanentDeliveryError(f"GET {url}: the answer is not JSON ({error})") from None
    if not (isinstance(answer, dict) and isinstance(answer.get("records"), list)):
        raise PermanentDeliveryError(
            f'GET {url}: expected {{"records": [...], "next_cursor": ...}}, got {excerpt(body[:200], secrets)!r}'
        )
    cursor = answer.get("next_cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise PermanentDeliveryError(f"GET {url}: next_cursor must be a string or null")
    return answer


def fetch(connector, kinds: list[str], since: datetime | None, settings: dict | None = None) -> list:
    """Every page of outcome records of `kinds` changed since `since`, within the page and record limits."""
    options = {**DEFAULT_SETTINGS, **(settings or {})}
    url = connector.url_for(options["path"])
    records: list = []
    for kind in kinds:
        if kind not in KINDS:
            raise PermanentDeliveryError(f"unknown outcome kind {kind!r}; expected one of {list(KINDS)}")
        params = {"kind": kind, **({"since": since.isoformat()} if since else {})}
        for _ in range(options["max_pages"]):
            answer = _page(connector, url, params, options["max_page_bytes"])
            records.extend(answer["records"])
            if len(records) > options["max_records"]:
                raise PermanentDeliveryError(f"GET {url}: more than {options['max_records']} records (max_records)")
            if not answer.get("next_cursor"):
                break
            params = {**params, "cursor": answer["next_cursor"]}
        else:
            raise PermanentDeliveryError(f"GET {url}: still more pages after {options['max_pages']} (max_pages)")
    return records


@hookimpl
def hub_fetch_outcomes(connector, kinds, since, settings):
    if getattr(connector, "type_name", None) != "rest":
        return None
    return fetch(connector, list(kinds), since, settings)
