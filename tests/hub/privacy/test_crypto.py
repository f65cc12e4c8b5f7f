"""Encryption at rest: rotation under a new key, and a clear error when a key is missing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from hub.cli import main
from hub.config import ConfigurationError, Settings, new_key_id_and_secret
from hub.privacy.crypto import KeyRing, MissingKeyError
from tests.conftest import TEST_KEY, hub_config, interview_result
from tests.support.cli import invoke


def raw_key_ids(engine) -> set[str]:
    with engine.connect() as connection:
        values = (
            connection.execute(
                text(
                    "SELECT pii FROM candidates UNION ALL SELECT payload FROM interview_results "
                    "UNION ALL SELECT data FROM profiles"
                )
            )
            .scalars()
            .all()
        )
    return {value.split(":")[1] for value in values}


def test_rotate_re_encrypts_everything_under_the_new_key(live, tmp_path, database_url):
    key = live.key()
    for _ in range(3):
        assert live.request("POST", "/api/v1/results", key, json=interview_result()).status_code == 202
    assert raw_key_ids(live.app.extensions["hub"].engine) == {"test1"}

    from hub import create_app

    new_entry = new_key_id_and_secret("k2")
    rotated_app = create_app(hub_config(tmp_path, database_url, HUB_ENCRYPTION_KEYS=f"{new_entry},{TEST_KEY}"))
    result = invoke(rotated_app, "keys", "rotate", "--batch-size", "2")
    assert result.exit_code == 0, result.output
    assert "re-encrypted" in result.output
    engine = rotated_app.extensions["hub"].engine
    assert raw_key_ids(engine) == {"k2"}

    # The old key can now go: the data reads with the new key alone.
    only_new = create_app(hub_config(tmp_path, database_url, HUB_ENCRYPTION_KEYS=new_entry))
    from sqlalchemy import select

    from hub.storage.models import Candidate

    with only_new.extensions["hub"].session_factory() as session:
        assert session.scalars(select(Candidate)).first().pii["name"] == "王小明"
    rotated_app.extensions["hub"].dispose()
    only_new.extensions["hub"].dispose()


def test_missing_key_is_a_clear_error_not_garbage():
    old = KeyRing((("old", b"\x01" * 32),))
    stored = old.encrypt(b"secret")
    new = KeyRing((("new", b"\x02" * 32),))
    with pytest.raises(MissingKeyError, match="key id 'old'.*not in HUB_ENCRYPTION_KEYS"):
        new.decrypt(stored)


@pytest.mark.parametrize(
    "value,message",
    [
        ("k1", "expected '<key id>:<base64"),
        ("k1:notbase64!!", "not valid base64"),
        ("k1:" + "QUJD", "expected 32 bytes"),
        ("", "is empty"),
    ],
)
def test_malformed_keys_stop_the_start_naming_the_variable(tmp_path, value, message):
    with pytest.raises(ConfigurationError, match=message) as caught:
        Settings.from_env({"HUB_INSTANCE_PATH": str(tmp_path), "HUB_ENCRYPTION_KEYS": value})
    assert "HUB_ENCRYPTION_KEYS" in str(caught.value)


@pytest.mark.parametrize(
    "name,value,message",
    [
        ("HUB_DATABASE_URL", "mysql://x", "must start with sqlite"),
        ("HUB_MAX_BODY_BYTES", "lots", "whole number"),
        ("HUB_LOG_LEVEL", "LOUD", "must be one of"),
        ("HUB_RETRY_SCHEDULE", "5,soon", "comma-separated seconds"),
        ("HUB_SECRET_KEY", "short", "at least 16"),
    ],
)
def test_bad_settings_name_the_variable(tmp_path, name, value, message):
    with pytest.raises(ConfigurationError, match=message) as caught:
        Settings.from_env({"HUB_INSTANCE_PATH": str(tmp_path), name: value})
    assert name in str(caught.value)


def test_embedded_default_generates_its_keys_once(tmp_path):
    first = Settings.from_env({"HUB_INSTANCE_PATH": str(tmp_path)})
    assert first.database_url == f"sqlite:///{tmp_path / 'hub.sqlite'}"
    assert len(first.generated) == 2
    assert (tmp_path / "encryption-keys").stat().st_mode & 0o777 == 0o600
    second = Settings.from_env({"HUB_INSTANCE_PATH": str(tmp_path)})
    assert second.generated == () and second.encryption_keys == first.encryption_keys


def test_cli_reports_a_bad_setting_without_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("HUB_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("HUB_DATABASE_URL", "mysql://nope")
    result = CliRunner().invoke(main, ["clients", "list"])
    assert result.exit_code != 0
    assert "HUB_DATABASE_URL" in result.output and "Traceback" not in result.output


def test_secure_cookies_setting(tmp_path):
    from hub import create_app

    assert (
        create_app(hub_config(tmp_path, f"sqlite:///{tmp_path / 'a.sqlite'}")).config["SESSION_COOKIE_SECURE"] is False
    )
    secure = create_app(hub_config(tmp_path, f"sqlite:///{tmp_path / 'a.sqlite'}", HUB_SECURE_COOKIES="true"))
    assert secure.config["SESSION_COOKIE_SECURE"] is True
    with pytest.raises(ConfigurationError, match="HUB_SECURE_COOKIES"):
        Settings.from_env({"HUB_INSTANCE_PATH": str(tmp_path), "HUB_SECURE_COOKIES": "maybe"})
