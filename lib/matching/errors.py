"""The matcher's errors: each carries one sentence for a person (what happened, what to do)."""

from __future__ import annotations


class MatchInputError(ValueError):
    """A location table the engine cannot read (missing column, blank or duplicate ids)."""


class MatchBudgetError(MatchInputError):
    """An input that cannot be matched within the engine's time and memory budget.

    `what` says what happened in the engine's terms; the message adds what a file user can do, so a screen
    with no files can give its own advice.
    """

    def __init__(self, what: str) -> None:
        super().__init__(f"{what}: split the files by city or ZIP and match each part")
        self.what = what
