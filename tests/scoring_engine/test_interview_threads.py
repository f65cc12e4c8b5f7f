"""The engine is called from the hub's request threads (ready scores at ingest) and its scoring pool at once."""

from __future__ import annotations

import sys
import threading

import pytest
import snowballstemmer

from scoring_engine.interview import text


@pytest.fixture
def fast_switching():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as CPython allows, so an unsafe shared object shows
    yield
    sys.setswitchinterval(old)


def test_english_stemming_from_many_threads_gives_each_word_its_own_stem(fast_switching):
    words = [
        f"{stem}{suffix}"
        for stem in ("organis", "deliver", "measur", "negotiat", "priorit", "customis")
        for suffix in ("ing", "ed", "ation", "ations", "es", "ingly")
    ]
    words = [f"{word}{'x' * n}" for n in range(12) for word in words]  # distinct words: the lru_cache can't hide it
    text._stem.cache_clear()
    expected = {}
    for word in words:
        expected[word] = snowballstemmer.stemmer("english").stemWord(word)
    text._stem.cache_clear()
    failures: list[BaseException] = []
    got: dict[str, str] = {}
    barrier = threading.Barrier(8)

    def run(offset: int) -> None:
        barrier.wait()
        try:
            for index in range(len(words)):
                word = words[(index + offset * 37) % len(words)]
                stem = text._english_stemmer().stemWord(word)
                if got.setdefault(word, stem) != stem:
                    raise AssertionError(f"{word!r} stemmed as {stem!r} and {got[word]!r}")
        except BaseException as error:  # noqa: BLE001 - every failure in a thread is reported
            failures.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[:3]
    assert got == expected
