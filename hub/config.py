"""Configuration: read from the environment in one place, validated at start-up."""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from connectors.destinations import DestinationPolicy
from connectors.errors import ConfigError
from mappings.catalog import Catalog, CatalogError

log = logging.getLogger(__name__)

DEFAULT_INSTANCE_PATH = "instance"
KEY_FILE_NAME = "encryption-keys"
SECRET_FILE_NAME = "secret-key"
AUDIT_SIGNING_KEY_FILE_NAME = "audit-signing-key"
AUDIT_CHECKPOINT_FILE_NAME = "audit-checkpoints.jsonl"
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed; the message names the variable and what it expects."""


# Seconds between delivery attempts (Svix's schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); then a job is dead.
DEFAULT_RETRY_SCHEDULE: tuple[float, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)


@dataclass(frozen=True)
class Settings:
    """Every setting the hub reads, with its default. Built by `Settings.from_env()`."""

    instance_path: Path
    database_url: str
    encryption_keys: tuple[tuple[str, bytes], ...]
    secret_key: str
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 10 * 1024 * 1024
    # Resumes are parsed in limited child processes (scoring_engine.resume.isolation), never in request threads.
    resume_cpu_seconds: int = 20
    resume_memory_mb: int = 768
    resume_timeout_seconds: float = 30.0
    resume_workers: int = 2
    resume_queue_seconds: float = 5.0
    log_level: str = "INFO"
    log_format: str = "json"
    retry_schedule: tuple[float, ...] = DEFAULT_RETRY_SCHEDULE
    worker_poll_seconds: float = 1.0
    lease_seconds: float = 120.0
    api_key_cache_seconds: float = 5.0  # API key lookups cached this long: a revocation elsewhere holds within it
    scoring_use_embeddings: bool | None = None
    policy: str = "default"
    jobs_dir: Path | None = None
    # The operator's notices to candidates (YAML), beside the shipped ones (hub/rights/notices.py).
    notices_dir: Path | None = None
    # Days a candidate not hired is kept after their latest interview (hris-hub candidates retention; records).
    retention_days: int | None = None
    secure_cookies: bool = False
    breaker_threshold: int = 5
    breaker_cooldown: float = 60.0
    # The Ed25519 seed (32 bytes) that signs audit checkpoints: never stored in the database.
    audit_signing_key: bytes | None = field(default=None, repr=False)
    audit_checkpoint_file: Path | None = None
    audit_checkpoint_minutes: float = 60.0
    # Where connectors may connect and which local files they may use (connectors/destinations.py).
    destinations: DestinationPolicy = field(default_factory=DestinationPolicy)
    # The mappings and policies connectors may name: presets plus HUB_MAPPING_DIRS / HUB_POLICY_DIRS.
    catalog: Catalog = field(default_factory=Catalog)
    generated: tuple[str, ...] = field(default=())
    # Crypto-shredding (hub/privacy/keystore.py): where candidates' wrapped data keys live, apart from the data, and
    # how long an unwrapped key may stay in memory for reads.
    key_store_url: str = ""
    key_cache_seconds: float = 60.0

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def resume_limits(self):
        """The hard limits of one isolated resume parse."""
        from scoring_engine.resume.isolation import Limits

        return Limits(
            cpu_seconds=self.resume_cpu_seconds,
            memory_bytes=self.resume_memory_mb * 1024 * 1024,
            wall_seconds=self.resume_timeout_seconds,
            workers=self.resume_workers,
            queue_seconds=self.resume_queue_seconds,
        )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, overrides: dict | None = None) -> "Settings":
        """Read `HUB_*` variables; generate local key files for the embedded default when unset."""
        env = dict(os.environ if environ is None else environ)
        overrides = dict(overrides or {})
        for key, value in list(overrides.items()):
            if key.startswith("HUB_"):
                env[key] = str(value)
                overrides.pop(key)

        instance_path = Path(env.get("HUB_INSTANCE_PATH") or DEFAULT_INSTANCE_PATH).resolve()
        generated: list[str] = []
        database_url = env.get("HUB_DATABASE_URL") or f"sqlite:///{instance_path / 'hub.sqlite'}"
        if not env.get("HUB_DATABASE_URL"):  # the default database lives in the instance folder: make it
            instance_path.mkdir(parents=True, exist_ok=True)
        _check_database_url(database_url)

        raw_keys = env.get("HUB_ENCRYPTION_KEYS")
        if raw_keys is None:
            raw_keys, made = _local_secret(instance_path / KEY_FILE_NAME, _new_key_spec)
            if made:
                generated.append(f"encryption key file {instance_path / KEY_FILE_NAME}")
        keys = parse_encryption_keys(raw_keys)

        secret_key = env.get("HUB_SECRET_KEY")
        if secret_key is None:
            secret_key, made = _local_secret(instance_path / SECRET_FILE_NAME, lambda: secrets.token_urlsafe(48))
            if made:
                generated.append(f"session secret file {instance_path / SECRET_FILE_NAME}")
        if len(secret_key) < 16:
            raise ConfigurationError("HUB_SECRET_KEY must be at least 16 characters (a long random string)")

        raw_signing_key = env.get("HUB_AUDIT_SIGNING_KEY")
        # Unset: generated into the instance folder on first use (audit_signing_seed), not at every start.
        audit_signing_key = parse_signing_key(raw_signing_key) if raw_signing_key is not None else None

        values = dict(
            instance_path=instance_path,
            database_url=database_url,
            encryption_keys=keys,
            secret_key=secret_key,
            max_body_bytes=_int(env, "HUB_MAX_BODY_BYTES", 1024 * 1024, minimum=1024),
            max_upload_bytes=_int(env, "HUB_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024),
            resume_cpu_seconds=_int(env, "HUB_RESUME_CPU_SECONDS", 20, minimum=1),
            resume_memory_mb=_int(env, "HUB_RESUME_MEMORY_MB", 768, minimum=128),
            resume_timeout_seconds=_float(env, "HUB_RESUME_TIMEOUT_SECONDS", 30.0, minimum=1.0),
            resume_workers=_int(env, "HUB_RESUME_WORKERS", 2, minimum=1),
            resume_queue_seconds=_float(env, "HUB_RESUME_QUEUE_SECONDS", 5.0, minimum=0.0),
            log_level=_choice(env, "HUB_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
            log_format=_choice(env, "HUB_LOG_FORMAT", "json", ("json", "text")),
            retry_schedule=_schedule(env.get("HUB_RETRY_SCHEDULE")),
            # PostgreSQL wakes idle workers with NOTIFY, so its poll is only a fallback; SQLite has no such
            # signal, and its idle check is two indexed reads of a local file.
            worker_poll_seconds=_float(
                env, "HUB_WORKER_POLL_SECONDS", 0.2 if database_url.startswith("sqlite") else 1.0, minimum=0.05
            ),
            lease_seconds=_float(env, "HUB_LEASE_SECONDS", 120.0, minimum=1.0),
            api_key_cache_seconds=_float(env, "HUB_API_KEY_CACHE_SECONDS", 5.0, minimum=0.0),
            scoring_use_embeddings=_tristate(env, "HUB_SCORING_EMBEDDINGS"),
            secure_cookies=_tristate(env, "HUB_SECURE_COOKIES") is True,
            jobs_dir=Path(env["HUB_JOBS_DIR"]).resolve() if env.get("HUB_JOBS_DIR") else instance_path / "jobs",
            notices_dir=_folder(env, "HUB_NOTICES_DIR"),
            retention_days=_int(env, "HUB_RETENTION_DAYS", None, minimum=1),
            breaker_threshold=_int(env, "HUB_BREAKER_THRESHOLD", 5, minimum=1),
            breaker_cooldown=_float(env, "HUB_BREAKER_COOLDOWN", 60.0, minimum=0.1),
            audit_signing_key=audit_signing_key,
            audit_checkpoint_file=Path(
                env.get("HUB_AUDIT_CHECKPOINT_FILE") or instance_path / AUDIT_CHECKPOINT_FILE_NAME
            ).resolve(),
            audit_checkpoint_minutes=_float(env, "HUB_AUDIT_CHECKPOINT_MINUTES", 60.0, minimum=0.0),
            generated=tuple(generated),
            key_store_url=_key_store_url(env, database_url),
            key_cache_seconds=_float(env, "HUB_KEY_CACHE_SECONDS", 60.0, minimum=0.0),
        )
        values.update(_targets(env))
        values.update(overrides)
        return cls(**values)


def _folder(env, name) -> Path | None:
    """One absolute folder, or None when unset."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    if not os.path.isabs(raw):
        raise ConfigurationError(f"{name} must be an absolute path, got {raw!r}")
    return Path(raw)


