"""Counts in words, the one way every screen, file name and CLI message writes them: "1 organization",
"5,000 locations"."""

from __future__ import annotations

import math


def number(n: int) -> str:
    """An integer with thousands separators: 5000 -> "5,000"."""
    return f"{n:,}"


def count(n: int, word: str, plural: str | None = None) -> str:
    """`n` and the noun, singular for one: count(1, "organization") -> "1 organization"."""
    return f"{number(n)} {word if n == 1 else plural or word + 's'}"


def part(n: int, total: int, word: str, plural: str | None = None) -> str:
    """`n` of `total` and the noun, agreeing with the total: part(3, 5000, "pair") -> "3 of 5,000 pairs"."""
    return f"{number(n)} of {count(total, word, plural)}"


def whole(value: float) -> int:
    """A score as the console shows and records it: a whole number, halves rounded up (8.5 -> 9).

    Python's round() sends halves to the even number (8.5 -> 8) while the browser's formatting sends them up,
    so the screen, the dialog and the audit log would disagree; everything goes through this instead.
    """
    return math.floor(float(value) + 0.5)
