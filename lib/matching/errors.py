"""The matcher's errors: each carries one sentence for a person (what happened, what to do)."""

from __future__ import annotations


class MatchInputError(ValueError):
    """A location table the engine cannot read (missing column, blank or duplicate ids)."""


class MatchBudgetError(MatchInputError):
    """An input that cannot be matched within the engine's time and memory budget."""