def _paths(env, name) -> list[str]:
    """Folders separated like PATH (so a folder may contain a comma or a space); each must be absolute."""
    folders = [item for item in (env.get(name) or "").split(os.pathsep) if item.strip()]
    for folder in folders:
        if not os.path.isabs(folder):
            raise ConfigurationError(f"{name} entry {folder!r} must be an absolute path")
    return folders


def _targets(env) -> dict:
    """The destination policy, the catalog of mappings and policies, and the default policy's name."""
    try:
        destinations = DestinationPolicy.from_settings(
            env.get("HUB_ALLOWED_DESTINATIONS"),
            _tristate(env, "HUB_ALLOW_PLAIN_HTTP") is True,
            _paths(env, "HUB_WSDL_ROOTS"),
            _paths(env, "HUB_CSV_ROOTS"),
            source="the hub's settings",
        )
    except ConfigError as error:
        raise ConfigurationError(str(error)) from None
    mapping_dirs = [Path(folder) for folder in _paths(env, "HUB_MAPPING_DIRS")]
    policy_dirs = [Path(folder) for folder in _paths(env, "HUB_POLICY_DIRS")]
    policy = env.get("HUB_POLICY") or "default"
    if policy.endswith(".yaml"):
        # An operator's setting may still name a policy file: its folder joins the catalog, the file is named.
        file = Path(policy).resolve()
        policy_dirs.insert(0, file.parent)
        policy = file.stem
    catalog = Catalog.from_dirs(mapping_dirs, policy_dirs)
    try:
        catalog.path_of(policy, "policy")
    except CatalogError as error:
        raise ConfigurationError(f"HUB_POLICY: {error}") from None
    return {"destinations": destinations, "catalog": catalog, "policy": policy}


