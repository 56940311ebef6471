"""Counts in words, the one way every screen, file name and CLI message writes them: "1 organization",
"5,000 locations"."""

from __future__ import annotations


def number(n: int) -> str:
    """An integer with thousands separators: 5000 -> "5,000"."""
    return f"{n:,}"


def count(n: int, word: str, plural: str | None = None) -> str:
    """`n` and the noun, singular for one: count(1, "organization") -> "1 organization"."""
    return f"{number(n)} {word if n == 1 else plural or word + 's'}"
