"""Bad input the database, the cipher or the JSON parser cannot take is a 4xx problem naming what and where,
never a 500, on the real server over loopback, on SQLite and PostgreSQL; and nothing stored before is touched."""

from __future__ import annotations

import json

import pytest

from tests.conftest import interview_result

PROBLEM = "application/problem+json"


def post_text(live, path: str, key: str, text: str):
    """Send JSON text as it is (json= would re-encode it): lone surrogates travel as \\u escapes."""
    return live.request("POST", path, key, data=text.encode("utf-8"), headers={"Content-Type": "application/json"})


def refused(response, status: int, slug: str, pointer: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["type"].endswith("/" + slug), body
    pointers = [item["pointer"] for item in body.get("errors", [])]
    assert pointer in pointers, body
    return body


@pytest.fixture
def stored(live):
    """A result with a decision, stored before the bad input arrives, and what reading it answered then."""
    key = live.key("ingest")
    accepted = live.request("POST", "/api/v1/results", key, json=interview_result())
    assert accepted.status_code == 202, accepted.text
    link = accepted.json()["links"]["self"]
    decided = live.request(
        "POST", link + "/decision", key, json={"hired": True, "decided_by": "李经理 hr.li@example.com"}
    )
    assert decided.status_code == 201, decided.text
    return {"key": key, "link": link, "view": live.request("GET", link, key).json()}


def assert_untouched(live, stored):
    again = live.request("GET", stored["link"], stored["key"])
    assert again.status_code == 200 and again.json() == stored["view"]
    from hub.audit import chain

    session = live.app.extensions["hub"].session_factory()
    try:
        assert chain.verify(session).ok
    finally:
        session.close()


# JSON numbers -----------------------------------------------------------------------------------------------


def _with_number(literal: str) -> str:
    document = interview_result()
    text = json.dumps(document, ensure_ascii=False)
    return text.replace('"teamwork": 70', f'"teamwork": {literal}')


NUMBERS = [
    ("7" * 5000, "64-bit"),  # over Python's 4,300-digit limit: was a ValueError, a 500
    ("-" + "9" * 4301, "64-bit"),
    (str(2**64), "64-bit"),  # fits no integer column
    ("1e400", "too large"),  # parses to inf, which JSON columns cannot hold
    ("NaN", "not a JSON value"),  # Python's json accepts it; JSON does not
    ("-Infinity", "not a JSON value"),
]


def test_numbers_no_column_can_hold_are_refused_at_their_pointer(live, stored):
    for literal, says in NUMBERS:
        response = post_text(live, "/api/v1/results", stored["key"], _with_number(literal))
        body = refused(response, 422, "validation-failed", "/scores/dimensions/teamwork")
        assert says in body["errors"][0]["message"], (literal, body)
        assert len(response.text) < 2000, "the answer must not echo a 5,000-digit number"
    assert_untouched(live, stored)


def test_a_number_inside_an_array_names_its_index(live, stored):
    text = json.dumps(
        interview_result(answers=[{"question_id": "q1", "text": "我负责过一个销售团队", "language": "zh"}])
    )
    text = text[:-1] + ', "extra": [1, 2, ' + "1" * 30 + "]}"
    refused(post_text(live, "/api/v1/results", stored["key"], text), 422, "validation-failed", "/extra/2")


# Strings: NUL and lone surrogates ---------------------------------------------------------------------------

STRINGS = [
    ("external_id", "iv-\\ud800-2026", "/external_id"),  # was a UnicodeEncodeError, a 500
    ("candidate", {"external_id": "wx-1", "name": "王\\udc00明"}, "/candidate/name"),
    ("candidate", {"external_id": "wx-1", "name": "Wang\\u0000Ming"}, "/candidate/name"),
    ("answers", [{"question_id": "q1", "text": "I led a team\\u0000 of five", "language": "en"}], "/answers/0/text"),
    (
        "answers",
        [{"question_id": "q1", "text": "我带过团队", "language": "zh"}, {"question_id": "q\\udbff"}],
        "/answers/1/question_id",
    ),
]


def test_nul_and_lone_surrogates_in_a_result_are_refused_at_their_pointer(live, stored):
    for field, value, pointer in STRINGS:
        document = interview_result(**{field: "PLACEHOLDER"})
        text = json.dumps(document, ensure_ascii=False).replace('"PLACEHOLDER"', json.dumps(value, ensure_ascii=False))
        text = text.replace("\\\\u", "\\u")  # json.dumps escaped our backslashes; the hub must see the escapes
        body = refused(post_text(live, "/api/v1/results", stored["key"], text), 422, "validation-failed", pointer)
        message = body["errors"][0]["message"]
        assert "NUL" in message or "surrogate" in message, body
    assert_untouched(live, stored)


def test_a_member_name_with_nul_is_refused_with_the_name_escaped(live, stored):
    text = json.dumps(interview_result(), ensure_ascii=False)[:-1] + ', "bad\\u0000key": 1}'
    body = refused(post_text(live, "/api/v1/results", stored["key"], text), 422, "validation-failed", "/bad\\u0000key")
    assert "member name" in body["errors"][0]["message"]


def test_nul_in_decided_by_is_refused(live, stored):
    fresh = live.request("POST", "/api/v1/results", stored["key"], json=interview_result()).json()["links"]["self"]
    for decided_by in ("hr.li\\u0000@example.com", "李\\u0000经理", "hr\\udfff"):
        text = '{"hired": true, "decided_by": "' + decided_by + '"}'
        refused(post_text(live, fresh + "/decision", stored["key"], text), 422, "validation-failed", "/decided_by")
    # The refusals stored nothing: the first real decision is still the one recorded.
    assert live.request("GET", fresh, stored["key"]).json()["decision"] is None
    assert (
        live.request(
            "POST", fresh + "/decision", stored["key"], json={"hired": False, "decided_by": "hr.li"}
        ).status_code
        == 201
    )
    assert_untouched(live, stored)


def test_nul_in_an_admin_document_is_refused(live):
    admin = live.key("admin")
    text = (
        '{"name": "hr-rest", "type": "rest", "mapping": "generic-rest", "events": ["candidate.hired"], '
        '"config": {"base_url": "https://hris.example.com/\\u0000"}}'
    )
    refused(post_text(live, "/api/v1/connectors", admin, text), 422, "validation-failed", "/config/base_url")
    refused(
        post_text(live, "/api/v1/sync-jobs/replay", admin, '{"connector": "sf\\ud83d"}'),
        422,
        "validation-failed",
        "/connector",
    )


# Path parameters --------------------------------------------------------------------------------------------

ROUTES = [
    ("GET", "/api/v1/results/{}", "ingest", "result_id"),
    ("POST", "/api/v1/results/{}/decision", "ingest", "result_id"),
    ("DELETE", "/api/v1/candidates/{}", "ingest", "external_id"),
    ("GET", "/api/v1/sync-jobs/{}", "admin", "job_id"),
    ("POST", "/api/v1/sync-jobs/{}/replay", "admin", "job_id"),
    ("GET", "/api/v1/connectors/{}", "admin", "name"),
    ("PATCH", "/api/v1/connectors/{}", "admin", "name"),
    ("POST", "/api/v1/connectors/{}/check", "admin", "name"),
]


@pytest.mark.parametrize(
    "value, says",
    [
        ("x" * 201, "201 characters"),  # PostgreSQL: longer than the varchar the id is stored in
        ("候选人" * 70, "210 characters"),
        ("wx%00openid", "NUL"),  # PostgreSQL refuses NUL in text
        ("a%01b", "U+0001"),
        ("line%0Abreak", "U+000A"),
        ("%C2%85next", "U+0085"),  # a C1 control
    ],
)
def test_path_parameters_no_id_can_equal_are_refused(live, stored, value, says):
    keys = {"ingest": stored["key"], "admin": live.key("admin")}
    for method, template, role, parameter in ROUTES:
        response = live.request(method, template.format(value), keys[role], json={"hired": True, "decided_by": "hr"})
        body = refused(response, 400, "bad-path-parameter", "{" + parameter + "}")
        assert says in body["detail"] and parameter in body["detail"], (method, template, body)
    assert_untouched(live, stored)


@pytest.mark.parametrize("value", ["y" * 201, "张%00三"])
def test_a_resume_for_an_impossible_candidate_id_is_refused_and_stores_nothing(live, stored, value):
    response = live.request(
        "POST",
        f"/api/v1/candidates/{value}/resumes",
        stored["key"],
        files={"file": ("cv.txt", "张三\n销售经理，五年经验\nzhang.san@example.com".encode())},
    )
    refused(response, 400, "bad-path-parameter", "{external_id}")
    from hub.storage.models import Resume

    session = live.app.extensions["hub"].session_factory()
    try:
        assert session.query(Resume).count() == 0
    finally:
        session.close()


def test_a_path_parameter_of_200_characters_is_looked_up(live, stored):
    response = live.request("GET", "/api/v1/results/" + "r" * 200, stored["key"])
    assert response.status_code == 404 and response.json()["type"].endswith("/not-found")


# Query values, form fields, file names -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, pointer",
    [
        ("/api/v1/audit?actor=hr%00li", "?actor"),
        ("/api/v1/audit?object_id=%ED%A0%80", None),  # invalid UTF-8 is decoded to U+FFFD by the server: no fault
        ("/api/v1/sync-jobs?connector=sf%00", "?connector"),
        ("/api/v1/sync-jobs?candidate=%E5%BC%A0%00", "?candidate"),
        ("/api/v1/connectors?x%00=1", "?x\\u0000"),
    ],
)
def test_nul_in_a_query_value_is_refused(live, path, pointer):
    response = live.request("GET", path, live.key("admin"))
    if pointer is None:
        assert response.status_code == 200, response.text
    else:
        refused(response, 400, "bad-query", pointer)