def parse_encryption_keys(raw: str) -> tuple[tuple[str, bytes], ...]:
    """Parse `kid:<base64 32 bytes>,kid2:...`; the first key encrypts, all decrypt."""
    keys: list[tuple[str, bytes]] = []
    seen: set[str] = set()
    for position, item in enumerate(part.strip() for part in raw.split(",") if part.strip()):
        kid, sep, encoded = item.partition(":")
        where = f"HUB_ENCRYPTION_KEYS entry {position + 1}"
        if not sep or not _KEY_ID.match(kid):
            raise ConfigurationError(
                f"{where}: expected '<key id>:<base64 of 32 random bytes>' with a key id of letters, digits, '.', '_' or '-'"
            )
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ConfigurationError(f"{where} (key id {kid!r}): the key is not valid base64") from None
        if len(key) != 32:
            raise ConfigurationError(f"{where} (key id {kid!r}): expected 32 bytes (AES-256), got {len(key)}")
        if kid in seen:
            raise ConfigurationError(f"{where}: key id {kid!r} appears twice")
        seen.add(kid)
        keys.append((kid, key))
    if not keys:
        raise ConfigurationError("HUB_ENCRYPTION_KEYS is empty: expected at least one '<key id>:<base64 key>'")
    return tuple(keys)


def parse_signing_key(raw: str) -> bytes:
    """HUB_AUDIT_SIGNING_KEY: the base64 of 32 random bytes (an Ed25519 private key's seed)."""
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigurationError(
            "HUB_AUDIT_SIGNING_KEY must be the base64 of 32 random bytes "
            "(e.g. `openssl rand -base64 32`); it is not valid base64"
        ) from None
    if len(key) != 32:
        raise ConfigurationError(f"HUB_AUDIT_SIGNING_KEY must be the base64 of 32 bytes, got {len(key)} bytes")
    return key


