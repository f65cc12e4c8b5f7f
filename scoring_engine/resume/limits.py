"""Limits on what one resume may cost to read, and the clock that enforces the time limit."""

import time
from dataclasses import dataclass

from scoring_engine.resume.errors import ExtractionTimeout


@dataclass(frozen=True)
class ParseLimits:
    """Ceilings for one resume; the defaults fit real resumes with a wide margin."""

    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 20
    max_chars: int = 200_000
    timeout_seconds: float = 30.0
    max_uncompressed_bytes: int = 100 * 1024 * 1024
    # Real DOCX parts compress about 5-20x; a much higher ratio is how zip bombs look.
    max_compression_ratio: float = 200.0
    # A dense 20-page resume parses about 200,000 content objects (operands, operators, characters drawn);
    # the ceiling is ten times that, and every replay of a form XObject counts again.
    max_pdf_objects: int = 2_000_000
    max_pdf_forms: int = 2_000
    max_pdf_form_depth: int = 12


class Deadline:
    """Checked between units of work (pages, tables); raises ExtractionTimeout once passed."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._expires_at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left (at least a moment, so a subprocess gets a timeout it can use)."""
        return max(0.5, self._expires_at - time.monotonic())

    def check(self, where: str) -> None:
        if time.monotonic() > self._expires_at:
            raise ExtractionTimeout(f"reading the resume took longer than {self.seconds:g} s (stopped at {where})")
