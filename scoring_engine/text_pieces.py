"""Cut long text into bounded pieces for tools whose cost grows faster than their input (jieba's HMM)."""

import re
from collections.abc import Iterator

# jieba's HMM copies its best path at every character, so one unbroken run costs the square of its length
# (20,000 characters took minutes). Lines of real text are far shorter than this.
PIECE_CHARS = 100
# What jieba itself reads as one block (its re_han_default): a cut anywhere else changes none of its words.
_JIEBA_BLOCK_CHAR = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]")


def bounded_pieces(text: str, size: int = PIECE_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, piece) covering text in order, each at most `size` characters.

    A piece ends after the last character jieba does not join into words (a space, a line break,
    punctuation) in its second half, so a cut changes nothing jieba sees; only a run longer than that
    is cut where the limit falls.
    """
    start = 0
    while len(text) - start > size:
        end = start + size
        cut = next(
            (index + 1 for index in range(end - 1, start + size // 2, -1) if not _JIEBA_BLOCK_CHAR.match(text[index])),
            end,
        )
        yield start, text[start:cut]
        start = cut
    if start < len(text) or not text:
        yield start, text[start:]


def tokenize_bounded(tokenizer, text: str) -> Iterator[tuple[str, int, int]]:
    """jieba's tokenize() (word, start, end) over the whole text, run piece by piece."""
    for offset, piece in bounded_pieces(text):
        for word, start, end in tokenizer.tokenize(piece):
            yield word, start + offset, end + offset
