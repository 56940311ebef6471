"""Lists read item by item: the readable items are kept, the others reported by id and reason.

One location with a null name must not make the other 4,999 of a merchant unreadable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pydantic

ItemT = TypeVar("ItemT", bound=pydantic.BaseModel)

# Keys that identify an item in a person's words, most specific first.
ID_KEYS = ("_id", "id", "provider_id", "pos_location_id", "dsp_provider_id")


@dataclass(frozen=True)
class UnreadableItem:
    """An item of a list answer that did not fit its model: where it was, its id if any, and why."""

    index: int
    id: str | None
    reason: str

    def describe(self) -> str:
        """'taco-tres-L0007: name is missing' (or '#7: ...' when the item has no id)."""
        return f"{self.id or f'#{self.index + 1}'}: {self.reason}"


class PartialList(list[ItemT], Generic[ItemT]):
    """A list of the readable items of an answer; .unreadable lists the others."""

    def __init__(self, items: list[ItemT] | None = None, unreadable: list[UnreadableItem] | None = None):
        super().__init__(items or [])
        self.unreadable: list[UnreadableItem] = list(unreadable or [])

    @property
    def total(self) -> int:
        """How many items the answer had, readable or not."""
        return len(self) + len(self.unreadable)

    def summary(self, noun: str = "locations") -> str | None:
        """'2 of 5,000 locations could not be read: L0007 (name is missing), ...' or None when all were."""
        if not self.unreadable:
            return None
        shown = "; ".join(item.describe() for item in self.unreadable[:5])
        more = f"; and {len(self.unreadable) - 5:,} more" if len(self.unreadable) > 5 else ""
        return f"{len(self.unreadable):,} of {self.total:,} {noun} could not be read ({shown}{more})."


def unreadable_summary(items: Iterable[Any], noun: str = "locations") -> str | None:
    """The sentence naming the items of an answer that could not be read (None for a plain list)."""
    return items.summary(noun) if isinstance(items, PartialList) else None


def item_id(item: Any) -> str | None:
    """The id a person would look for, when the item is an object that has one."""
    if isinstance(item, dict):
        for key in ID_KEYS:
            value = item.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
                return str(value)
    return None


def _reason(error: pydantic.ValidationError) -> str:
    """Where and what, never the value (a body may hold anything)."""
    parts = []
    for detail in error.errors()[:3]:
        where = ".".join(str(p) for p in detail["loc"]) or "the item"
        if detail["type"] == "missing":
            what = "is missing"
        elif detail.get("input") is None:
            what = "is null"
        else:
            what = detail["msg"][:1].lower() + detail["msg"][1:]
        parts.append(f"{where} {what}")
    return "; ".join(parts)


def parse_items(model: type[ItemT], items: list[Any]) -> PartialList[ItemT]:
    """Validate each item on its own: the readable ones in order, the others reported."""
    good: list[ItemT] = []
    bad: list[UnreadableItem] = []
    for index, item in enumerate(items):
        try:
            good.append(model.model_validate(item))
        except pydantic.ValidationError as exc:
            bad.append(UnreadableItem(index, item_id(item), _reason(exc)))
    return PartialList(good, bad)
