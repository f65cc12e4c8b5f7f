"""Optical character recognition through the tesseract command, where it is installed."""
import shutil
import subprocess

from scoring_engine.resume.errors import ExtractionTimeout, ImageOnlyDocument, OCRUnavailable


def tesseract_path() -> str | None:
    """The tesseract executable, or None when OCR is not available here."""
    return shutil.which("tesseract")


def ocr_images(images: list[bytes], timeout_seconds: float, what: str) -> str:
    """Text read from the images; raise OCRUnavailable when tesseract is missing."""
    executable = tesseract_path()
    if executable is None:
        raise OCRUnavailable(
            f"{what} has no text layer and OCR is not available (install tesseract-ocr to read scans)"
        )
    if not images:
        raise ImageOnlyDocument(f"{what} has no text layer and no image OCR can read")
    languages = _languages(executable)
    texts = []
    for image in images:
        try:
            result = subprocess.run(
                [executable, "stdin", "stdout", "-l", languages],
                input=image, capture_output=True, timeout=timeout_seconds, check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise ExtractionTimeout(f"OCR of {what} took longer than {timeout_seconds:g} s") from error
        texts.append(result.stdout.decode("utf-8", errors="replace"))
    return "\n\n".join(texts)


def _languages(executable: str) -> str:
    listed = subprocess.run([executable, "--list-langs"], capture_output=True, text=True, check=False).stdout
    available = set(listed.split())
    return "+".join(lang for lang in ("chi_sim", "eng") if lang in available) or "eng"
