"""Feishu tenant_access_token and WeCom access_token flows, and their response rules, against loopback fakes."""

from __future__ import annotations

import json
import threading

import pytest

from connectors.errors import PermanentDeliveryError, RetryableDeliveryError
from connectors.plugins import create_connector
from connectors.schema import MASK, mask_secrets
from mappings import load_mapping, sample_document
from tests.support.fake_vendors import (
    FEISHU_SHIFTS_PATH,
    WECOM_CHECKIN_PATH,
    FakeFeishu,
    FakeWecom,
)


@pytest.fixture
def feishu():
    with FakeFeishu() as server:
        yield server


@pytest.fixture
def wecom():
    with FakeWecom() as server:
        yield server


def preset_payload(name: str) -> dict:
    [payload] = load_mapping(name).render(sample_document())
    return payload


def feishu_connector(server, **auth):
    return create_connector(
        "rest",
        {
            "base_url": server.url,
            "auth": {
                "type": "feishu_tenant_access_token",
                "app_id": server.app_id,
                "app_secret": server.app_secret,
                **auth,
            },
        },
    )


def wecom_connector(server, **auth):
    return create_connector(
        "rest",
        {
            "base_url": server.url,
            "auth": {"type": "wecom_access_token", "corpid": server.app_id, "corpsecret": server.app_secret, **auth},
        },
    )


# ---- Feishu ----------------------------------------------------------------------------------------------------


def test_feishu_token_is_fetched_once_and_sent_as_bearer(feishu, make_context):
    payload = preset_payload("feishu-shift")
    with feishu_connector(feishu) as connector:
        first = connector.deliver(payload, make_context())
        connector.deliver(payload, make_context())
    assert feishu.token_fetches == 1
    assert first.status_code == 200 and '"code": 0' in first.response_excerpt
    tokens = {call["token"] for call in feishu.calls}
    assert len(tokens) == 1 and next(iter(tokens)).startswith("t-")
    assert feishu.calls[0]["body"]["shift_name"] == payload["body"]["shift_name"]


def test_feishu_token_revoked_early_is_refreshed_once_and_the_call_retried(feishu, make_context):
    payload = preset_payload("feishu-shift")
    with feishu_connector(feishu) as connector:
        connector.deliver(payload, make_context())
        feishu.expire_tokens()
        result = connector.deliver(payload, make_context())
    assert result.status_code == 200
    assert feishu.token_fetches == 2
    # First delivery, then the refused call with the old token, then the retry with the new one.
    first, refused, retried = (call["token"] for call in feishu.calls)
    assert first == refused != retried


def test_feishu_token_is_refreshed_before_it_expires(feishu, make_context):
    now = [1000.0]
    payload = preset_payload("feishu-shift")
    with feishu_connector(feishu, refresh_before_seconds=300) as connector:
        connector.auth.clock = lambda: now[0]
        connector.deliver(payload, make_context())
        now[0] += 7200 - 301  # still 301 s left: the cached token is used
        connector.deliver(payload, make_context())
        assert feishu.token_fetches == 1
        now[0] += 2  # within 300 s of expiry: a new token before sending, no refused call
        connector.deliver(payload, make_context())
    assert feishu.token_fetches == 2
    assert [call["token"] for call in feishu.calls][1] != [call["token"] for call in feishu.calls][2]
    assert len(feishu.calls) == 3


def test_feishu_token_refused_even_when_fresh_is_permanent(feishu, make_context):
    refused = (400, 99991663, "Invalid access token for authorization.")
    feishu.fail_next(FEISHU_SHIFTS_PATH, refused, refused)
    with feishu_connector(feishu) as connector, pytest.raises(PermanentDeliveryError) as raised:
        connector.deliver(preset_payload("feishu-shift"), make_context())
    assert "code 99991663 (Invalid access token for authorization.)" in str(raised.value)
    assert "freshly fetched token was refused too" in str(raised.value)
    assert feishu.token_fetches == 2 and len(feishu.calls) == 2


def test_feishu_wrong_app_secret_is_permanent_and_never_shows_the_secret(feishu, make_context):
    connector = feishu_connector(feishu, app_secret="not-the-secret")
    with connector, pytest.raises(PermanentDeliveryError) as raised:
        connector.deliver(preset_payload("feishu-shift"), make_context())
    message = str(raised.value)
    assert "code 10014: app secret invalid" in message and "auth/app_secret" in message
    assert "not-the-secret" not in message + raised.value.response_excerpt
    assert feishu.calls == []


def test_feishu_rate_limit_is_retryable(feishu, make_context):
    feishu.fail_next(FEISHU_SHIFTS_PATH, (400, 99991400, "request trigger frequency limit"))
    with feishu_connector(feishu) as connector, pytest.raises(RetryableDeliveryError) as raised:
        connector.deliver(preset_payload("feishu-shift"), make_context())
    assert "code 99991400 (request trigger frequency limit); will retry" in str(raised.value)


def test_feishu_http_200_with_a_business_error_is_not_delivered(feishu, make_context):
    feishu.fail_next(FEISHU_SHIFTS_PATH, (200, 1220001, "param is invalid: punch_time_rule"))
    with feishu_connector(feishu) as connector, pytest.raises(PermanentDeliveryError) as raised:
        connector.deliver(preset_payload("feishu-shift"), make_context())
    assert raised.value.status_code == 200
    assert "code 1220001 (param is invalid: punch_time_rule); not retried" in str(raised.value)
    assert '"code": 1220001' in raised.value.response_excerpt


# ---- WeCom -----------------------------------------------------------------------------------------------------


