"""AES-GCM encryption at rest with key ids, so keys rotate without a flag day.

Two stored forms: `enc1:<master key id>:...` under a key of HUB_ENCRYPTION_KEYS (configuration, connector
secrets, erasure markers, data of no candidate), and `enc2:<data key id>:...` under one candidate's own data key
(crypto-shredding: hub/privacy/shredding.py). A data key is kept only in the key store, wrapped by the master key;
erasure destroys it, and every enc2 value under it, wherever a copy of it lies, can no longer be read."""

from __future__ import annotations

import base64
import json
import os
from typing import Any, Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

# Stored form: "enc1:<key id>:<base64(nonce || ciphertext+tag)>"
PREFIX = "enc1"
# Stored form under a candidate's data key: "enc2:<data key id>:<base64(nonce || ciphertext+tag)>"
CANDIDATE_PREFIX = "enc2"
# What a value under a destroyed data key reads as (a candidate's erased data).
ERASED_VALUE = {"erased": True}


class MissingKeyError(RuntimeError):
    """A stored value was encrypted with a key id that is not configured."""


class DecryptionError(RuntimeError):
    """A stored value fails authentication: it was altered or written with a different key."""


class KeyDestroyedError(DecryptionError):
    """A stored value is under a candidate data key that is no longer in the key store: the candidate was erased."""


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


def _split(stored: str, prefix: str = PREFIX) -> tuple[str, str, str]:
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] != prefix:
        raise DecryptionError("a stored value is not in the hub's encrypted format")
    return parts[0], parts[1], parts[2]


class DataKey:
    """One candidate's data key, unwrapped: seals and opens that candidate's values (`enc2:`).

    Get one with `hub.privacy.shredding.candidate_cipher(session, candidate_id)`; never log or store it."""

    __slots__ = ("key_id", "_aead")

    def __init__(self, key_id: str, key: bytes):
        self.key_id = key_id
        self._aead = AESGCM(key)

    def __repr__(self) -> str:  # never the key
        return f"DataKey({self.key_id!r})"

    def encrypt(self, plaintext: bytes) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext, self.key_id.encode())
        return f"{CANDIDATE_PREFIX}:{self.key_id}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str) -> bytes:
        _, kid, blob = _split(stored, CANDIDATE_PREFIX)
        if kid != self.key_id:
            raise DecryptionError(f"a stored value is under data key {kid!r}, not {self.key_id!r}")
        raw = base64.b64decode(blob)
        try:
            return self._aead.decrypt(raw[:12], raw[12:], kid.encode())
        except InvalidTag:
            raise DecryptionError(f"a stored value under data key {kid!r} failed authentication") from None

    def seal_json(self, value: Any) -> "Sealed":
        """A JSON value sealed for an EncryptedJSON column (e.g. in a Core `update().values(...)`)."""
        return Sealed(self.encrypt(_json_bytes(value)))

    def seal_bytes(self, value: bytes) -> "Sealed":
        """Bytes sealed for an EncryptedBytes column."""
        return Sealed(self.encrypt(value))


class Sealed(str):
    """A value already encrypted under a candidate's data key: encrypted columns store it as it is."""


def data_key_id_of(stored: str) -> str | None:
    """The data key id of an `enc2:` value, None for any other."""
    if not stored.startswith(CANDIDATE_PREFIX + ":"):
        return None
    return _split(stored, CANDIDATE_PREFIX)[1]


# The key store's lookup of a data key by id (installed by create_app, hub/privacy/shredding.py).
_data_key_lookup: Callable[[str], DataKey] | None = None


def set_data_key_lookup(lookup: Callable[[str], DataKey] | None) -> None:
    global _data_key_lookup
    _data_key_lookup = lookup


def decrypt_stored(stored: str) -> bytes:
    """Open a stored value of either form."""
    kid = data_key_id_of(stored)
    if kid is None:
        return keyring().decrypt(stored)
    if _data_key_lookup is None:
        raise RuntimeError("no key store loaded: create the app (hub.create_app) before reading candidate data")
    return _data_key_lookup(kid).decrypt(stored)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


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
        if isinstance(value, Sealed):
            return str(value)
        return keyring().encrypt(_json_bytes(value))

    def process_result_value(self, value: str | None, dialect) -> Any:
        if value is None:
            return None
        try:
            return json.loads(decrypt_stored(value))
        except KeyDestroyedError:
            return dict(ERASED_VALUE)


class EncryptedBytes(TypeDecorator):
    """A column holding bytes (e.g. an uploaded resume), stored as AES-GCM ciphertext text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: bytes | None, dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, Sealed):
            return str(value)
        return keyring().encrypt(value)

    def process_result_value(self, value: str | None, dialect) -> bytes | None:
        if value is None:
            return None
        try:
            return decrypt_stored(value)
        except KeyDestroyedError:
            return b""
