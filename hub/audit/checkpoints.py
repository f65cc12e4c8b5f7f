"""Signed checkpoints: the chain's head (seq, hash, count, time) signed with a key the database does not hold.

A hash chain alone proves only that its entries agree with each other: someone who can write the
database can delete the last entries, or rewrite history and recompute every hash, and the chain
still verifies. A checkpoint pins the head at a moment with an Ed25519 signature made with a key kept
outside the database, and a copy of each checkpoint goes to an append-only file outside it too.
`verify` then sees a chain that lost entries a checkpoint saw (truncation) or whose entries no longer
hash to what was signed (recomputation), and checkpoint rows deleted from the database (via the file).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hub.audit import chain
from hub.config import audit_signing_seed
from hub.errors import InvalidInput
from hub.storage.db import transaction
from hub.storage.models import AuditCheckpoint, AuditEntry, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Signer:
    """The checkpoint key: signs with the private half; anyone with the public half can check."""

    private_key: Ed25519PrivateKey

    @classmethod
    def from_seed(cls, seed: bytes) -> Signer:
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def for_settings(cls, settings) -> Signer:
        """The hub's key: HUB_AUDIT_SIGNING_KEY, or the instance folder's key file (made on first use)."""
        return cls.from_seed(audit_signing_seed(settings))

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private_key.sign(message)).decode()


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint of the public key, so a checkpoint says which key signed it."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


def public_key_text(public_key: Ed25519PublicKey) -> str:
    return base64.b64encode(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A public key as `hris-hub audit public-key` prints it (base64 of 32 bytes)."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            "the public key must be the base64 of 32 bytes, as `hris-hub audit public-key` prints it",
            title="Not an Ed25519 public key",
        ) from None


@dataclass(frozen=True)
class Checkpoint:
    """What a checkpoint states; the same whether read from the database or from the exported file."""

    seq: int
    head_hash: str
    count: int
    at: datetime
    key_id: str
    signature: str

    def message(self) -> bytes:
        """The bytes signed: canonical JSON of the statement (never the signature or key id)."""
        return signed_message(self.seq, self.head_hash, self.count, self.at)

    def as_dict(self) -> dict:
        return {
            "seq": self.seq,
            "hash": self.head_hash,
            "count": self.count,
            "at": self.at.isoformat(timespec="microseconds"),
            "key_id": self.key_id,
            "signature": self.signature,
        }

    @classmethod
    def from_row(cls, row: AuditCheckpoint) -> Checkpoint:
        return cls(row.seq, row.head_hash, row.entry_count, row.created_at, row.key_id, row.signature)


def signed_message(seq: int, head_hash: str, count: int, at: datetime) -> bytes:
    return json.dumps(
        {"seq": seq, "hash": head_hash, "count": count, "at": at.isoformat(timespec="microseconds")},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def is_valid(checkpoint: Checkpoint, public_key: Ed25519PublicKey) -> bool:
    if checkpoint.key_id != key_id(public_key):
        return False
    try:
        public_key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.message())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


# --- writing ----------------------------------------------------------------------------------------------


def write(
    factory: sessionmaker[Session], signer: Signer, export_file: Path | None, *, skip_unchanged: bool = False
) -> tuple[Checkpoint, bool]:
    """Sign the current head and store it, then append it to the export file (an OSError there leaves
    the checkpoint stored: the next one is exported).

    Returns (checkpoint, written). With `skip_unchanged`, when nothing was appended since the last
    checkpoint that one is returned and nothing is written, so a periodic writer on an idle hub adds no rows.
    """
    with transaction(factory) as session:
        head = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
        seq, head_hash = (head.seq, head.hash) if head else (0, chain.GENESIS_HASH)
        last = session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))
        if (
            skip_unchanged
            and last is not None
            and last.seq == seq
            and last.head_hash == head_hash
            and last.key_id == signer.key_id
        ):
            return Checkpoint.from_row(last), False
        count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        at = utcnow()
        checkpoint = Checkpoint(
            seq, head_hash, count, at, signer.key_id, signer.sign(signed_message(seq, head_hash, count, at))
        )
        session.add(
            AuditCheckpoint(
                seq=seq,
                head_hash=head_hash,
                entry_count=count,
                created_at=at,
                key_id=checkpoint.key_id,
                signature=checkpoint.signature,
            )
        )
    if export_file is not None:
        export(checkpoint, export_file)
    return checkpoint, True


def export(checkpoint: Checkpoint, path: Path) -> None:
    """Append one JSON line and sync it to disk; the file is only ever appended to."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(checkpoint.as_dict(), sort_keys=True) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def write_for(state) -> Checkpoint | None:
    """Write a checkpoint with the hub's settings; for schedulers, which log instead of raising."""
    try:
        checkpoint, written = write(
            state.session_factory,
            Signer.for_settings(state.settings),
            state.settings.audit_checkpoint_file,
            skip_unchanged=True,
        )
    except Exception:
        log.exception("writing the audit checkpoint failed; the next run tries again")
        return None
    if written:
        log.info("audit checkpoint at entry %d (%d entries)", checkpoint.seq, checkpoint.count)
    return checkpoint