@pytest.mark.parametrize(
    "query, pointer",
    [
        ("after=%C2%B2", "?after"),  # "²".isdigit() is True, int("²") a ValueError: was a 500
        ("after=" + "9" * 5000, "?after"),  # over the 4,300-digit limit: was a 500
        ("after=9223372036854775808", "?after"),  # past SQLite's INTEGER: was a 500
        ("after=2147483648", "?after"),  # past PostgreSQL's INTEGER: was a 500 there
        ("after=-1", "?after"),
        ("limit=%D9%A3", "?limit"),  # Arabic-Indic three
        ("until=9999-12-31T23:59:59-23:59", "?until"),  # past year 9999 in UTC: was an OverflowError
        ("since=0001-01-01T00:00:00%2B23:59", "?since"),
    ],
)
def test_numbers_and_times_in_queries_are_read_safely(live, query, pointer):
    refused(live.request("GET", "/api/v1/audit?" + query, live.key("auditor")), 400, "bad-query", pointer)


def test_empty_time_filters_are_no_bound(live):
    auditor = live.key("auditor")
    for path in ("/api/v1/audit?since=&until=", "/api/v1/sync-jobs?since=&until=&status="):
        response = live.request("GET", path, auditor)
        assert response.status_code == 200, response.text


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body written by hand: clients percent-encode control characters in file names, a hostile
    sender does not."""
    boundary = "hub-test-boundary-7d1f"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: text/plain\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    "fields, filename, pointer",
    [
        ({"job_code": "SALES\x00REP"}, "cv.txt", "job_code"),
        ({}, "简历\x00.txt", "file (its file name)"),
    ],
)
def test_nul_in_a_multipart_field_or_file_name_is_refused(live, stored, fields, filename, pointer):
    body, content_type = multipart(fields, filename, "李雷\nSales manager, 5 years\nli.lei@example.com".encode())
    response = live.request(
        "POST", "/api/v1/candidates/wx-1/resumes", stored["key"], data=body, headers={"Content-Type": content_type}
    )
    refused(response, 422, "validation-failed", pointer)


@pytest.mark.parametrize("content", [b"(\xb1\ro", "简历".encode("utf-16-le") + b"\r\n"])
def test_text_charset_detection_naming_utf16_is_no_500(live, stored, content):
    """charset-normalizer names such bytes utf_16_le; the hub once turned that into "utf16le", no codec: a 500."""
    response = live.request(
        "POST", "/api/v1/candidates/wx-utf16/resumes", stored["key"], files={"file": ("cv.txt", content)}
    )
    assert response.status_code in (201, 415, 422), response.text


def test_method_not_allowed_says_which_are(live):
    response = live.request("PUT", "/api/v1/results", live.key())
    assert response.status_code == 405 and response.headers["Content-Type"].startswith(PROBLEM)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST"}
