"""Errors raised by the policy and mapping engines; each names the file or mapping and the JSON pointer."""

from __future__ import annotations


class PolicyError(ValueError):
    """A policy file is invalid or cannot be evaluated; fix the policy, retrying will not help."""

    def __init__(self, message: str, *, file: str | None = None, pointer: str = "", line: int | None = None):
        self.file = file
        self.pointer = pointer
        self.line = line
        self.reason = message
        where = file or "<policy>"
        if line is not None:
            where += f":{line}"
        super().__init__(f"{where} at {pointer or '/'}: {message}")


class MappingError(ValueError):
    """A mapping could not render a valid payload; a permanent failure for the delivery job."""

    def __init__(
        self,
        message: str,
        *,
        mapping: str | None = None,
        pointer: str = "",
        file: str | None = None,
        line: int | None = None,
        payload_index: int | None = None,
    ):
        self.mapping = mapping
        self.pointer = pointer
        self.file = file
        self.line = line
        self.payload_index = payload_index
        self.reason = message
        where = f"mapping {mapping or '<unnamed>'}"
        if file:
            where += f" ({file}{':' + str(line) if line is not None else ''})"
        if payload_index is not None:
            where += f" payload {payload_index}"
        super().__init__(f"{where} at {pointer or '/'}: {message}")


class InputError(ValueError):
    """A profile, context or document handed to the engines is malformed; fix the caller's data."""

    def __init__(self, message: str, *, pointer: str = ""):
        self.pointer = pointer
        self.reason = message
        super().__init__(f"{pointer or '/'}: {message}")
