"""A real SFTP server on 127.0.0.1 (paramiko) serving a local folder, for connector and hub tests.

Usage::

    from tests.support.sftp_server import SftpServer

    with SftpServer(root=tmp_path / "sftp", username="hr", password="pw") as server:   # host key generated
        server.port, server.host_key_line          # 'ecdsa-sha2-nistp256 AAAA...' for the client's known host key
        server.operations                          # [("open", "/out/a.csv.part", "w"), ("rename", old, new), ...]
        server.fail_renames = True                 # every rename answers SFTP failure (upload left as .part)
    # after stop() connections are refused

Paths are confined to `root`; the client sees it as "/". Password and/or public-key (`authorized_key`) logins.
Each connection runs on paramiko's own transport thread; the server methods and `operations` are thread-safe.
"""

from __future__ import annotations

import os
import pathlib
import posixpath
import socket
import threading

import paramiko
from paramiko import SFTPAttributes, SFTPHandle, SFTPServer, SFTPServerInterface


class _Login(paramiko.ServerInterface):
    def __init__(self, server: SftpServer):
        self.server = server

    def get_allowed_auths(self, username):
        return "password,publickey"

    def check_auth_password(self, username, password):
        if username == self.server.username and password == self.server.password:
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_auth_publickey(self, username, key):
        authorized = self.server.authorized_key
        if username == self.server.username and authorized is not None and key == authorized:
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_channel_request(self, kind, chanid):
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


class _Handle(SFTPHandle):
    def stat(self):
        try:
            return SFTPAttributes.from_stat(os.fstat(self.readfile.fileno()))
        except OSError as error:
            return SFTPServer.convert_errno(error.errno)


def _errno_result(function):
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except OSError as error:
            return SFTPServer.convert_errno(error.errno)

    return wrapper


class _FolderInterface(SFTPServerInterface):
    """The SFTP operations, on files under the server's root."""

    def __init__(self, channel_server, *args, sftp_server: SftpServer, **kwargs):
        super().__init__(channel_server, *args, **kwargs)
        self.sftp_server = sftp_server

    def canonicalize(self, path):
        return posixpath.normpath("/" + path.lstrip("/"))

    def _local(self, path) -> str:
        virtual = self.canonicalize(path).lstrip("/")
        return str(self.sftp_server.root / virtual) if virtual else str(self.sftp_server.root)

    @_errno_result
    def list_folder(self, path):
        local = self._local(path)
        return [SFTPAttributes.from_stat(os.stat(os.path.join(local, name)), name) for name in os.listdir(local)]

    @_errno_result
    def stat(self, path):
        return SFTPAttributes.from_stat(os.stat(self._local(path)))

    @_errno_result
    def lstat(self, path):
        return SFTPAttributes.from_stat(os.lstat(self._local(path)))

    @_errno_result
    def open(self, path, flags, attr):
        local = self._local(path)
        descriptor = os.open(local, flags, 0o644)
        if flags & os.O_WRONLY:
            mode, kind = ("ab" if flags & os.O_APPEND else "wb"), "w"
        elif flags & os.O_RDWR:
            mode, kind = ("a+b" if flags & os.O_APPEND else "r+b"), "rw"
        else:
            mode, kind = "rb", "r"
        self.sftp_server._record("open", self.canonicalize(path), kind)
        handle = _Handle(flags)
        handle.filename = local
        handle.readfile = handle.writefile = os.fdopen(descriptor, mode)
        return handle

    @_errno_result
    def remove(self, path):
        self.sftp_server._record("remove", self.canonicalize(path))
        os.remove(self._local(path))
        return paramiko.SFTP_OK

    def _rename(self, operation, old, new, replace):
        self.sftp_server._record(operation, self.canonicalize(old), self.canonicalize(new))
        if self.sftp_server.fail_renames:
            return paramiko.SFTP_FAILURE
        if not replace and os.path.exists(self._local(new)):
            return paramiko.SFTP_FAILURE
        os.replace(self._local(old), self._local(new))
        return paramiko.SFTP_OK

    @_errno_result
    def rename(self, oldpath, newpath):
        return self._rename("rename", oldpath, newpath, replace=False)

    @_errno_result
    def posix_rename(self, oldpath, newpath):
        return self._rename("posix_rename", oldpath, newpath, replace=True)

    @_errno_result
    def mkdir(self, path, attr):
        os.mkdir(self._local(path))
        return paramiko.SFTP_OK

    @_errno_result
    def rmdir(self, path):
        os.rmdir(self._local(path))
        return paramiko.SFTP_OK

    def chattr(self, path, attr):
        return paramiko.SFTP_OK


class SftpServer:
    """SFTP over SSH on 127.0.0.1, port chosen by the OS; see the module docstring."""

    def __init__(
        self,
        root: pathlib.Path,
        username: str = "hr",
        password: str | None = "secret",
        host_key: paramiko.PKey | None = None,
        authorized_key: paramiko.PKey | None = None,
        host: str = "127.0.0.1",
    ):
        self.root = pathlib.Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.username = username
        self.password = password
        self.host_key = host_key or paramiko.ECDSAKey.generate()
        self.authorized_key = authorized_key
        self.host = host
        self.port: int | None = None
        self.fail_renames = False
        self._lock = threading.Lock()
        self._operations: list[tuple] = []
        self._transports: list[paramiko.Transport] = []
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None

    @property
    def host_key_line(self) -> str:
        """The host key as a known_hosts entry without the host: '<type> <base64>'."""
        return f"{self.host_key.get_name()} {self.host_key.get_base64()}"

    @property
    def operations(self) -> list[tuple]:
        with self._lock:
            return list(self._operations)

    def _record(self, *operation) -> None:
        with self._lock:
            self._operations.append(operation)

    def start(self):
        """Listen and accept connections in a daemon thread; returns self."""
        self._listener = socket.create_server((self.host, 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(
            target=self._accept, args=(self._listener,), name=f"SftpServer:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                connection, _address = listener.accept()
            except OSError:
                return  # listener closed by stop()
            transport = paramiko.Transport(connection)
            transport.add_server_key(self.host_key)
            transport.set_subsystem_handler("sftp", SFTPServer, _FolderInterface, sftp_server=self)
            with self._lock:
                self._transports.append(transport)
            try:
                transport.start_server(server=_Login(self))
            except (paramiko.SSHException, EOFError, OSError):
                transport.close()

    def stop(self) -> None:
        """Stop listening and drop every connection; new connections are refused."""
        if self._listener is not None:
            # shutdown() wakes the accept() call blocked in the server thread; close() alone may not.
            try:
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
            self._thread.join(timeout=5)
        with self._lock:
            transports, self._transports = self._transports, []
        for transport in transports:
            transport.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