def audit_signing_seed(settings: Settings) -> bytes:
    """The checkpoint signing key: HUB_AUDIT_SIGNING_KEY, or the instance folder's file, made on first use."""
    if settings.audit_signing_key is not None:
        return settings.audit_signing_key
    path = settings.instance_path / AUDIT_SIGNING_KEY_FILE_NAME
    raw, made = _local_secret(path, lambda: base64.b64encode(secrets.token_bytes(32)).decode())
    if made:
        log.warning(
            "first use: generated the audit signing key file %s; back it up apart from the database "
            "(checkpoints are verified with it)",
            path,
        )
    try:
        return parse_signing_key(raw)
    except ConfigurationError as error:
        raise ConfigurationError(f"{path}: {error}") from None


def new_key_id_and_secret(kid: str | None = None) -> str:
    """A fresh `kid:<base64>` entry for HUB_ENCRYPTION_KEYS."""
    kid = kid or "k" + secrets.token_hex(3)
    return f"{kid}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def _new_key_spec() -> str:
    return new_key_id_and_secret("local1")


def _local_secret(path: Path, make) -> tuple[str, bool]:
    """Read a generated secret from the instance folder, creating it (mode 0600) on first start."""
    if path.exists():
        return path.read_text().strip(), False
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    # Written whole to a private temporary file, then linked into place: another process starting at the
    # same moment either wins the link (and we read its secret) or finds the complete file.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(value + "\n")
        os.link(temporary, path)
    except FileExistsError:
        return path.read_text().strip(), False
    finally:
        os.unlink(temporary)
    return value, True


def _key_store_url(env, database_url: str) -> str:
    """HUB_KEY_STORE_URL, or beside an SQLite database (`hub.sqlite` -> `hub.keys.sqlite`), or the PostgreSQL one."""
    url = env.get("HUB_KEY_STORE_URL")
    if url:
        if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", url):
            raise ConfigurationError(
                f"HUB_KEY_STORE_URL must start with sqlite:/// or postgresql:// (got a URL with scheme {url.split(':', 1)[0]!r})"
            )
        if url == database_url and url.startswith("sqlite"):
            raise ConfigurationError(
                "HUB_KEY_STORE_URL must not be the SQLite database itself: a copy of the file would hold the keys"
            )
        return url
    if database_url.startswith("sqlite"):
        path = database_url.split(":///", 1)[1]
        root, ext = os.path.splitext(path)
        return f"sqlite:///{root}.keys{ext or '.sqlite'}"
    return database_url


def _check_database_url(url: str) -> None:
    if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", url):
        raise ConfigurationError(
            f"HUB_DATABASE_URL must start with sqlite:/// or postgresql:// (got a URL with scheme {url.split(':', 1)[0]!r})"
        )


def _number(env, name, default, minimum, kind=float):
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        expected = "a whole number" if kind is int else "a number"
        raise ConfigurationError(f"{name} must be {expected}, got {raw!r}") from None
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, got {value}")
    return value


def _int(env, name, default, minimum):
    return _number(env, name, default, minimum, kind=int)


def _float(env, name, default, minimum):
    return _number(env, name, default, minimum)


def _choice(env, name, default, choices):
    value = (env.get(name) or default).upper() if name.endswith("LEVEL") else (env.get(name) or default)
    if value not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _tristate(env, name):
    raw = (env.get(name) or "auto").lower()
    if raw in ("auto", ""):
        return None
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{name} must be auto, true or false, got {raw!r}")


def _schedule(raw: str | None) -> tuple[float, ...]:
    if not raw:
        return DEFAULT_RETRY_SCHEDULE
    try:
        values = tuple(float(part) for part in raw.split(","))
    except ValueError:
        raise ConfigurationError(
            f"HUB_RETRY_SCHEDULE must be comma-separated seconds between attempts, e.g. 5,300,1800; got {raw!r}"
        ) from None
    if not values or any(v < 0 for v in values):
        raise ConfigurationError("HUB_RETRY_SCHEDULE must list at least one delay, none negative")
    return values
