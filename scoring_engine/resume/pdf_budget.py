"""What reading one PDF may cost inside pdfminer: inflated bytes, content objects, form XObjects, and the clock.

pdfminer inflates a stream whole (a 1 MB stream can hold 1 GB) and replays a form XObject every time it is
drawn (nested forms each drawing the next ten times multiply). Its decoders and its content parser are looked
up as module globals, so they are replaced here, once, by bounded ones that read the budget of the PDF being
read in this context, and behave exactly as before when no budget is active.
"""

import contextlib
import contextvars
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from scoring_engine.resume.errors import DocumentTooComplex, DocumentTooLarge
from scoring_engine.resume.limits import Deadline, ParseLimits

# Inflate at most this much at a time, so a bomb is refused within one step of its limit.
_INFLATE_STEP = 1024 * 1024
# Look at the clock every so many content objects: a few milliseconds of work in between.
_CLOCK_EVERY = 2048

_ACTIVE: contextvars.ContextVar["PdfBudget | None"] = contextvars.ContextVar("pdf_budget", default=None)


@dataclass
class PdfBudget:
    """The ceilings of one PDF, what has been spent so far, and where in the document the reader is."""

    max_inflated_bytes: int
    max_objects: int
    max_forms: int
    max_form_depth: int
    deadline: Deadline
    where: str = "the PDF"
    inflated: int = 0
    objects: int = 0
    forms: int = 0
    depth: int = 0

    @classmethod
    def for_limits(cls, limits: ParseLimits, deadline: Deadline) -> "PdfBudget":
        return cls(
            limits.max_uncompressed_bytes,
            limits.max_pdf_objects,
            limits.max_pdf_forms,
            limits.max_pdf_form_depth,
            deadline,
        )

    @contextlib.contextmanager
    def active(self) -> Iterator["PdfBudget"]:
        """pdfminer's decoders and content parser count against this budget inside the block."""
        _install()
        token = _ACTIVE.set(self)
        try:
            yield self
        finally:
            _ACTIVE.reset(token)

    def inflate(self, size: int) -> None:
        self.inflated += size
        if self.inflated > self.max_inflated_bytes:
            raise DocumentTooLarge(
                f"the PDF's streams inflate to more than {self.max_inflated_bytes} bytes "
                f"(the limit on uncompressed size, at {self.where}): a decompression bomb, not a resume"
            )

    def spend(self, count: int = 1) -> None:
        """Content objects parsed and characters drawn, every replay of a form included."""
        before = self.objects
        self.objects += count
        if self.objects > self.max_objects:
            raise DocumentTooComplex(
                f"the PDF draws more than {self.max_objects} objects (at {self.where}); a resume needs far fewer"
            )
        if before // _CLOCK_EVERY != self.objects // _CLOCK_EVERY:
            self.deadline.check(self.where)

    @contextlib.contextmanager
    def form(self, name: str) -> Iterator[None]:
        self.forms += 1
        self.depth += 1
        try:
            if self.forms > self.max_forms:
                raise DocumentTooComplex(
                    f"the PDF draws form XObjects more than {self.max_forms} times (at {self.where}, form {name})"
                )
            if self.depth > self.max_form_depth:
                raise DocumentTooComplex(
                    f"the PDF nests form XObjects more than {self.max_form_depth} deep (at {self.where}, form {name})"
                )
            self.deadline.check(self.where)
            yield
        finally:
            self.depth -= 1


def _inflate(data: bytes, budget: PdfBudget) -> bytes:
    """zlib-inflate against the budget; a stream whose only damage is its checksum still gives its data.

    pdfminer retries a damaged stream one input byte at a time, concatenating as it goes (quadratic in the
    output): a wrong checksum, the damage that retry is there for, is handled here by inflating without it.
    Like pdfminer, a stream damaged anywhere else gives nothing.
    """
    for attempt in (data, data[:-4]):
        spent = budget.inflated
        try:
            return _inflate_whole(attempt, budget)
        except zlib.error:
            budget.inflated = spent
    return b""


def _inflate_whole(data: bytes, budget: PdfBudget) -> bytes:
    inflater = zlib.decompressobj()
    parts, pending = [], data
    while pending and not inflater.eof:
        part = inflater.decompress(pending, _INFLATE_STEP)
        budget.inflate(len(part))
        parts.append(part)
        pending = inflater.unconsumed_tail
    if not inflater.eof:  # cut short: what is there
        rest = inflater.flush()
        budget.inflate(len(rest))
        parts.append(rest)
    return b"".join(parts)


class _BoundedZlib:
    """Stands in for the zlib module inside pdfminer.pdftypes."""

    error = zlib.error

    def __getattr__(self, name):
        return getattr(zlib, name)

    @staticmethod
    def decompress(data, *args, **kwargs):
        budget = _ACTIVE.get()
        return zlib.decompress(data, *args, **kwargs) if budget is None else _inflate(data, budget)


def _install() -> None:
    from pdfminer import pdfinterp, pdftypes

    if isinstance(pdftypes.zlib, _BoundedZlib):
        return
    original_lzw, original_runlength = pdftypes.lzwdecode, pdftypes.rldecode

    def lzwdecode(data: bytes) -> bytes:
        budget = _ACTIVE.get()
        if budget is None:
            return original_lzw(data)
        from pdfminer.lzw import LZWDecoder

        parts = []
        for part in LZWDecoder(io.BytesIO(data)).run():
            budget.inflate(len(part))
            parts.append(part)
        return b"".join(parts)

    def rldecode(data: bytes) -> bytes:
        budget = _ACTIVE.get()
        if budget is not None:
            budget.inflate(_runlength_size(data))
        return original_runlength(data)

    class CountingContentParser(pdfinterp.PDFContentParser):
        """Counts every operand and operator against the budget, so the clock is read inside a page too."""

        def nextobject(self):
            found = super().nextobject()
            budget = _ACTIVE.get()
            if budget is not None:
                budget.spend()
            return found

    pdftypes.zlib = _BoundedZlib()
    pdftypes.lzwdecode, pdftypes.rldecode = lzwdecode, rldecode
    pdfinterp.PDFContentParser = CountingContentParser


def _runlength_size(data: bytes) -> int:
    """What RunLengthDecode gives for data, counted without building it (a 2-byte run repeats 128 times)."""
    size, index = 0, 0
    while index < len(data):
        length = data[index]
        if length == 128:
            break
        if length < 128:
            size += length + 1
            index += length + 2
        else:
            size += 257 - length
            index += 2
    return size


def budgeted_interpreter_class():
    """pdfminer's page interpreter, counting drawn characters and form XObjects against the active budget."""
    from pdfminer.pdfinterp import PDFPageInterpreter

    class BudgetedInterpreter(PDFPageInterpreter):
        def do_TJ(self, seq):
            budget = _ACTIVE.get()
            if budget is not None and isinstance(seq, list):
                budget.spend(sum(len(item) for item in seq if isinstance(item, bytes | str)))
            super().do_TJ(seq)

        def do_Do(self, xobjid_arg):
            budget = _ACTIVE.get()
            if budget is None:
                return super().do_Do(xobjid_arg)
            with budget.form(str(xobjid_arg)):
                return super().do_Do(xobjid_arg)

    return BudgetedInterpreter
