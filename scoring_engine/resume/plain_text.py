"""Decode a plain-text resume: BOMs, UTF-8, then detection (GBK is read as its superset GB18030)."""

import codecs
import logging

logger = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# GB2312 and GBK are subsets of GB18030: decoding with the superset never loses a character.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "ascii": "utf-8"}


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding used)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _detect(data)
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        logger.info("text is not valid %s; decoding with replacement characters", encoding)
        return data.decode(encoding if encoding != "utf-8" else "gb18030", errors="replace"), encoding


def _detect(data: bytes) -> str:
    # Chinese resumes not in UTF-8 are nearly always GBK/GB18030: try that before guessing.
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    encoding = (best.encoding if best else "utf-8").lower()
    # Underscores go only to look the superset up: "utf16le" is no codec name, "utf_16_le" is.
    return _SUPERSETS.get(encoding.replace("_", ""), encoding)
