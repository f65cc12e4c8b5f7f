"""Seeded input generators a task names for its large tests (data in YAML names these; it never holds code)."""

from __future__ import annotations

import random
from collections.abc import Callable

from scoring_engine.errors import InvalidInput

MAX_ITEMS = 1_000_000


def _size(options: dict, pointer: str) -> int:
    n = options.get("n")
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_ITEMS:
        raise InvalidInput(f"{pointer}/n: expected an integer from 0 to {MAX_ITEMS}, got {n!r}", pointer=f"{pointer}/n")
    return n


def _int_option(options: dict, name: str, default: int, pointer: str) -> int:
    value = options.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(f"{pointer}/{name}: expected an integer, got {value!r}", pointer=f"{pointer}/{name}")
    return value


def random_ints(options: dict, pointer: str) -> list:
    """[list of n random integers in low..high]."""
    n = _size(options, pointer)
    low = _int_option(options, "low", -(10**6), pointer)
    high = _int_option(options, "high", 10**6, pointer)
    rng = random.Random(_int_option(options, "seed", 0, pointer))
    return [[rng.randint(low, high) for _ in range(n)]]


def sorted_ints(options: dict, pointer: str) -> list:
    """[0, 1, ..., n-1]: the input that makes a first-element pivot quadratic and deeply recursive."""
    return [list(range(_size(options, pointer)))]


def pair_sum_input(options: dict, pointer: str) -> list:
    """[numbers, target]: n random integers and a target several pairs add up to."""
    (numbers,) = random_ints(options, pointer)
    return [numbers, _int_option(options, "target", 0, pointer)]


def palindrome_text(options: dict, pointer: str) -> list:
    """[text]: a long mixed-case palindrome with punctuation and CJK characters (`broken`: one pair differs)."""
    n = _size(options, pointer)
    rng = random.Random(_int_option(options, "seed", 0, pointer))
    half = "".join(rng.choice("abcXYZ中文, !") for _ in range(n // 2))
    middle = "qz" if options.get("broken") else ""
    return [half + middle + half[::-1].swapcase()]


GENERATORS: dict[str, Callable[[dict, str], list]] = {
    "random_ints": random_ints,
    "sorted_ints": sorted_ints,
    "pair_sum_input": pair_sum_input,
    "palindrome_text": palindrome_text,
}


def generate(options: dict, pointer: str) -> list:
    """The positional arguments the named generator makes from its options."""
    return GENERATORS[options["generator"]](options, pointer)
