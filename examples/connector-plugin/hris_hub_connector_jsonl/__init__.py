"""The `jsonl` connector type: appends each delivered payload to a JSON Lines file."""

from __future__ import annotations

import json
import os
import pathlib
import threading
import time

from connectors import (
    CheckResult,
    Connector,
    DeliveryContext,
    DeliveryResult,
    PermanentDeliveryError,
    PreparedDelivery,
    RetryableDeliveryError,
    hookimpl,
)

__version__ = "0.1.0"


class JsonLinesConnector(Connector):
    """Appends one JSON object per job to a file; a job already written is skipped."""

    type_name = "jsonl"
    version = __version__
    description = "Appends each payload as a line of a JSON Lines file (example plugin)."
    payload_kind = "rest"
    config_schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "required": ["path"],
        "properties": {
            "path": {"type": "string", "minLength": 1,
                     "description": "File the lines are appended to; its folder must exist."},
            "fsync": {"type": "boolean", "default": True,
                      "description": "Flush each line to disk before reporting success."},
        },
    }

    def __init__(self, config: dict):
        super().__init__(config)
        self.path = pathlib.Path(self.config["path"])
        self._lock = threading.Lock()

    def _line(self, payload: dict, context: DeliveryContext) -> str:
        record = {"job_id": context.job_id, "event": context.event, "connector": context.connector_name,
                  "written_at": context.now.isoformat(), "payload": payload}
        try:
            return json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        except (TypeError, ValueError) as error:
            raise PermanentDeliveryError(f"job {context.job_id}: payload is not JSON: {error}") from error

    def _written_job_ids(self) -> set[str]:
        if not self.path.exists():
            return set()
        with open(self.path, encoding="utf-8") as handle:
            return {json.loads(line)["job_id"] for line in handle if line.strip()}

    def prepare(self, payload: dict, context: DeliveryContext) -> PreparedDelivery:
        return PreparedDelivery(method="APPEND", url=self.path.resolve().as_uri(), headers={},
                                body=self._line(payload, context))

    def deliver(self, payload: dict, context: DeliveryContext) -> DeliveryResult:
        line = self._line(payload, context)
        started = time.perf_counter()
        with self._lock:
            try:
                if context.job_id in self._written_job_ids():
                    note = "already written; skipped"
                else:
                    with open(self.path, "a", encoding="utf-8") as handle:
                        handle.write(line)
                        handle.flush()
                        if self.config["fsync"]:
                            os.fsync(handle.fileno())
                    note = f"appended {len(line.encode('utf-8'))} bytes"
            except OSError as error:
                raise RetryableDeliveryError(f"cannot append to {self.path}: {error}") from error
        return DeliveryResult(status_code=None, latency_ms=(time.perf_counter() - started) * 1000,
                              response_excerpt=note, remote_id=context.job_id)

    def check(self) -> CheckResult:
        folder = self.path.parent
        if not folder.is_dir():
            return CheckResult(False, f"folder {folder} does not exist: create it or change path")
        if not os.access(folder, os.W_OK):
            return CheckResult(False, f"folder {folder} is not writable by this process")
        return CheckResult(True, f"{self.path} can be appended to")


@hookimpl
def hub_connector_types():
    return [JsonLinesConnector]
