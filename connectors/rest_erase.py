"""The generic REST type's erasure (hub_erase): a DELETE to the URL the mapping's `erase:` section names."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from connectors.base import DeliveryResult
from connectors.errors import PermanentDeliveryError
from connectors.hookspecs import hookimpl
from connectors.http_status import error_for_status, is_success
from connectors.redaction import excerpt
from connectors.rest import USER_AGENT, RestConnector

# The ids a path template may name; a template naming a result's id gets one request per result.
SUBJECT_FIELDS = ("candidate_external_id", "result_id", "result_external_id", "employee_id")
PER_RESULT = ("result_id", "result_external_id")
# A target that no longer has the record has nothing left to delete.
GONE = (404, 410)


def erase_paths(template: str, subject: dict[str, Any]) -> list[str]:
    """The paths of one erasure: `template` with each {field} replaced by the URL-quoted id, one per result or
    employee id when it names them."""
    names = [name for name in SUBJECT_FIELDS if "{" + name + "}" in template]
    rows: list[dict[str, str]] = [{"candidate_external_id": subject["candidate_external_id"]}]
    if any(name in PER_RESULT for name in names):
        rows = [
            {**rows[0], "result_id": result["id"], "result_external_id": result["external_id"]}
            for result in subject.get("results", [])
        ]
    if "employee_id" in names:
        rows = [{**row, "employee_id": employee} for row in rows for employee in subject.get("employee_ids", [])]
    paths = []
    for row in rows:
        path = template
        for name in names:
            path = path.replace("{" + name + "}", quote(str(row[name]), safe=""))
        if path not in paths:
            paths.append(path)
    return paths


@hookimpl
def hub_erase(connector, subject, settings):
    if not isinstance(connector, RestConnector) or not settings or not settings.get("path"):
        return None
    method = settings.get("method", "DELETE")
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **connector.config.get("headers", {})}
    headers.update(connector.config.get("secret_headers", {}))
    headers["Idempotency-Key"] = subject["request_id"]
    results = []
    for path in erase_paths(settings["path"], subject):
        url = connector.url_for(path)
        response, latency_ms = connector._send(method, url, headers, b"")
        status = response.status_code
        if not (is_success(status) or status in GONE):
            said = excerpt(response.content, connector._secrets())
            raise error_for_status(status, response.headers, said, latency_ms, target=f"{method} {url}")
        results.append(DeliveryResult(status_code=status, latency_ms=latency_ms, response_excerpt=""))
    if not results:
        raise PermanentDeliveryError(
            f"the erase path {settings['path']!r} names ids the hub does not hold for this candidate"
        )
    return results
