"""Tell a resume file's type from its first bytes, never from its name."""

import io
import zipfile

from scoring_engine.resume.errors import CorruptDocument, UnsupportedFileType

PDF, DOCX, TEXT, IMAGE = "pdf", "docx", "text", "image"

# PNG, JPEG, GIF (two versions), TIFF (both byte orders), BMP.
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")


def sniff_file_type(data: bytes, filename: str | None = None) -> str:
    """Return PDF, DOCX, TEXT or IMAGE; raise UnsupportedFileType for anything else."""
    where = f" ({filename})" if filename else ""
    head = data[:1024]
    # Some generators put junk or a BOM before the header; PDF readers accept it within the first KiB.
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, where)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnsupportedFileType(f"legacy Word .doc / OLE file{where} is not supported; save it as DOCX or PDF")
    if data.startswith(_IMAGE_MAGIC) or (data.startswith(b"RIFF") and data[8:12] == b"WEBP"):
        return IMAGE
    if _looks_like_text(data):
        return TEXT
    raise UnsupportedFileType(f"file{where} is not a PDF, DOCX, plain-text or image file")


def _sniff_zip(data: bytes, where: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise CorruptDocument(f"zip container{where} is broken: {error}") from error
    if "word/document.xml" in names:
        return DOCX
    if "content.xml" in names:
        raise UnsupportedFileType(f"OpenDocument file{where} is not supported; save it as DOCX or PDF")
    raise UnsupportedFileType(f"zip archive{where} is not a DOCX document")


def _looks_like_text(data: bytes) -> bool:
    sample = data[:8192]
    if sample.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in sample:
        return False
    # Control bytes other than whitespace are rare in text in any of the encodings we read.
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return control <= len(sample) * 0.01
