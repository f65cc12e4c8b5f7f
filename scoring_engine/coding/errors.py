"""Errors of the coding-task engine; each says what the caller does next."""

from scoring_engine.errors import ScoringError


class CodeSandboxUnavailable(ScoringError):
    """The host cannot build the sandbox (no bubblewrap, no namespaces): candidate code is not run at all."""

    code = "code-sandbox-unavailable"

    def __init__(self, message: str):
        super().__init__(message, code=self.code)