def test_wecom_token_goes_in_the_query_and_is_masked_in_previews(wecom, make_context):
    payload = preset_payload("wecom-checkin-rule")
    with wecom_connector(wecom) as connector:
        result = connector.deliver(payload, make_context())
        prepared = connector.prepare(payload, make_context())
        token = connector.auth.current()
    assert result.status_code == 200
    [call] = wecom.calls
    assert call["query"] == {"access_token": token} and token.startswith("wx-")
    assert call["body"] == payload["body"]
    assert prepared.url == f"{wecom.url}{WECOM_CHECKIN_PATH}?access_token=********"
    assert token not in json.dumps(prepared.__dict__)


def test_wecom_expired_token_is_refreshed_once_and_the_call_retried(wecom, make_context):
    payload = preset_payload("wecom-checkin-rule")
    with wecom_connector(wecom) as connector:
        connector.deliver(payload, make_context())
        wecom.expire_tokens()
        connector.deliver(payload, make_context())
    assert wecom.token_fetches == 2
    first, refused, retried = (call["query"]["access_token"] for call in wecom.calls)
    assert first == refused and refused in wecom.expired and retried in wecom.valid


@pytest.mark.parametrize(
    "errcode,message", [(-1, "system busy"), (45009, "api freq out of limit"), (6000, "data version conflict")]
)
def test_wecom_busy_and_rate_limits_are_retryable(wecom, make_context, errcode, message):
    wecom.fail_next(WECOM_CHECKIN_PATH, (200, errcode, message))
    with wecom_connector(wecom) as connector, pytest.raises(RetryableDeliveryError) as raised:
        connector.deliver(preset_payload("wecom-checkin-rule"), make_context())
    assert f"errcode {errcode} ({message}); will retry" in str(raised.value)
    assert raised.value.status_code == 200


def test_wecom_http_200_with_errcode_is_permanent_with_the_vendors_message(wecom, make_context):
    wecom.fail_next(WECOM_CHECKIN_PATH, (200, 40058, "invalid Request Parameter, hint: [grouptype]"))
    with wecom_connector(wecom) as connector, pytest.raises(PermanentDeliveryError) as raised:
        connector.deliver(preset_payload("wecom-checkin-rule"), make_context())
    assert "errcode 40058 (invalid Request Parameter, hint: [grouptype]); not retried" in str(raised.value)
    assert len(wecom.calls) == 1


def test_without_a_rule_http_200_is_delivered_as_before(wecom, make_context):
    payload = {key: value for key, value in preset_payload("wecom-checkin-rule").items() if key != "response"}
    wecom.fail_next(WECOM_CHECKIN_PATH, (200, 40058, "invalid Request Parameter"))
    with wecom_connector(wecom) as connector:
        assert connector.deliver(payload, make_context()).status_code == 200


def test_a_connectors_rule_overrides_the_mappings(wecom, make_context):
    wecom.fail_next(WECOM_CHECKIN_PATH, (200, 40058, "invalid Request Parameter"))
    connector = create_connector(
        "rest",
        {
            "base_url": wecom.url,
            "response_rule": {"code": "/errcode", "retryable": [40058]},
            "auth": {"type": "wecom_access_token", "corpid": wecom.app_id, "corpsecret": wecom.app_secret},
        },
    )
    with connector, pytest.raises(RetryableDeliveryError):
        connector.deliver(preset_payload("wecom-checkin-rule"), make_context())


def test_wecom_one_token_for_many_threads(wecom, make_context):
    payload = preset_payload("wecom-checkin-rule")
    errors = []
    with wecom_connector(wecom) as connector:

        def deliver():
            try:
                connector.deliver(payload, make_context())
            except Exception as error:  # noqa: BLE001 - collected for the assertion
                errors.append(error)

        threads = [threading.Thread(target=deliver) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert errors == [] and wecom.token_fetches == 1 and len(wecom.calls) == 6


def test_wecom_secret_and_token_never_show_in_errors_or_config(make_context):
    # Nothing listens on this port: requests quotes the whole URL, query string and all, in its message.
    connector = create_connector(
        "rest",
        {
            "base_url": "http://127.0.0.1:9",
            "auth": {"type": "wecom_access_token", "corpid": "ww-corp", "corpsecret": "corp-secret-value"},
        },
    )
    with connector, pytest.raises(RetryableDeliveryError) as raised:
        connector.deliver(preset_payload("wecom-checkin-rule"), make_context())
    assert "corp-secret-value" not in str(raised.value)
    assert "WeCom access_token endpoint" in str(raised.value)
    masked = mask_secrets(connector.config_schema, connector.config)
    assert masked["auth"]["corpsecret"] == MASK and masked["auth"]["corpid"] == "ww-corp"


def test_wecom_wrong_corpsecret_is_permanent(wecom, make_context):
    with (
        wecom_connector(wecom, corpsecret="wrong-secret") as connector,
        pytest.raises(PermanentDeliveryError) as raised,
    ):
        connector.deliver(preset_payload("wecom-checkin-rule"), make_context())
    assert "errcode 40001: invalid credential" in str(raised.value)
    assert "wrong-secret" not in str(raised.value)


def test_vendor_auth_types_need_their_credentials():
    from connectors.errors import ConfigError

    with pytest.raises(ConfigError) as raised:
        create_connector(
            "rest", {"base_url": "https://qyapi.weixin.qq.com", "auth": {"type": "wecom_access_token", "corpid": "ww"}}
        )
    assert raised.value.errors[0]["pointer"] == "/auth/corpsecret"
