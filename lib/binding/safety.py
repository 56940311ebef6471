"""Binding with two people at once: compare the pairs about to be sent with the API's bindings right now.

The table a person confirms was loaded minutes ago; someone else may have bound the same locations or stores
since. Sending blindly would silently replace their work (the API's re-pair frees the old store). So just
before sending, the bindings are read again and each pair is sorted: safe to send, replacing a binding made
since the table was loaded (sent only once the person confirms that replacement by name), its store now
bound elsewhere (not sent), or already bound exactly so (nothing to send).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from lib.binding.check import PlannedPair
from lib.binding.execute import BY_SOMEONE_ELSE, PairOutcome
from lib.binding.frames import bound_stores
from lib.stream.models import OrgLocation


class BindingsReader(Protocol):
    """What the re-read needs from the API client (StreamClient has it)."""

    def org_locations(self, org_id: str) -> list[OrgLocation]: ...


@dataclass(frozen=True)
class Clash:
    """A pair whose location or store someone else bound since the table was loaded."""

    pair: PlannedPair
    current_store: str | None = None  # the store the POS location is bound to now
    holder: str | None = None  # the POS location that holds the pair's store now

    @property
    def replacement_message(self) -> str:
        """'“Taco Tres 4” (pos-4) is now bound to store s-9: binding it to s-2 replaces that.'"""
        p = self.pair
        return (
            f"“{p.pos_name}” ({p.pos_location_id}) was bound to store {self.current_store} by someone else"
            f" since you loaded the table: binding it to {p.dsp_store_name} ({p.dsp_provider_id}) replaces"
            " that."
        )

    @property
    def taken_message(self) -> str:
        """Why a pair was not sent: its store went to another location."""
        p = self.pair
        return (
            f"Not sent: someone else bound store {p.dsp_store_name} ({p.dsp_provider_id}) to POS location "
            f"{self.holder} since you loaded the table. Reload to see their bindings before choosing again."
        )


@dataclass(frozen=True)
class Reread:
    """The pairs sorted against the bindings read just now."""

    send: list[PlannedPair] = field(default_factory=list)
    replacements: list[Clash] = field(default_factory=list)  # need the person's confirmation, by name
    taken: list[Clash] = field(default_factory=list)  # store bound elsewhere now: not sent
    done: list[Clash] = field(default_factory=list)  # already bound exactly so by someone else

    def unconfirmed(self, confirmed: Mapping[str, str | None]) -> list[Clash]:
        """Replacements the person has not confirmed (pos id -> store it was bound to when they confirmed)."""
        return [c for c in self.replacements if confirmed.get(c.pair.pos_location_id, "") != c.current_store]

    def to_send(self, confirmed: Mapping[str, str | None]) -> list[PlannedPair]:
        """The safe pairs plus the confirmed replacements (now replacing what the person saw and accepted)."""
        accepted = [
            replace(c.pair, replaces=c.current_store, flagged=True, flag="replaces a newer binding")
            for c in self.replacements
            if confirmed.get(c.pair.pos_location_id, "") == c.current_store
        ]
        return [*self.send, *accepted]

    def outcomes(self) -> list[PairOutcome]:
        """What the person is told about the pairs not sent: someone else bound them."""
        return [
            *(
                PairOutcome(
                    c.pair.pos_location_id, c.pair.dsp_provider_id, False, BY_SOMEONE_ELSE, c.taken_message
                )
                for c in self.taken
            ),
            *(
                PairOutcome(
                    c.pair.pos_location_id,
                    c.pair.dsp_provider_id,
                    True,
                    BY_SOMEONE_ELSE,
                    "Someone else bound this exact pair since you loaded the table: nothing was sent.",
                )
                for c in self.done
            ),
        ]


def current_bindings(client: BindingsReader, org_id: str, dsp_source: str) -> dict[str, str]:
    """POS location id -> the store it is bound to on this DSP, read from the API now (raises StreamError)."""
    bound = bound_stores(client.org_locations(org_id), dsp_source)
    return {pos: b.dsp_provider_id for pos, b in bound.items()}


def compare_with_current(pairs: Sequence[PlannedPair], current: Mapping[str, str]) -> Reread:
    """Sort the pairs against `current` (pos id -> store), the bindings as the API has them now."""
    holder_of = {store: pos for pos, store in current.items()}
    moving = {p.pos_location_id: p for p in pairs}
    result = Reread()
    for pair in pairs:
        now = current.get(pair.pos_location_id)
        owner = holder_of.get(pair.dsp_provider_id)
        if now == pair.dsp_provider_id:
            result.done.append(Clash(pair, now, owner))
        elif owner is not None and owner != pair.pos_location_id and not _released(owner, moving, current):
            result.taken.append(Clash(pair, now, owner))
        elif now is not None and now != pair.replaces:
            result.replacements.append(Clash(pair, now, owner))
        else:
            result.send.append(pair)
    return result


def _released(owner: str, moving: Mapping[str, PlannedPair], current: Mapping[str, str]) -> bool:
    """True when the store's holder is re-paired in this bind as planned (an earlier wave frees it)."""
    planned = moving.get(owner)
    return planned is not None and planned.replaces == current.get(owner)
