"""Hand-written submissions for bench/code_tasks.py: per task, correct, slow, partially correct and buggy ones."""

QUICKSORT = {
    "correct": [
        """\
def quicksort(items):
    if len(items) <= 1:
        return list(items)
    pivot = items[len(items) // 2]
    return (quicksort([x for x in items if x < pivot]) + [x for x in items if x == pivot]
            + quicksort([x for x in items if x > pivot]))
""",
        """\
import random

def quicksort(items):
    items = list(items)
    def sort(low, high):
        while low < high:
            pivot = items[random.randint(low, high)]
            i, j = low, high
            while i <= j:
                while items[i] < pivot:
                    i += 1
                while items[j] > pivot:
                    j -= 1
                if i <= j:
                    items[i], items[j] = items[j], items[i]
                    i, j = i + 1, j - 1
            if j - low < high - i:
                sort(low, j)
                low = i
            else:
                sort(i, high)
                high = j
    sort(0, len(items) - 1)
    return items
""",
        """\
import random

def quicksort(items):
    if len(items) < 2:
        return items[:]
    pivot = random.choice(items)
    less, same, more = [], [], []
    for item in items:
        if item < pivot:
            less.append(item)
        elif item > pivot:
            more.append(item)
        else:
            same.append(item)
    return quicksort(less) + same + quicksort(more)
""",
        """\
def quicksort(items):
    if len(items) <= 1:
        return list(items)
    first, middle, last = items[0], items[len(items) // 2], items[-1]
    pivot = max(min(first, middle), min(max(first, middle), last))
    return (quicksort([x for x in items if x < pivot]) + [x for x in items if x == pivot]
            + quicksort([x for x in items if x > pivot]))
""",
        """\
def quicksort(items):
    result = list(items)
    stack = [(0, len(result) - 1)]
    while stack:
        low, high = stack.pop()
        if low >= high:
            continue
        mid = (low + high) // 2
        result[mid], result[high] = result[high], result[mid]
        pivot, store = result[high], low
        for i in range(low, high):
            if result[i] < pivot:
                result[i], result[store] = result[store], result[i]
                store += 1
        result[store], result[high] = result[high], result[store]
        stack += [(low, store - 1), (store + 1, high)]
    return result
""",
        """\
def quicksort(items):
    if not items:
        return []
    pivot = items[len(items) // 2]
    smaller = list(filter(lambda x: x < pivot, items))
    equal = list(filter(lambda x: x == pivot, items))
    larger = list(filter(lambda x: x > pivot, items))
    return quicksort(smaller) + equal + quicksort(larger)
""",
    ],
    "slow": [
        """\
def quicksort(items):
    if len(items) <= 1:
        return list(items)
    pivot = items[0]
    return quicksort([x for x in items[1:] if x < pivot]) + [pivot] + quicksort([x for x in items[1:] if x >= pivot])
""",
        """\
def quicksort(items):
    items = list(items)
    def sort(low, high):
        if low >= high:
            return
        pivot, store = items[high], low
        for i in range(low, high):
            if items[i] <= pivot:
                items[i], items[store] = items[store], items[i]
                store += 1
        items[store], items[high] = items[high], items[store]
        sort(low, store - 1)
        sort(store + 1, high)
    sort(0, len(items) - 1)
    return items
""",
        """\
def quicksort(items):
    result = list(items)
    for i in range(1, len(result)):
        value, j = result[i], i - 1
        while j >= 0 and result[j] > value:
            result[j + 1] = result[j]
            j -= 1
        result[j + 1] = value
    return result
""",
    ],
    "partial": [
        """\
def quicksort(items):
    if len(items) <= 1:
        return list(items)
    pivot = items[len(items) // 2]
    return quicksort([x for x in items if x < pivot]) + [pivot] + quicksort([x for x in items if x > pivot])
""",
        """\
def quicksort(items):
    if len(items) == 1:
        return items
    pivot = items[len(items) // 2]
    rest = [x for x in items if x < pivot], [x for x in items if x == pivot], [x for x in items if x > pivot]
    return (quicksort(rest[0]) if rest[0] else []) + rest[1] + (quicksort(rest[2]) if rest[2] else [])
""",
        """\
def quicksort(items):
    counts = [0] * (max(items, default=0) + 1)
    for item in items:
        counts[item] += 1
    return [value for value, count in enumerate(counts) for _ in range(count)]
""",
        """\
def quicksort(items):
    items = list(set(items))
    if len(items) <= 1:
        return items
    pivot = items[0]
    return quicksort([x for x in items if x < pivot]) + [pivot] + quicksort([x for x in items if x > pivot])
""",
    ],
    "buggy": [
        """\
def quicksort(items):
    return items
""",
        """\
def quicksort(items):
    return items[::-1]
""",
        """\
def quicksort(items):
    if len(items) <= 1:
        return list(items)
    pivot = items[0]
    return [x for x in items if x < pivot] + [x for x in items if x == pivot] + [x for x in items if x > pivot]
""",
        """\
def quicksort(items):
    return []
""",
        """\
def quicksort(items):
    if len(items) <= 1:
        return list(items)
    pivot = items[len(items) // 2]
    return (quicksort([x for x in items if x > pivot]) + [x for x in items if x == pivot]
            + quicksort([x for x in items if x < pivot]))
""",
    ],
}

