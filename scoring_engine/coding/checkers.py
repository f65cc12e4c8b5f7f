"""Named checkers: judge a return value against the test's arguments (for inputs too large to store answers)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable


def sorted_copy(args: list, output) -> str | None:
    """The first argument, sorted ascending."""
    if not isinstance(output, list):
        return f"expected a list, got {type(output).__name__}"
    return None if output == sorted(args[0]) else "the list is not the input sorted ascending"


def pair_sum_count(args: list, output) -> str | None:
    """The number of index pairs i < j with numbers[i] + numbers[j] == target."""
    numbers, target = args
    seen: Counter[int] = Counter()
    pairs = 0
    for number in numbers:
        pairs += seen[target - number]
        seen[number] += 1
    if not isinstance(output, int) or isinstance(output, bool):
        return f"expected an integer, got {type(output).__name__}"
    return None if output == pairs else "wrong number of pairs"


def palindrome(args: list, output) -> str | None:
    """True when the text reads the same both ways, ignoring case and anything not a letter or digit."""
    letters = [character.casefold() for character in args[0] if character.isalnum()]
    if not isinstance(output, bool):
        return f"expected true or false, got {type(output).__name__}"
    return None if output == (letters == letters[::-1]) else "wrong verdict"


CHECKERS: dict[str, Callable[[list, object], str | None]] = {
    "sorted_copy": sorted_copy,
    "pair_sum_count": pair_sum_count,
    "palindrome": palindrome,
}
