"""Bytes in, text out: pick the reader by content type and apply the limits."""

import re
import unicodedata
from dataclasses import dataclass, field

from scoring_engine.resume import sniff
from scoring_engine.resume.errors import DocumentTooLarge, EmptyDocument
from scoring_engine.resume.limits import Deadline, ParseLimits


@dataclass
class ExtractedText:
    """A resume's text and how it was obtained."""

    text: str
    file_type: str
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)


def extract_text(data: bytes, filename: str | None, limits: ParseLimits) -> ExtractedText:
    """Read the file's text; raise a ResumeFileError subclass saying why when it cannot be read."""
    what = filename or "the file"
    if len(data) > limits.max_bytes:
        raise DocumentTooLarge(f"{what} is {len(data)} bytes, over the limit of {limits.max_bytes}")
    if not data.strip():
        raise EmptyDocument(f"{what} is empty")
    deadline = Deadline(limits.timeout_seconds)
    file_type = sniff.sniff_file_type(data, filename)
    result = _READERS[file_type](data, what, limits, deadline)
    # Cut before cleaning too: normalising 9 MB of text only to keep 200,000 characters held a thread for seconds.
    # Twice the limit leaves room for what cleaning removes (carriage returns, trailing spaces).
    if len(result.text) > 2 * limits.max_chars:
        result.text = result.text[: 2 * limits.max_chars]
    result.text = _clean(result.text)
    if len(result.text) > limits.max_chars:
        result.warnings.append(f"text cut to the first {limits.max_chars} characters")
        result.text = result.text[: limits.max_chars]
    if not result.text.strip():
        raise EmptyDocument(f"{what} contains no text")
    return result


def _read_pdf(data, what, limits, deadline) -> ExtractedText:
    from scoring_engine.resume.pdf_text import read_pdf

    pdf = read_pdf(data, limits, deadline)
    warnings = []
    if pdf.pages_read < pdf.pages_total:
        warnings.append(f"only the first {pdf.pages_read} of {pdf.pages_total} pages were read")
    text = pdf.text
    if not text.strip() and not pdf.image_pages:
        raise EmptyDocument(f"{what} has pages but no text and no images")
    if pdf.scan_pages:
        text = _ocr_scanned_pages(data, pdf, what, limits, deadline)
        warnings.append("text was read by OCR and may contain errors")
    return ExtractedText(text, sniff.PDF, pdf.pages_read, warnings)


def _ocr_scanned_pages(data, pdf, what, limits, deadline) -> str:
    """The PDF's text with each scanned page replaced by its OCR text.

    Pages are rendered with pdftoppm where it is installed, so every image encoding OCR can see
    (PNG-style Flate, JPEG behind a second filter, JBIG2, CCITT) is read; otherwise only plain JPEGs can be.
    """
    from scoring_engine.resume import ocr
    from scoring_engine.resume.ocr import PdfRenderer, ocr_images, pdftoppm_path

    label = f"{what} (a scanned PDF)"
    if pdftoppm_path() is None:
        ocr_text = ocr_images(pdf.images, deadline.remaining(), label)
        has_text = [text for number, text in enumerate(pdf.page_texts, 1) if number not in pdf.scan_pages]
        return "\n\n".join([*has_text, ocr_text])
    # The PDF stays at hand while its pages are read, so a name line can be rendered again at a finer resolution.
    with PdfRenderer(data, deadline.remaining, label) as renderer:
        pages = {number: renderer.page(number) for number in pdf.scan_pages}
        texts = []
        for number, text in enumerate(pdf.page_texts, start=1):
            if number not in pages:
                texts.append(text)
                continue

            def band(box, dpi, number=number):
                return renderer.band(number, box, dpi)

            texts.append(ocr_images([pages[number]], deadline.remaining(), label, [band] if ocr.FINER_REREAD else None))
    return "\n\n".join(texts)


def _read_docx(data, what, limits, deadline) -> ExtractedText:
    from scoring_engine.resume.docx_text import read_docx

    return ExtractedText(read_docx(data, limits, deadline), sniff.DOCX)


def _read_plain(data, what, limits, deadline) -> ExtractedText:
    from scoring_engine.resume.plain_text import decode_text

    text, encoding = decode_text(data)
    return ExtractedText(text, sniff.TEXT, warnings=[] if encoding.startswith("utf") else [f"decoded as {encoding}"])


def _read_image(data, what, limits, deadline) -> ExtractedText:
    from scoring_engine.resume.ocr import ocr_images

    text = ocr_images([data], limits.timeout_seconds, f"{what} (an image)")
    return ExtractedText(text, sniff.IMAGE, 1, ["text was read by OCR and may contain errors"])


_READERS = {sniff.PDF: _read_pdf, sniff.DOCX: _read_docx, sniff.TEXT: _read_plain, sniff.IMAGE: _read_image}


def _clean(text: str) -> str:
    # NFKC folds full-width letters and digits (ＡＢＣ１２３) that Chinese resumes often use; it keeps CJK as is.
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x0c", "\n").replace("\u00a0", " ")
    # pdfminer writes "(cid:N)" for glyphs without a Unicode mapping; at a line start that is nearly always a bullet.
    # Spaces and tabs only: \s would run on across line breaks, rescanning 20,000 empty lines from each of them.
    text = re.sub(r"(?m)^([ \t]*)\(cid:\d+\)", r"\1•", text)
    text = re.sub(r"\(cid:\d+\)", " ", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))
