"""`hris-hub compliance records` and `dpia`: drafts generated from the configuration, as Markdown and JSON: the
connectors with what they send where and a cross-border flag each, retention per data type, the notices."""

from __future__ import annotations

import json

import pytest

from hub.rights.processing import country_of, fields_sent
from tests.conftest import hub_config
from tests.hub.delivery_support import add_rest_connector
from tests.support.cli import invoke


@pytest.mark.parametrize(
    "where, country",
    [
        ("https://api.hris.example.cn/v1", "CN"),
        ("https://hr.example.de", "DE"),
        ("http://10.1.2.3:8080", "CN"),
        ("http://127.0.0.1:9000", "CN"),
        ("/var/exports/hr", "CN"),
        ("https://api.successfactors.com", None),
    ],
)
def test_the_destination_country_is_derived_only_where_the_address_says(where, country):
    assert country_of(where, "CN")[0] == country


def test_records_list_connectors_fields_cross_border_and_retention(app, hub_state, tmp_path):
    add_rest_connector(hub_state, "hr-home", "http://127.0.0.1:9/")
    add_rest_connector(hub_state, "hr-us", "http://127.0.0.1:9/", settings={"destination_country": "US"})
    add_rest_connector(hub_state, "hr-flagged", "http://127.0.0.1:9/", settings={"cross_border": True})
    done = invoke(app, "compliance", "records", "--format", "json", "--retention-days", "180")
    assert done.exit_code == 0, done.output
    record = json.loads(done.output)
    by_name = {r["connector"]: r for r in record["recipients"]}
    assert by_name["hr-home"]["cross_border"] is False and by_name["hr-home"]["destination"] == "127.0.0.1"
    assert by_name["hr-us"]["cross_border"] is True and by_name["hr-us"]["cross_border_basis"].endswith(
        "destination_country"
    )
    assert by_name["hr-flagged"]["cross_border"] is True
    assert sorted(record["cross_border_transfers"]) == ["hr-flagged", "hr-us"]
    sent = by_name["hr-home"]["fields_sent"]
    assert sent == fields_sent(hub_state.settings, "generic-rest") and {
        "candidate.name",
        "candidate.email",
        "profile.overall",
    } <= set(sent)
    assert "candidate.hired" not in sent  # an event name, not a field
    retention = {d["type"]: d["retention"] for d in record["data_types"]}
    assert "180 days" in retention["candidate identity"] and "180 days" in retention["human reviews"]
    assert "kept" in retention["audit trail"]
    assert {(n["jurisdiction"], n["language"]) for n in record["notices"]} >= {("CN", "zh"), ("US-IL", "en")}
    markdown = invoke(app, "compliance", "records")
    assert markdown.exit_code == 0
    assert "# Record of processing activities (draft)" in markdown.output
    assert "| hr-us | rest | yes |" in markdown.output and "| US | yes |" in markdown.output


def test_the_dpia_draft_names_transfers_and_open_questions(app, hub_state, tmp_path):
    add_rest_connector(hub_state, "hr-us", "http://127.0.0.1:9/", settings={"destination_country": "US"})
    out = tmp_path / "dpia.md"
    done = invoke(app, "compliance", "dpia", "--output", str(out))
    assert done.exit_code == 0, done.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# DPIA / PIPIA draft") and "transfers found: hr-us" in text
    assert "## Open questions for the employer" in text
    assert "no retention limit configured" in text  # neither --retention-days nor HUB_RETENTION_DAYS
    as_json = json.loads(invoke(app, "compliance", "dpia", "--format", "json").output)
    assert as_json["kind"] == "DPIA / PIPIA draft" and as_json["risks"]


def test_retention_days_come_from_the_setting(tmp_path, database_url):
    from hub import create_app
    from hub.storage.migrate import upgrade

    app = create_app(hub_config(tmp_path, database_url, HUB_RETENTION_DAYS="90"))
    try:
        upgrade(app.extensions["hub"].engine)
        record = json.loads(invoke(app, "compliance", "records", "--format", "json").output)
        assert "90 days" in record["data_types"][0]["retention"]
        dry = invoke(app, "candidates", "retention", "--dry-run")
        assert dry.exit_code == 0 and "past 90 days" in dry.output
    finally:
        app.extensions["hub"].dispose()


def test_retention_without_days_or_setting_says_what_to_give(app):
    done = invoke(app, "candidates", "retention", "--dry-run")
    assert done.exit_code == 2 and "HUB_RETENTION_DAYS" in done.output
