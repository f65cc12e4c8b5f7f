"""The OpenAPI document covers every route, and its examples validate."""

from __future__ import annotations

import re

from jsonschema import Draft202012Validator

from hub.intake.validation import format_checker


def flask_paths(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("console."):
            continue  # the console is HTML for people, not API (docs/console.md)
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((path, method.lower()))
    return found


def test_every_route_is_documented(live):
    spec = live.request("GET", "/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    documented = {(path, method) for path, item in spec["paths"].items() for method in item if method != "parameters"}
    missing = flask_paths(live.app) - documented
    assert not missing, f"routes missing from hub/web/openapi.yaml: {sorted(missing)}"
    stale = documented - flask_paths(live.app)
    assert not stale, f"documented routes that do not exist: {sorted(stale)}"


def _resolve(spec, schema):
    while "$ref" in schema and schema["$ref"].startswith("#/components/"):
        node = spec
        for part in schema["$ref"][2:].split("/"):
            node = node[part]
        schema = node
    return schema


def test_every_example_validates(live):
    spec = live.request("GET", "/api/v1/openapi.json").json()
    checked = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            bodies = [operation.get("requestBody", {})] + list(operation.get("responses", {}).values())
            for body in bodies:
                for media in _resolve(spec, body).get("content", {}).values():
                    schema = dict(_resolve(spec, media.get("schema", {})))
                    schema["components"] = spec["components"]
                    validator = Draft202012Validator(schema, format_checker=format_checker)
                    for name, example in media.get("examples", {}).items():
                        errors = [e.message for e in validator.iter_errors(example["value"])]
                        assert not errors, f"{method.upper()} {path} example {name}: {errors}"
                        checked += 1
    assert checked >= 2


def test_posting_the_documented_example_works(live):
    spec = live.request("GET", "/api/v1/openapi.json").json()
    example = spec["paths"]["/api/v1/results"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    response = live.request("POST", "/api/v1/results", live.key(), json=example["ready-scores"]["value"])
    assert response.status_code == 202, response.text


def test_the_documented_job_statuses_are_the_stored_ones(live):
    from hub.storage.statuses import JobStatus, ResultStatus

    spec = live.request("GET", "/api/v1/openapi.json").json()
    [status] = [p for p in spec["paths"]["/api/v1/sync-jobs"]["get"]["parameters"] if p["name"] == "status"]
    assert status["schema"]["enum"] == ["", *[member.value for member in JobStatus]]  # "": every status
    accepted = spec["components"]["schemas"]["Accepted"]["properties"]["status"]["enum"]
    assert accepted == [member.value for member in ResultStatus]
