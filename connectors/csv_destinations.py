"""Where CSV export files are committed: a local folder (atomic rename) or an SFTP server (upload .part, rename).

Each committed file `<name>` has a manifest `<name>.manifest.json` beside it (row count, sha256, job ids). The data
file's rename is the commit; the manifests are how a re-run learns which jobs were already delivered.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import os
import pathlib
import posixpath
import socket
import stat
import tempfile
import uuid

import paramiko

from connectors.base import CheckResult
from connectors.destinations import DestinationPolicy, DestinationRefused, create_guarded_connection, default_policy
from connectors.errors import ConfigError, PermanentDeliveryError, RetryableDeliveryError

logger = logging.getLogger(__name__)

MANIFEST_SUFFIX = ".manifest.json"
PART_SUFFIX = ".part"


def manifest_name(file_name: str) -> str:
    return file_name + MANIFEST_SUFFIX


def encode_manifest(manifest: dict) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


class Destination:
    """Common bookkeeping: manifests already read are remembered (they never change once committed)."""

    def __init__(self):
        self._manifests: dict[str, dict] = {}

    def delivered_job_ids(self) -> dict[str, str]:
        """Job id -> file name, for every job a committed manifest lists."""
        delivered: dict[str, str] = {}
        for name in self._manifest_names():
            if name not in self._manifests:
                manifest = self._read_manifest(name)
                if manifest is None:
                    continue
                self._manifests[name] = manifest
            for job_id in self._manifests[name].get("job_ids", []):
                delivered[job_id] = self._manifests[name]["file"]
        return delivered

    def _read_manifest(self, name: str) -> dict | None:
        try:
            return json.loads(self._read(name))
        except (ValueError, OSError) as error:
            # An unreadable manifest is not ours (or was damaged); it must not stop deliveries.
            logger.warning("ignoring manifest %s: %s", self.url(name), error)
            return None

    def _manifest_names(self) -> list[str]:
        raise NotImplementedError

    def _read(self, name: str) -> bytes:
        raise NotImplementedError

    def url(self, name: str) -> str:
        raise NotImplementedError


class FolderDestination(Destination):
    """A local (or mounted) folder; files appear whole, by rename from a hidden temporary file."""

    def __init__(self, config: dict, policy: DestinationPolicy | None = None):
        super().__init__()
        self.folder = pathlib.Path(config["path"])
        self.refusal = (policy or default_policy()).csv_folder_refusal(config["path"])
        if self.refusal is None:
            # Written through its real path, so a symlink swapped in later does not move the exports.
            self.folder = pathlib.Path(os.path.realpath(config["path"]))

    def _admitted(self) -> None:
        if self.refusal is not None:
            raise DestinationRefused(f"destination refused: {self.refusal}")

    def url(self, name: str) -> str:
        return (self.folder / name).resolve().as_uri()

    def _manifest_names(self) -> list[str]:
        self._admitted()
        if not self.folder.is_dir():
            raise RetryableDeliveryError(f"export folder {self.folder} does not exist or is not mounted")
        return sorted(path.name for path in self.folder.glob("*" + MANIFEST_SUFFIX))

    def _read(self, name: str) -> bytes:
        return (self.folder / name).read_bytes()

    def _write_atomically(self, name: str, content: bytes) -> None:
        temporary = self.folder / f".{name}.{uuid.uuid4().hex}.tmp"
        try:
            with open(temporary, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.folder / name)
        finally:
            temporary.unlink(missing_ok=True)

    def commit(self, name: str, content: bytes, manifest: dict, staging_dir: pathlib.Path | None = None) -> bool:
        """Write the file then its manifest; False when the file was already committed (not rewritten)."""
        self._admitted()
        try:
            if (self.folder / name).exists():
                if not (self.folder / manifest_name(name)).exists():
                    self._write_atomically(manifest_name(name), encode_manifest(manifest))
                return False
            self._write_atomically(name, content)
            self._write_atomically(manifest_name(name), encode_manifest(manifest))
            _fsync_directory(self.folder)
        except PermissionError as error:
            raise PermanentDeliveryError(f"no permission to write in export folder {self.folder}: {error}") from error
        except OSError as error:
            raise RetryableDeliveryError(f"writing to export folder {self.folder} failed: {error}") from error
        return True

    def check(self) -> CheckResult:
        if self.refusal is not None:
            return CheckResult(False, f"destination refused: {self.refusal}")
        if not self.folder.is_dir():
            return CheckResult(False, f"export folder {self.folder} does not exist (or is not a folder)")
        try:
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".hris-hub-check-"):
                pass
        except OSError as error:
            return CheckResult(False, f"cannot write in export folder {self.folder}: {error}")
        return CheckResult(True, f"export folder {self.folder} is writable")

    def close(self) -> None:
        """Nothing held open."""


def _fsync_directory(folder: pathlib.Path) -> None:
    # Makes the renames durable; not every platform can open a directory.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def parse_host_key(text: str, pointer: str) -> paramiko.PKey:
    """A public host key from a known_hosts-style line '<type> <base64>' (host names before it are skipped)."""
    fields = text.split()
    for index in range(len(fields) - 1):
        try:
            return paramiko.PKey.from_type_string(fields[index], base64.b64decode(fields[index + 1]))
        except (paramiko.SSHException, ValueError, TypeError):
            continue
    raise ConfigError(f"{pointer}: not a public key line like 'ssh-ed25519 AAAA...'", pointer=pointer)


def parse_private_key(text: str, passphrase: str | None, pointer: str) -> paramiko.PKey:
    """A private key from PEM/OpenSSH text, whatever its algorithm."""
    for key_class in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return key_class.from_private_key(io.StringIO(text), password=passphrase)
        except (paramiko.SSHException, ValueError):
            continue
    raise ConfigError(f"{pointer}: not a readable private key (or wrong passphrase)", pointer=pointer)


class SftpDestination(Destination):
    """A folder on an SFTP server; each file is uploaded as .part and renamed into place."""

    def __init__(self, config: dict, policy: DestinationPolicy | None = None):
        super().__init__()
        self.destination_policy = policy or default_policy()
        self.host = config["host"]
        self.port = config["port"]
        self.username = config["username"]
        self.password = config.get("password")
        self.remote_dir = config["remote_dir"]
        self.timeout = float(config["timeout"])
        self.host_key = parse_host_key(config["host_key"], "/destination/host_key")
        self.private_key = None
        if config.get("private_key"):
            self.private_key = parse_private_key(
                config["private_key"], config.get("private_key_passphrase"), "/destination/private_key"
            )
        self._transport: paramiko.Transport | None = None
        self._sftp: paramiko.SFTPClient | None = None

    def url(self, name: str) -> str:
        return f"sftp://{self.username}@{self.host}:{self.port}/{posixpath.join(self.remote_dir, name).lstrip('/')}"

    def _path(self, name: str) -> str:
        return posixpath.join(self.remote_dir, name)

    def _connect(self) -> paramiko.SFTPClient:
        if self._sftp is not None:
            return self._sftp
        # Every address the host resolves to passes the destination policy before it is connected to.
        sock = create_guarded_connection(self.destination_policy, (self.host, self.port), timeout=self.timeout)
        transport = paramiko.Transport(sock)
        transport.banner_timeout = transport.auth_timeout = self.timeout
        try:
            # Passing hostkey makes paramiko refuse a server whose key differs: no trust on first use.
            transport.connect(
                hostkey=self.host_key, username=self.username, password=self.password, pkey=self.private_key
            )
            sftp = paramiko.SFTPClient.from_transport(transport)
            sftp.get_channel().settimeout(self.timeout)
        except BaseException:
            transport.close()
            raise
        self._transport, self._sftp = transport, sftp
        return sftp

    def _manifest_names(self) -> list[str]:
        return sorted(name for name in self._connect().listdir(self.remote_dir) if name.endswith(MANIFEST_SUFFIX))

    def _read(self, name: str) -> bytes:
        with self._connect().open(self._path(name), "rb") as handle:
            return handle.read()

    def _exists(self, name: str) -> bool:
        try:
            self._connect().stat(self._path(name))
        except FileNotFoundError:
            return False
        return True

    def _upload(self, name: str, local_file: pathlib.Path) -> None:
        sftp = self._connect()
        part = self._path(name + PART_SUFFIX)
        sftp.put(str(local_file), part, confirm=True)
        sftp.posix_rename(part, self._path(name))

    def delivered_job_ids(self) -> dict[str, str]:
        with self._errors_classified():
            return super().delivered_job_ids()

    def commit(self, name: str, content: bytes, manifest: dict, staging_dir: pathlib.Path | None = None) -> bool:
        """Upload the file then its manifest; False when the file was already committed (not re-uploaded)."""
        staging = pathlib.Path(staging_dir or tempfile.gettempdir()) / "csv-staging"
        staging.mkdir(parents=True, exist_ok=True)
        data_file, manifest_file = staging / name, staging / manifest_name(name)
        data_file.write_bytes(content)
        manifest_file.write_bytes(encode_manifest(manifest))
        try:
            with self._errors_classified():
                if self._exists(name):
                    if not self._exists(manifest_name(name)):
                        self._upload(manifest_name(name), manifest_file)
                    return False
                self._upload(name, data_file)
                self._upload(manifest_name(name), manifest_file)
                return True
        finally:
            data_file.unlink(missing_ok=True)
            manifest_file.unlink(missing_ok=True)

    @contextlib.contextmanager
    def _errors_classified(self):
        try:
            yield
        except (RetryableDeliveryError, PermanentDeliveryError):
            raise
        except Exception as error:
            self.close()  # a connection that failed is not reused
            classified = _classify_sftp_error(error, self)
            if classified is None:
                raise
            raise classified from error

    def check(self) -> CheckResult:
        try:
            with self._errors_classified():
                attributes = self._connect().stat(self.remote_dir)
        except (RetryableDeliveryError, PermanentDeliveryError) as error:
            return CheckResult(False, str(error))
        finally:
            self.close()
        if not _is_directory(attributes):
            return CheckResult(False, f"{self.url('')} is not a folder")
        return CheckResult(
            True, f"logged in to {self.host}:{self.port} as {self.username}; {self.remote_dir} is reachable"
        )

    def close(self) -> None:
        if self._sftp is not None:
            self._sftp.close()
        if self._transport is not None:
            self._transport.close()
        self._sftp = self._transport = None


def _is_directory(attributes) -> bool:
    return attributes.st_mode is not None and stat.S_ISDIR(attributes.st_mode)


def _classify_sftp_error(error: BaseException, destination: SftpDestination) -> Exception | None:
    """Credentials, host key and permissions are permanent; network trouble is retryable; None: not ours."""
    where = f"{destination.host}:{destination.port}"
    if isinstance(error, paramiko.AuthenticationException):
        return PermanentDeliveryError(
            f"SFTP {where} refused the login of {destination.username!r}: "
            "check destination/username, password or private_key"
        )
    if isinstance(error, paramiko.BadHostKeyException) or "Bad host key" in str(error):
        return PermanentDeliveryError(
            f"SFTP {where} presented a host key other than destination/host_key: "
            "verify the server's key before changing the config"
        )
    if isinstance(error, PermissionError):
        return PermanentDeliveryError(f"SFTP {where}: permission denied in {destination.remote_dir}: {error}")
    if isinstance(error, ConnectionRefusedError):
        return RetryableDeliveryError(f"connection to SFTP {where} refused: is the server running, is the port right?")
    if isinstance(error, socket.gaierror):
        return RetryableDeliveryError(f"cannot resolve SFTP host {destination.host!r}")
    if isinstance(error, (OSError, EOFError, paramiko.SSHException)):
        return RetryableDeliveryError(f"SFTP {where} failed: {type(error).__name__}: {error}")
    return None
