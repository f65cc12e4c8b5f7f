"""Text from a PDF with pdfminer.six, page by page, columns read one after the other."""

import io
import logging
from dataclasses import dataclass, field

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTChar, LTFigure, LTImage, LTTextBox, LTTextLine
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException, PSException
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from scoring_engine.resume.errors import (
    CorruptDocument,
    DocumentTooComplex,
    EmptyDocument,
    EncryptedDocument,
    ResumeFileError,
)
from scoring_engine.resume.layout_text import block_lines, continuation_evidence
from scoring_engine.resume.limits import Deadline, ParseLimits
from scoring_engine.resume.pdf_budget import PdfBudget, budgeted_interpreter_class
from scoring_engine.resume.pdf_chars import page_blocks, page_boxes
from scoring_engine.resume.reading_order import Block, Box, Line, continued_columns

logger = logging.getLogger(__name__)


@dataclass
class PdfText:
    """What a PDF gave: its text, its page counts, and whether its pages are only pictures."""

    text: str
    pages_read: int
    pages_total: int
    image_pages: int = 0
    images: list[bytes] = field(default_factory=list)
    # Text per page, and the 1-based numbers of the pages that are scans and need OCR.
    page_texts: list[str] = field(default_factory=list)
    scan_pages: list[int] = field(default_factory=list)


def read_pdf(data: bytes, limits: ParseLimits, deadline: Deadline) -> PdfText:
    """Extract the text layer; raise EncryptedDocument, CorruptDocument or EmptyDocument where it can't."""
    try:
        with PdfBudget.for_limits(limits, deadline).active() as budget:
            return _read(data, limits, deadline, budget)
    except ResumeFileError:
        raise  # our own verdicts (timeout, empty) are ValueErrors too: let them through unchanged
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise EncryptedDocument("the PDF is password-protected; send a copy without a password") from error
    except (PDFException, PSException, KeyError, TypeError, ValueError, AssertionError) as error:
        # pdfminer signals a broken file with its own errors but also with bare Python ones.
        raise CorruptDocument(f"the PDF is damaged and cannot be read ({type(error).__name__}: {error})") from error
    except RecursionError:
        raise DocumentTooComplex("the PDF's objects are nested too deeply to read") from None
    except MemoryError:
        raise DocumentTooComplex("reading the PDF needed more memory than a resume reader is allowed") from None


def _read(data: bytes, limits: ParseLimits, deadline: Deadline, budget: PdfBudget) -> PdfText:
    parser = PDFParser(io.BytesIO(data))
    document = PDFDocument(parser, password="")
    pages = list(PDFPage.create_pages(document))
    if not pages:
        raise EmptyDocument("the PDF has no pages")
    manager = PDFResourceManager(caching=True)
    # boxes_flow=None skips pdfminer's own box ordering: reading_order() does it, columns first.
    device = PDFPageAggregator(manager, laparams=LAParams(boxes_flow=None))
    interpreter = budgeted_interpreter_class()(manager, device)
    page_texts, image_pages, images, chars, scan_pages = [], 0, [], 0, []
    page_blocks_read: list[tuple[list[Block], float]] = []
    for number, page in enumerate(pages[: limits.max_pages], start=1):
        budget.where = f"PDF page {number}"
        deadline.check(budget.where)
        interpreter.process_page(page)
        layout = device.get_result()
        blocks = page_blocks(page_boxes(layout), layout.width)
        page_blocks_read.append((blocks, layout.height))
        text = _blocks_text(blocks)
        image_count, jpegs, covered = _images(layout)
        if image_count and (not text.strip() or _scan_with_a_stamp(text, covered / (layout.width * layout.height))):
            image_pages += 1
            images.extend(jpegs)
            scan_pages.append(number)
        page_texts.append(text)
        chars += len(text)
        if chars >= limits.max_chars:
            break
    # A sidebar that goes on over pages is read whole before the main column (page_texts stay page by page for OCR).
    whole = "\n\n".join(_blocks_text(group) for group in continued_columns(page_blocks_read, _evidence))
    return PdfText(whole, len(page_texts), len(pages), image_pages, images, page_texts, scan_pages)


def _evidence(before: list[Block], after: list[Block]) -> float:
    if not before or not after:
        return 0.0
    previous = [line for line in block_lines(before[-1]) if line.strip()]
    following = [line for line in block_lines(after[0]) if line.strip()]
    return continuation_evidence(previous[-1], following[0]) if previous and following else 0.0


def _blocks_text(blocks: list[Block]) -> str:
    return "\n\n".join("\n".join(block_lines(block)) for block in blocks)


# A page mostly covered by pictures whose text layer is this short is a scan with a stamp on it
# ("Scanned with CamScanner", a page number): the words are in the picture.
SCAN_COVERAGE = 0.5
STAMP_CHARS = 120


def _scan_with_a_stamp(text: str, coverage: float) -> bool:
    return coverage >= SCAN_COVERAGE and len(text.strip()) < STAMP_CHARS


def _box(item: LTTextBox) -> Box:
    lines = [line for line in item if isinstance(line, LTTextLine)]
    baselines = tuple(line.y0 for line in lines)
    text_lines = tuple(_line(line) for line in lines)
    return Box(item.x0, item.y0, item.x1, item.y1, "\n".join(line.text for line in text_lines), baselines, text_lines)


def _line(line: LTTextLine) -> Line:
    text = line.get_text().rstrip("\n")
    chars = [char for char in line if isinstance(char, LTChar)]
    if not chars:
        return Line(line.x0, line.x1, text)
    first_word_end = chars[0].x1
    for char in chars:
        glyph = char.get_text()
        if not glyph.strip():
            break
        first_word_end = char.x1
        if "\u4e00" <= glyph <= "\u9fff":
            break  # Chinese wraps between any two characters: the first "word" is one character
    return Line(line.x0, line.x1, text, first_word_end - line.x0, chars[len(chars) // 2].size)


def _images(layout) -> tuple[int, list[bytes], float]:
    """How many images a page holds, the bytes of its plain JPEGs (OCR reads those when pages can't be
    rendered), and the area the images cover."""
    count, jpegs, covered, stack = 0, [], 0.0, list(layout)
    while stack:
        item = stack.pop()
        if isinstance(item, LTFigure):
            stack.extend(item)
        elif isinstance(item, LTImage):
            count += 1
            covered += max(item.width, 0) * max(item.height, 0)
            filters = [str(name) for name, _params in item.stream.get_filters()]
            # Only a JPEG stored as is: behind a second filter (Flate over DCT) the raw bytes are not a JPEG.
            if len(filters) == 1 and "DCTDecode" in filters[0]:
                jpegs.append(item.stream.get_rawdata())
    return count, jpegs, covered
