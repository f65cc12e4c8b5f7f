"""Parse an uploaded resume in a child process under hard limits, a bounded number at a time.

Each file gets a fresh process (forked from a clean forkserver), so the CPU limit is the file's own and nothing
one file does survives it. The child limits itself (RLIMIT_CPU, RLIMIT_AS, tesseract on one thread); the
parent kills it when the wall-clock limit passes. At most `workers` files are read at once: the rest wait up
to `queue_seconds` for a slot, then get ExtractionBusy, so uploads can never take every request thread.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path

from scoring_engine.resume import errors
from scoring_engine.resume.errors import (
    DocumentTooComplex,
    ExtractionBusy,
    ExtractionTimeout,
    ResumeFileError,
)
from scoring_engine.resume.limits import ParseLimits
from scoring_engine.resume.model import Resume


@dataclass(frozen=True)
class Limits:
    """Hard limits of one isolated parse; the hub sets them from its HUB_RESUME_* settings."""

    # A real resume takes well under 2 s of CPU; 20 s leaves room for OCR of a few scanned pages.
    cpu_seconds: int = 20
    # pdfminer holds one page's layout at a time; 768 MiB is several times what a 20-page resume needs.
    memory_bytes: int = 768 * 1024 * 1024
    # Longer than the CPU limit (a child may wait on tesseract), shorter than an HTTP client's patience.
    wall_seconds: float = 30.0
    workers: int = 2
    queue_seconds: float = 5.0
    parse: ParseLimits = field(default_factory=ParseLimits)


def _context():
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # Read when the forkserver starts (the first parse): readers fork with the models loaded.
    context.set_forkserver_preload(["scoring_engine.resume.isolation_warm"])
    return context


class IsolatedParser:
    """A bounded set of slots; each parse runs in its own limited child process, killed on expiry."""

    def __init__(self, limits: Limits = Limits()):
        self.limits = limits
        self._slots = threading.BoundedSemaphore(limits.workers)
        self._context = _context()

    def parse(self, data: bytes | str | Path, filename: str | None = None) -> Resume:
        """The parsed resume, or the ResumeFileError that says why not (ExtractionTimeout, DocumentTooComplex, ...)."""
        if not isinstance(data, bytes):
            path = Path(data)
            filename = filename or path.name
            data = path.read_bytes()
        what = filename or "the file"
        if not self._slots.acquire(timeout=self.limits.queue_seconds):
            raise ExtractionBusy(
                f"{what} was not read: all {self.limits.workers} resume readers were busy for "
                f"{self.limits.queue_seconds:g} s; try again shortly"
            )
        try:
            return self._run(data, filename, what)
        finally:
            self._slots.release()

    def _run(self, data: bytes, filename: str | None, what: str) -> Resume:
        receiver, sender = self._context.Pipe(duplex=False)
        child = self._context.Process(
            target=_child_main,
            args=(sender, data, filename, self.limits),
            daemon=True,
            name="resume-reader",
        )
        child.start()
        sender.close()
        try:
            if receiver.poll(self.limits.wall_seconds):
                try:
                    outcome = receiver.recv()
                except EOFError:
                    outcome = None  # the child died before answering
            else:
                outcome = "wall"
        finally:
            receiver.close()
            if child.is_alive() and outcome in ("wall", None):
                child.kill()
            child.join(5)
            if child.is_alive():
                child.kill()
                child.join()
        if outcome == "wall":
            raise ExtractionTimeout(f"reading {what} took longer than {self.limits.wall_seconds:g} s and was stopped")
        if outcome is None:
            raise _died(child.exitcode, what, self.limits)
        kind, value = outcome
        if kind == "ok":
            return value
        class_name, message = value
        raise getattr(errors, class_name, ResumeFileError)(message)


def _died(exitcode: int | None, what: str, limits: Limits) -> ResumeFileError:
    if exitcode == -signal.SIGXCPU:
        return ExtractionTimeout(f"reading {what} used more than {limits.cpu_seconds} s of CPU and was stopped")
    return DocumentTooComplex(
        f"reading {what} needed more than {limits.memory_bytes // (1024 * 1024)} MiB of memory or crashed "
        f"the reader (exit status {exitcode})"
    )


def _child_main(sender, data: bytes, filename: str | None, limits: Limits) -> None:
    import resource

    os.environ["OMP_THREAD_LIMIT"] = "1"  # tesseract's OpenMP: one thread, inside this process's CPU limit
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    from scoring_engine.resume.parser import parse_resume_with_limits

    try:
        outcome = ("ok", parse_resume_with_limits(data, filename, limits.parse))
    except ResumeFileError as error:
        outcome = ("error", (type(error).__name__, str(error)))
    except MemoryError:
        megabytes = limits.memory_bytes // (1024 * 1024)
        message = f"reading {filename or 'the file'} needed more than {megabytes} MiB of memory"
        outcome = ("error", ("DocumentTooComplex", message))
    try:
        sender.send(outcome)
    except MemoryError:
        os._exit(3)
    finally:
        sender.close()


_PARSERS: dict[Limits, IsolatedParser] = {}
_PARSERS_LOCK = threading.Lock()


def extract_isolated(data: bytes | str | Path, filename: str | None = None, limits: Limits = Limits()) -> Resume:
    """parse_resume() in a limited child process; one shared set of `limits.workers` slots per Limits value."""
    with _PARSERS_LOCK:
        parser = _PARSERS.setdefault(limits, IsolatedParser(limits))
    return parser.parse(data, filename)
