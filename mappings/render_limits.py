"""Limits on what a sandboxed template may compute: output size, number sizes and wall-clock time.

Jinja2's sandbox keeps templates from reaching Python internals, not from exhausting the machine. The
environment here intercepts the operators that can build huge values in one step (``**``, ``*``, ``+``, ``%``)
and keeps them from being folded into constants while a template is compiled (``9 ** (9 ** 9)`` would
otherwise hang the loader), refuses huge width and count arguments to calls and filters, and a watchdog
interrupts a render that runs past its deadline.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import heapq
import itertools
import math
import re
import threading
import time
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_OUTPUT_CHARS = 1_000_000  # any one rendered value, and a whole rendered mapping
MAX_NUMBER_BITS = 4096  # about 1,233 decimal digits: more than any HR payload needs
MAX_RENDER_SECONDS = 2.0

_FORMAT_WIDTH = re.compile(r"[%:{][^%:{}\d]*?(\d{7,})")


class TemplateLimitExceeded(Exception):
    """A template went past one of the limits; raised inside the render, reported with the template's place."""


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple, dict)) else 0


def _check_size(value: Any, limit: int) -> Any:
    if _size(value) > limit:
        raise TemplateLimitExceeded(f"a value of {_size(value):,} characters or items is over the limit of {limit:,}")
    return value


def _check_arguments(args, kwargs, limit: int) -> None:
    for value in itertools.chain(args, kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > limit:
            raise TemplateLimitExceeded(f"an argument of {value:,} is over the limit of {limit:,}")
        if isinstance(value, str) and _FORMAT_WIDTH.search(value):
            raise TemplateLimitExceeded("a format width of a million characters or more is over the limit")


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with the size-building operators intercepted (never constant-folded)."""

    intercepted_binops = frozenset({"**", "*", "+", "%", "//"})

    def __init__(
        self, *args, max_output_chars: int = MAX_OUTPUT_CHARS, max_number_bits: int = MAX_NUMBER_BITS, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.max_output_chars = max_output_chars
        self.max_number_bits = max_number_bits

    def _number_bits(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return 0.0
        return math.log2(abs(value)) if abs(value) > 1 and math.isfinite(value) else 0.0

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        limit = self.max_output_chars
        positive_power = (
            operator == "**" and isinstance(right, (int, float)) and not isinstance(right, bool) and right > 0
        )
        if positive_power and self._number_bits(left) * right > self.max_number_bits:
            raise TemplateLimitExceeded(
                f"{left!r} ** {right!r} would be a number of more than {self.max_number_bits} bits"
            )
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                if _size(sized) and isinstance(count, int) and _size(sized) * count > limit:
                    raise TemplateLimitExceeded(
                        f"repeating {_size(sized):,} characters or items {count:,} times is over the limit of {limit:,}"
                    )
            if self._number_bits(left) + self._number_bits(right) > self.max_number_bits:
                raise TemplateLimitExceeded(f"a product of more than {self.max_number_bits} bits")
        if operator == "+" and _size(left) + _size(right) > limit:
            raise TemplateLimitExceeded(
                f"joining {_size(left) + _size(right):,} characters or items is over the limit of {limit:,}"
            )
        if operator == "%" and isinstance(left, str):
            _check_arguments((left,), {}, limit)
        return _check_size(super().call_binop(context, operator, left, right), limit)

    def call(self, context, obj, /, *args, **kwargs):
        _check_arguments(args, kwargs, self.max_output_chars)
        # Jinja2 hands str.format out wrapped (its safe formatter); the format string is the wrapped method's self.
        method = getattr(obj, "__wrapped__", obj)
        if getattr(method, "__name__", None) in ("format", "format_map") and isinstance(
            getattr(method, "__self__", None), str
        ):
            _check_arguments((method.__self__,), {}, self.max_output_chars)
        return _check_size(super().call(context, obj, *args, **kwargs), self.max_output_chars)


def limit_filter(function, limit: int):
    """A filter refusing huge count/width arguments and huge results (center(10**9), indent(10**9)...)."""

    @functools.wraps(function)  # keeps Jinja2's pass_context/pass_environment marks
    def limited(*args, **kwargs):
        _check_arguments(args[1:], kwargs, limit)
        return _check_size(function(*args, **kwargs), limit)

    return limited


# ---- wall-clock time ----------------------------------------------------------------------------


class _Watchdog:
    """One daemon thread that interrupts renders past their deadline by raising in the rendering thread."""

    def __init__(self):
        self._condition = threading.Condition()
        self._deadlines: list[tuple[float, int, dict]] = []
        self._counter = itertools.count()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        with self._condition:
            while True:
                while not self._deadlines:
                    self._condition.wait()
                when, _, entry = self._deadlines[0]
                delay = when - time.monotonic()
                if delay > 0:
                    self._condition.wait(delay)
                    continue
                heapq.heappop(self._deadlines)
                if not entry["done"]:
                    entry["fired"] = True
                    _raise_in(entry["thread"], entry["exception"])

    @contextlib.contextmanager
    def deadline(self, seconds: float):
        message = f"the render took longer than {seconds:g} s"
        # Raised asynchronously, so it cannot carry arguments: the message lives on its class.
        timeout = type("RenderTimeout", (TemplateLimitExceeded,), {"__str__": lambda self: message})
        entry: dict[str, Any] = {"thread": threading.get_ident(), "done": False, "fired": False, "exception": timeout}
        with self._condition:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="template-watchdog", daemon=True)
                self._thread.start()
            deadline = (time.monotonic() + seconds, next(self._counter), entry)
            heapq.heappush(self._deadlines, deadline)
            if self._deadlines[0] is deadline:  # the watchdog sleeps until an earlier deadline otherwise
                self._condition.notify()
        try:
            yield
        finally:
            with self._condition:
                entry["done"] = True
                if entry["fired"]:
                    _raise_in(entry["thread"], None)  # clears an interruption not delivered yet
        if entry["fired"]:
            raise timeout()


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


_watchdog = _Watchdog()


def render_deadline(seconds: float = MAX_RENDER_SECONDS):
    """Context manager: TemplateLimitExceeded in this thread once `seconds` of wall-clock time have passed."""
    return _watchdog.deadline(seconds)
