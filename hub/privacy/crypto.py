"""AES-GCM encryption at rest with key ids, so keys rotate without a flag day."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

# Stored form: "enc1:<key id>:<base64(nonce || ciphertext+tag)>"
PREFIX = "enc1"


class MissingKeyError(RuntimeError):
    """A stored value was encrypted with a key id that is not configured."""


class DecryptionError(RuntimeError):
    """A stored value fails authentication: it was altered or written with a different key."""


class KeyRing:
    """The configured keys; the first one encrypts, every one decrypts."""

    def __init__(self, keys: tuple[tuple[str, bytes], ...]):
        self.primary_id = keys[0][0]
        self._aead = {kid: AESGCM(key) for kid, key in keys}

    @property
    def key_ids(self) -> list[str]:
        return list(self._aead)

    def encrypt(self, plaintext: bytes) -> str:
        nonce = os.urandom(12)
        sealed = self._aead[self.primary_id].encrypt(nonce, plaintext, self.primary_id.encode())
        return f"{PREFIX}:{self.primary_id}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str) -> bytes:
        prefix, kid, blob = _split(stored)
        aead = self._aead.get(kid)
        if aead is None:
            raise MissingKeyError(
                f"a stored value was encrypted with key id {kid!r}, which is not in HUB_ENCRYPTION_KEYS "
                f"(configured: {', '.join(self._aead)}); add that key back to read it"
            )
        raw = base64.b64decode(blob)
        try:
            return aead.decrypt(raw[:12], raw[12:], kid.encode())
        except InvalidTag:
            raise DecryptionError(
                f"a stored value under key id {kid!r} failed authentication (altered or wrong key)"
            ) from None

    def key_id_of(self, stored: str) -> str:
        return _split(stored)[1]


def _split(stored: str) -> tuple[str, str, str]:
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("a stored value is not in the hub's encrypted format")
    return parts[0], parts[1], parts[2]


_keyring: KeyRing | None = None


def set_keyring(keyring: KeyRing) -> None:
    """Install the process-wide keyring (done by `create_app`)."""
    global _keyring
    _keyring = keyring


def keyring() -> KeyRing:
    if _keyring is None:
        raise RuntimeError(
            "no encryption keys loaded: create the app (hub.create_app) before touching encrypted columns"
        )
    return _keyring


class EncryptedJSON(TypeDecorator):
    """A column holding any JSON value, stored as AES-GCM ciphertext text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> str | None:
        if value is None:
            return None
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        return keyring().encrypt(data)

    def process_result_value(self, value: str | None, dialect) -> Any:
        if value is None:
            return None
        return json.loads(keyring().decrypt(value))


class EncryptedBytes(TypeDecorator):
    """A column holding bytes (e.g. an uploaded resume), stored as AES-GCM ciphertext text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: bytes | None, dialect) -> str | None:
        return None if value is None else keyring().encrypt(value)

    def process_result_value(self, value: str | None, dialect) -> bytes | None:
        return None if value is None else keyring().decrypt(value)
