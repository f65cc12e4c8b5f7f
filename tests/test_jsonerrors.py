"""The one JSON-pointer helper and JSON Schema error formatter that the hub and the libraries share."""

from jsonschema import Draft202012Validator

import jsonerrors

SCHEMA = {
    "type": "object",
    "required": ["name", "auth"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "maxLength": 5},
        "a/b~c": {"type": "integer"},
        "auth": {"type": "object", "properties": {"password": {"type": "string", "minLength": 8}}},
        "tags": {"type": "array", "items": {"enum": ["x", "y"]}},
    },
}


def _errors(instance, **kw):
    return jsonerrors.schema_errors(Draft202012Validator(SCHEMA), instance, **kw)


def test_pointer_escapes_per_rfc_6901_and_round_trips():
    assert jsonerrors.pointer(["a/b~c", 0, "名"]) == "/a~1b~0c/0/名"
    assert jsonerrors.parts("/a~1b~0c/0/名") == ["a/b~c", "0", "名"]
    assert jsonerrors.pointer([]) == "" and jsonerrors.parts("") == []


def test_each_missing_field_at_its_own_pointer_read_from_the_schema_not_the_message():
    errors = _errors({})
    assert {"pointer": "/name", "message": "required field 'name' is missing"} in errors
    assert {"pointer": "/auth", "message": "required field 'auth' is missing"} in errors


def test_each_unknown_field_at_its_own_pointer_with_what_is_allowed():
    errors = _errors({"name": "ok", "auth": {}, "colour": 1, "size": 2})
    pointers = [e["pointer"] for e in errors]
    assert pointers == ["/colour", "/size"]
    assert "allowed here: a/b~c, auth, name, tags" in errors[0]["message"]


def test_secret_values_are_never_echoed():
    errors = _errors({"name": "ok", "auth": {"password": "hunter2"}}, secrets=["/auth/password"])
    assert errors == [{"pointer": "/auth/password", "message": errors[0]["message"]}]
    assert "hunter2" not in errors[0]["message"] and "not shown" in errors[0]["message"]


def test_order_limit_and_long_messages():
    errors = _errors({"name": "x" * 5000, "auth": {}, "tags": ["z"] * 80}, limit=10)
    assert len(errors) == 10
    assert errors[0]["pointer"] == "/name" and len(errors[0]["message"]) <= jsonerrors.MESSAGE_LIMIT
    assert errors[1]["pointer"] == "/tags/0"


def test_explain_hook_words_an_error_the_caller_knows_better():
    explained = _errors(
        {"name": 5, "auth": {}},
        explain=lambda e: [{"pointer": "/name", "message": "a short name"}] if e.validator == "type" else None,
    )
    assert explained == [{"pointer": "/name", "message": "a short name"}]