PALINDROME = {
    "correct": [
        """\
def is_palindrome(text):
    letters = [c.casefold() for c in text if c.isalnum()]
    return letters == letters[::-1]
""",
        """\
def is_palindrome(text):
    i, j = 0, len(text) - 1
    while i < j:
        if not text[i].isalnum():
            i += 1
        elif not text[j].isalnum():
            j -= 1
        elif text[i].casefold() != text[j].casefold():
            return False
        else:
            i, j = i + 1, j - 1
    return True
""",
        """\
def is_palindrome(text):
    cleaned = ''.join(filter(str.isalnum, text)).lower()
    return cleaned == cleaned[::-1]
""",
        """\
import re

def is_palindrome(text):
    cleaned = re.sub(r'[\\W_]', '', text).casefold()
    return cleaned == cleaned[::-1]
""",
        """\
from collections import deque

def is_palindrome(text):
    chars = deque(c.lower() for c in text if c.isalnum())
    while len(chars) > 1:
        if chars.popleft() != chars.pop():
            return False
    return True
""",
    ],
    "slow": [
        """\
def is_palindrome(text):
    cleaned = ''.join(c.lower() for c in text if c.isalnum())
    backwards = ''
    for c in cleaned:
        backwards = c + backwards
    return cleaned == backwards
""",
        """\
def is_palindrome(text):
    cleaned = ''.join(c.lower() for c in text if c.isalnum())
    while len(cleaned) > 1:
        if cleaned[0] != cleaned[-1]:
            return False
        cleaned = cleaned[1:-1]
    return True
""",
        """\
def is_palindrome(text):
    cleaned = [c.lower() for c in text if c.isalnum()]
    backwards = []
    for c in cleaned:
        backwards.insert(0, c)
    return cleaned == backwards
""",
    ],
    "partial": [
        """\
def is_palindrome(text):
    letters = [c for c in text if c.isalnum()]
    return letters == letters[::-1]
""",
        """\
def is_palindrome(text):
    cleaned = text.replace(' ', '').lower()
    return cleaned == cleaned[::-1]
""",
        """\
def is_palindrome(text):
    letters = [c.lower() for c in text if c.isalpha()]
    return letters == letters[::-1]
""",
        """\
import string

def is_palindrome(text):
    drop = set(string.punctuation + ' ')
    cleaned = [c.lower() for c in text if c not in drop]
    return cleaned == cleaned[::-1]
""",
    ],
    "buggy": [
        """\
def is_palindrome(text):
    return True
""",
        """\
def is_palindrome(text):
    return text == text[::-1]
""",
        """\
def is_palindrome(text):
    return len(text) % 2 == 0
""",
        """\
def is_palindrome(text):
    return bool(text) and text[0] == text[-1]
""",
        """\
def is_palindrome(text):
    return text.isalnum()
""",
    ],
}

