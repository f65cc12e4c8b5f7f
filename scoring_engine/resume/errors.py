"""Errors raised while reading a resume file; each names what was wrong and how the hub should answer."""

from scoring_engine.errors import ScoringError


class ResumeFileError(ScoringError):
    """Base class: the resume file cannot be read as given. `http_status` is the status the hub answers with."""

    code = "resume-unreadable"
    http_status = 422


class UnsupportedFileType(ResumeFileError):
    """The content is not a PDF, DOCX, plain text or image file."""

    code = "resume-unsupported-type"
    http_status = 415


class DocumentTooLarge(ResumeFileError):
    """The file, its page count or its uncompressed size (e.g. a zip bomb) is over a limit."""

    code = "resume-too-large"
    http_status = 413


class EncryptedDocument(ResumeFileError):
    """The document is password-protected."""

    code = "resume-encrypted"


class CorruptDocument(ResumeFileError):
    """The file claims a type but its structure is broken."""

    code = "resume-corrupt"


class EmptyDocument(ResumeFileError):
    """The file holds no pages or no text at all."""

    code = "resume-empty"


class ImageOnlyDocument(ResumeFileError):
    """The document has pages but no text layer, and OCR produced nothing."""

    code = "resume-image-only"


class OCRUnavailable(ImageOnlyDocument):
    """The document is an image or a scan, and no OCR engine (tesseract) is installed."""

    code = "resume-ocr-unavailable"


class DocumentTooComplex(ResumeFileError):
    """Reading the document would draw too many objects, nest too deep or need too much memory."""

    code = "resume-too-complex"


class ExtractionBusy(ResumeFileError):
    """Every isolated reader stayed busy for longer than the queue allows; the upload can be retried."""

    code = "resume-extraction-busy"
    http_status = 503


class ExtractionTimeout(ResumeFileError):
    """Reading the text took longer than the time limit."""

    code = "resume-extraction-timeout"
