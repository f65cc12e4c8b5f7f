"""Errors the scoring engine raises; each says what was wrong with the input."""


class ScoringError(ValueError):
    """Base class: the input cannot be scored as given. `code` is a stable machine-readable slug."""

    code = "scoring-error"

    def __init__(self, message: str, *, code: str | None = None, pointer: str | None = None):
        super().__init__(message)
        if code:
            self.code = code
        self.pointer = pointer


class InvalidInput(ScoringError):
    """A job profile, competency model or answer set does not have the required shape."""

    code = "invalid-input"
