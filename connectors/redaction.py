"""Masking secrets in text the attempt log and previews show."""

from __future__ import annotations

from connectors.schema import MASK

EXCERPT_BYTES = 2048


def mask_text(text: str, secrets: list[str]) -> str:
    """`text` with every occurrence of each secret replaced by "********"."""
    # Longest first, so a secret containing another is masked whole.
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            text = text.replace(secret, MASK)
    return text


def excerpt(content: bytes | str | None, secrets: list[str], limit: int = EXCERPT_BYTES) -> str:
    """The first `limit` bytes of `content` as text, secrets masked (masked before cutting, so no half secret survives)."""
    if not content:
        return ""
    # Read a margin past the limit so a secret straddling the cut is still recognised.
    margin = limit + max((len(secret) for secret in secrets), default=0) * 4
    if isinstance(content, bytes):
        text = content[:margin].decode("utf-8", errors="replace")
    else:
        text = content[:margin]
    masked = mask_text(text, secrets).encode("utf-8")[:limit]
    return masked.decode("utf-8", errors="ignore")