def read_file(path: Path) -> list[Checkpoint]:
    """The checkpoints of an exported file; a line that is not one is refused, naming its line number."""
    checkpoints = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InvalidInput(f"no checkpoint file at {path}", title="Checkpoint file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(
            f"{path} cannot be read as text: {error.__class__.__name__}", title="Checkpoint file unreadable"
        ) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            checkpoints.append(
                Checkpoint(
                    int(item["seq"]),
                    str(item["hash"]),
                    int(item["count"]),
                    datetime.fromisoformat(item["at"]),
                    str(item["key_id"]),
                    str(item["signature"]),
                )
            )
        except (ValueError, KeyError, TypeError):
            raise InvalidInput(
                f'{path} line {number}: expected a checkpoint {{"seq", "hash", "count", "at", "key_id", "signature"}}',
                title="Not a checkpoint file",
            ) from None
    return checkpoints


# --- verifying --------------------------------------------------------------------------------------------


@dataclass
class CheckpointReport:
    """The chain's own check plus what the checkpoints say about it; each kind of finding kept apart."""

    chain: chain.VerifyReport
    checkpoints: int = 0
    forged: list[str] = field(default_factory=list)  # signature does not verify under the hub's key
    truncated: list[str] = field(default_factory=list)  # entries a checkpoint saw are gone from the end
    rewritten: list[str] = field(default_factory=list)  # an entry no longer has the hash that was signed
    rows_missing: list[str] = field(default_factory=list)  # in the file, not in the database

    @property
    def ok(self) -> bool:
        return self.chain.ok and not (self.forged or self.truncated or self.rewritten or self.rows_missing)


def verify(
    session: Session,
    public_keys: list[Ed25519PublicKey],
    file_checkpoints: list[Checkpoint] | None = None,
) -> CheckpointReport:
    """Verify the chain, then every checkpoint (database and file) against it.

    `public_keys`: the current key first, then any retired ones whose checkpoints are still to be trusted.
    """
    keys = {key_id(public_key): public_key for public_key in public_keys}
    report = CheckpointReport(chain.verify(session))
    stored = [Checkpoint.from_row(row) for row in session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id))]
    in_database = set(stored)
    only_in_file = [c for c in dict.fromkeys(file_checkpoints or []) if c not in in_database]
    head = session.execute(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)).scalar() or 0
    count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    report.checkpoints = len(stored) + len(only_in_file)
    trusted = []
    for checkpoint in stored + only_in_file:
        where = f"checkpoint of {checkpoint.at.isoformat()} (entry {checkpoint.seq}, {checkpoint.count} entries)"
        signer_key = keys.get(checkpoint.key_id)
        if signer_key is None or not is_valid(checkpoint, signer_key):
            report.forged.append(
                f"{where}: its signature does not verify under this hub's key(s) "
                f"({', '.join(keys)}): forged, altered or signed by another key"
            )
            continue
        trusted.append(checkpoint)
        if checkpoint in only_in_file:
            report.rows_missing.append(f"{where}: in the file but not in the database (checkpoint rows were deleted)")
        if checkpoint.seq == 0:
            continue
        entry_hash = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == checkpoint.seq))
        if entry_hash is None and checkpoint.seq > head:
            report.truncated.append(
                f"{where}: the chain now ends at entry {head}; "
                f"{checkpoint.seq - head} or more entries were deleted from its end"
            )
        elif entry_hash is None:
            report.truncated.append(f"{where}: entry {checkpoint.seq} is missing")
        elif entry_hash != checkpoint.head_hash:
            report.rewritten.append(
                f"{where}: entry {checkpoint.seq} no longer has the signed hash; "
                "history up to it was rewritten and the hashes recomputed"
            )
    if trusted:
        latest = max(trusted, key=lambda c: (c.count, c.seq))
        if latest.count > count and not report.truncated:
            report.truncated.append(
                f"the checkpoint of {latest.at.isoformat()} counted {latest.count} entries; "
                f"the chain now holds {count}: entries were deleted"
            )
    return report
