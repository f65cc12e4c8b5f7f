"""The CSV export connector: batches jobs into one file per flush, committed to a folder or an SFTP server."""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import datetime, timezone
from typing import Any

from connectors.base import CheckResult, Connector, DeliveryContext, DeliveryResult, PreparedDelivery
from connectors.batch_schedule import batch_due, cron_trigger
from connectors.csv_destinations import FolderDestination, SftpDestination
from connectors.csv_render import QUOTING, render_csv
from connectors.destinations import ADMIT_HINT, DestinationPolicy
from connectors.errors import PermanentDeliveryError
from connectors.hookspecs import hookimpl
from connectors.schema import require_payload_shape

ENCODINGS = {"utf-8-sig": "UTF-8 with BOM (opens right in Excel)", "gb18030": "GB18030 (Chinese Windows tools)"}

CONFIG_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["destination"],
    "properties": {
        "destination": {
            "type": "object",
            "description": "Where files go: a folder, or a folder on an SFTP server.",
            "additionalProperties": False,
            "required": ["type"],
            "properties": {
                "type": {"enum": ["folder", "sftp"], "description": "Destination kind."},
                "path": {"type": "string", "minLength": 1, "description": "Folder path (type folder)."},
                "host": {"type": "string", "minLength": 1, "description": "SFTP host name (type sftp)."},
                "port": {"type": "integer", "minimum": 1, "maximum": 65535, "default": 22, "description": "SFTP port."},
                "username": {"type": "string", "minLength": 1, "description": "SFTP user name."},
                "password": {
                    "type": "string",
                    "secret": True,
                    "writeOnly": True,
                    "description": "SFTP password (or use private_key).",
                },
                "private_key": {
                    "type": "string",
                    "secret": True,
                    "writeOnly": True,
                    "description": "SFTP private key, PEM or OpenSSH text.",
                },
                "private_key_passphrase": {
                    "type": "string",
                    "secret": True,
                    "writeOnly": True,
                    "description": "Passphrase of private_key, if it has one.",
                },
                "host_key": {
                    "type": "string",
                    "minLength": 1,
                    "description": "The server's public host key as in known_hosts: '<type> <base64>'; "
                    "a server showing another key is refused.",
                },
                "remote_dir": {
                    "type": "string",
                    "minLength": 1,
                    "default": ".",
                    "description": "Folder on the SFTP server to write into.",
                },
                "timeout": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "default": 30,
                    "description": "Seconds allowed for connecting and for each SFTP operation.",
                },
            },
            "allOf": [
                {
                    "if": {"required": ["type"], "properties": {"type": {"const": "folder"}}},
                    "then": {"required": ["path"]},
                },
                {
                    "if": {"required": ["type"], "properties": {"type": {"const": "sftp"}}},
                    "then": {
                        "required": ["host", "username", "host_key"],
                        "anyOf": [{"required": ["password"]}, {"required": ["private_key"]}],
                    },
                },
            ],
        },
        "file_prefix": {
            "type": "string",
            "pattern": "^[A-Za-z0-9._-]+$",
            "default": "hris-hub-export",
            "description": "File names are <file_prefix>-<digest of the batch's job ids>.csv.",
        },
        "encoding": {
            "enum": list(ENCODINGS),
            "default": "utf-8-sig",
            "description": "File encoding: " + "; ".join(f"{name}: {text}" for name, text in ENCODINGS.items()) + ".",
        },
        "delimiter": {
            "type": "string",
            "minLength": 1,
            "maxLength": 1,
            "default": ",",
            "description": "Field delimiter, one character (e.g. ',', ';', '\\t', '|').",
        },
        "quoting": {
            "enum": list(QUOTING),
            "default": "minimal",
            "description": "Which fields are quoted: minimal, all, nonnumeric or none.",
        },
        "line_terminator": {
            "enum": ["\r\n", "\n"],
            "default": "\r\n",
            "description": "Line ending: CRLF (RFC 4180) or LF.",
        },
        "schedule": {
            "type": "object",
            "default": {},
            "additionalProperties": False,
            "description": "When pending jobs are flushed into a file; with neither field, as soon as any is pending.",
            "properties": {
                "cron": {
                    "type": "string",
                    "minLength": 9,
                    "description": "Five-field cron expression, e.g. '0 2 * * *' for 02:00 daily.",
                },
                "timezone": {"type": "string", "default": "UTC", "description": "Time zone of the cron expression."},
                "batch_size": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "Flush as soon as this many jobs are pending.",
                },
            },
        },
    },
}