PAIR_SUM = {
    "correct": [
        """\
from collections import Counter

def count_pairs(numbers, target):
    seen = Counter()
    pairs = 0
    for number in numbers:
        pairs += seen[target - number]
        seen[number] += 1
    return pairs
""",
        """\
def count_pairs(numbers, target):
    values = sorted(numbers)
    i, j, pairs = 0, len(values) - 1, 0
    while i < j:
        total = values[i] + values[j]
        if total < target:
            i += 1
        elif total > target:
            j -= 1
        elif values[i] == values[j]:
            n = j - i + 1
            return pairs + n * (n - 1) // 2
        else:
            a = b = 1
            while i + a < j and values[i + a] == values[i]:
                a += 1
            while j - b > i and values[j - b] == values[j]:
                b += 1
            pairs += a * b
            i, j = i + a, j - b
    return pairs
""",
        """\
def count_pairs(numbers, target):
    counts = {}
    pairs = 0
    for number in numbers:
        pairs += counts.get(target - number, 0)
        counts[number] = counts.get(number, 0) + 1
    return pairs
""",
        """\
from collections import defaultdict

def count_pairs(numbers, target):
    seen = defaultdict(int)
    total = 0
    for value in numbers:
        total += seen[target - value]
        seen[value] += 1
    return total
""",
        """\
from bisect import bisect_left, bisect_right

def count_pairs(numbers, target):
    values = sorted(numbers)
    pairs = 0
    for index, value in enumerate(values):
        want = target - value
        pairs += bisect_right(values, want, index + 1) - bisect_left(values, want, index + 1)
    return pairs
""",
    ],
    "slow": [
        """\
def count_pairs(numbers, target):
    count = 0
    for i in range(len(numbers)):
        for j in range(i + 1, len(numbers)):
            if numbers[i] + numbers[j] == target:
                count += 1
    return count
""",
        """\
from itertools import combinations

def count_pairs(numbers, target):
    return sum(1 for a, b in combinations(numbers, 2) if a + b == target)
""",
        """\
def count_pairs(numbers, target):
    count, i = 0, 0
    while i < len(numbers):
        j = i + 1
        while j < len(numbers):
            if numbers[i] + numbers[j] == target:
                count += 1
            j += 1
        i += 1
    return count
""",
    ],
    "partial": [
        """\
def count_pairs(numbers, target):
    values = set(numbers)
    return sum(1 for v in values if target - v in values and v < target - v)
""",
        """\
from collections import Counter

def count_pairs(numbers, target):
    counts = Counter(numbers)
    return sum(counts[v] * counts[target - v] for v in counts if v < target - v)
""",
        """\
def count_pairs(numbers, target):
    values = sorted(numbers)
    i, j, pairs = 0, len(values) - 1, 0
    while i < j:
        total = values[i] + values[j]
        if total == target:
            pairs += 1
            i += 1
            j -= 1
        elif total < target:
            i += 1
        else:
            j -= 1
    return pairs
""",
        """\
from collections import Counter

def count_pairs(numbers, target):
    counts = Counter(numbers)
    pairs = 0
    for v in counts:
        if v < target - v:
            pairs += counts[v] * counts[target - v]
        elif v == target - v:
            pairs += counts[v] * (counts[v] + 1) // 2
    return pairs
""",
    ],
    "buggy": [
        """\
def count_pairs(numbers, target):
    return 0
""",
        """\
def count_pairs(numbers, target):
    return len(numbers) // 2
""",
        """\
from collections import Counter

def count_pairs(numbers, target):
    counts = Counter(numbers)
    return sum(counts[v] * counts[target - v] for v in counts)
""",
    ],
}

SUBMISSIONS = {"quicksort": QUICKSORT, "palindrome": PALINDROME, "pair_sum": PAIR_SUM}