PAYLOAD_SCHEMA = {
    "type": "object",
    "required": ["columns", "rows"],
    "properties": {
        "columns": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["key", "header"],
                "properties": {"key": {"type": "string", "minLength": 1}, "header": {"type": "string"}},
            },
        },
        "rows": {"type": "array", "items": {"type": "object"}},
    },
}


class CsvExportConnector(Connector):
    """Writes the rows of many jobs into one CSV file per batch, committed atomically."""

    type_name = "csv"
    version = "1.0"
    description = "CSV files in batches (cron or job count) to a folder or SFTP; UTF-8 BOM or GB18030."
    config_schema = CONFIG_SCHEMA
    payload_kind = "csv"
    batching = True

    def __init__(self, config: dict, *, policy: DestinationPolicy | None = None):
        super().__init__(config, policy=policy)
        schedule = self.config["schedule"]
        self.trigger = None
        if schedule.get("cron"):
            self.trigger = cron_trigger(schedule["cron"], schedule["timezone"], "/schedule/cron")
        destination = self.config["destination"]
        self.destination = (
            SftpDestination(destination, self.destination_policy)
            if destination["type"] == "sftp"
            else FolderDestination(destination, self.destination_policy)
        )
        # One batch at a time per instance: the destination holds one connection and a manifest cache.
        self._lock = threading.Lock()

    @classmethod
    def destination_errors(cls, config: dict, policy: DestinationPolicy) -> list[dict]:
        destination = config.get("destination") or {}
        if destination.get("type") == "folder" and destination.get("path"):
            reason = policy.csv_folder_refusal(destination["path"])
            if reason is not None:
                return [{"pointer": "/destination/path", "message": f"{destination['path']!r} is refused: {reason}"}]
        if destination.get("type") == "sftp" and destination.get("host"):
            reason = policy.host_refusal(destination["host"])
            if reason is not None:
                return [
                    {
                        "pointer": "/destination/host",
                        "message": f"{destination['host']!r} is refused: {reason}; {ADMIT_HINT}",
                    }
                ]
        return []

    # ---- batching ------------------------------------------------------------------------------

    def batch_due(
        self, pending: int, oldest_pending_at: datetime | None, last_flush_at: datetime | None, now: datetime
    ) -> bool:
        return batch_due(
            pending,
            oldest_pending_at,
            last_flush_at,
            now,
            trigger=self.trigger,
            batch_size=self.config["schedule"].get("batch_size"),
        )

    def file_name(self, job_ids: list[str]) -> str:
        """Deterministic: the same job ids always give the same name, whatever their order."""
        digest = hashlib.sha256("\n".join(sorted(job_ids)).encode("utf-8")).hexdigest()[:20]
        return f"{self.config['file_prefix']}-{digest}.csv"

    def _checked_rows(self, items: list[tuple[DeliveryContext, dict]]) -> tuple[list[dict], list[dict]]:
        """The shared columns and all rows in order; PermanentDeliveryError naming the job that does not fit."""
        columns: Any = None
        rows: list[dict] = []
        for context, payload in items:
            require_payload_shape(PAYLOAD_SCHEMA, payload, f"job {context.job_id}: CSV payload")
            if columns is None:
                columns = payload["columns"]
            elif payload["columns"] != columns:
                raise PermanentDeliveryError(
                    f"job {context.job_id}: its columns differ from those of job {items[0][0].job_id}; "
                    "one file has one header: check the connector's mapping"
                )
            keys = {column["key"] for column in columns}
            for number, row in enumerate(payload["rows"]):
                unknown = sorted(set(row) - keys)
                if unknown:
                    raise PermanentDeliveryError(
                        f"job {context.job_id}: /rows/{number} has fields {unknown} that are not columns"
                    )
            rows.extend(payload["rows"])
        return columns, rows

    def _render(self, columns: list[dict], rows: list[dict], job_ids: list[str]) -> bytes:
        try:
            return render_csv(
                columns,
                rows,
                encoding=self.config["encoding"],
                delimiter=self.config["delimiter"],
                quoting=self.config["quoting"],
                line_terminator=self.config["line_terminator"],
            )
        except ValueError as error:
            raise PermanentDeliveryError(f"jobs {', '.join(job_ids)}: {error}") from error

    def deliver_batch(self, items: list[tuple[DeliveryContext, dict]]) -> list[DeliveryResult]:
        """Commit one file with the rows of every job not already delivered; all or nothing."""
        if not items:
            return []
        started = time.perf_counter()
        self._checked_rows(items)  # a misfit anywhere fails the whole batch before anything is written
        with self._lock:
            try:
                already, committed = self._commit_fresh(items)
            finally:
                # Batches are minutes apart: a connection kept open would only go stale.
                self.destination.close()
        latency_ms = (time.perf_counter() - started) * 1000
        return [
            DeliveryResult(
                status_code=None,
                latency_ms=latency_ms,
                response_excerpt=committed.get(
                    context.job_id, f"already delivered in {already[context.job_id]}; not written again"
                ),
                remote_id=already[context.job_id],
            )
            for context, _payload in items
        ]

    def _commit_fresh(self, items: list[tuple[DeliveryContext, dict]]) -> tuple[dict[str, str], dict[str, str]]:
        """Write the jobs no committed manifest lists; (job id -> file name, job id -> note for the new file)."""
        already = self.destination.delivered_job_ids()
        fresh = [(context, payload) for context, payload in items if context.job_id not in already]
        committed: dict[str, str] = {}
        if fresh:
            job_ids = [context.job_id for context, _payload in fresh]
            columns, rows = self._checked_rows(fresh)
            content = self._render(columns, rows, job_ids)
            name = self.file_name(job_ids)
            manifest = {
                "file": name,
                "rows": len(rows),
                "bytes": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "encoding": self.config["encoding"],
                "job_ids": job_ids,
                "connector": fresh[0][0].connector_name,
                "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
            written = self.destination.commit(name, content, manifest, staging_dir=fresh[0][0].cache_dir)
            note = (
                f"committed {self.destination.url(name)}: {len(rows)} rows, sha256 {manifest['sha256']}"
                if written
                else f"{self.destination.url(name)} was already committed; not rewritten"
            )
            committed = {job_id: note for job_id in job_ids}
            already.update({job_id: name for job_id in job_ids})
        return already, committed

    # ---- the contract --------------------------------------------------------------------------

    def deliver(self, payload: dict, context: DeliveryContext) -> DeliveryResult:
        return self.deliver_batch([(context, payload)])[0]

    def prepare(self, payload: dict, context: DeliveryContext) -> PreparedDelivery:
        columns, rows = self._checked_rows([(context, payload)])
        content = self._render(columns, rows, [context.job_id])
        name = self.file_name([context.job_id])
        encoding = self.config["encoding"]
        return PreparedDelivery(
            method="WRITE",
            url=self.destination.url(name),
            headers={"Content-Type": f"text/csv; charset={encoding.removesuffix('-sig')}"},
            body=content.decode(encoding),
        )

    def check(self) -> CheckResult:
        with self._lock:
            return self.destination.check()

    def close(self) -> None:
        self.destination.close()


@hookimpl
def hub_connector_types():
    return [CsvExportConnector]
