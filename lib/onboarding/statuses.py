"""What each status means for the person onboarding: how urgent it is and the next step, for every screen.

The API's statuses are open text (api-notes): a status nobody here knows yet is shown as itself, marked
unknown, never hidden or turned into an error. Screens render these notes; they do not interpret statuses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lib.onboarding.sources import ABANDONED, source_label


class Attention(StrEnum):
    """How much a status asks of the person, shown as a badge."""

    OK = "ok"
    WAITING = "waiting"
    PAUSED = "paused"
    ACTION = "action needed"
    UNKNOWN = "unknown"


# Most urgent first: a location's row shows its most urgent note.
URGENCY: tuple[Attention, ...] = (
    Attention.ACTION,
    Attention.UNKNOWN,
    Attention.PAUSED,
    Attention.WAITING,
    Attention.OK,
)
NOT_OK: tuple[Attention, ...] = URGENCY[:-1]


@dataclass(frozen=True)
class StatusNote:
    """A status as text, its badge and what to do about it (None when nothing is to be done)."""

    status: str
    attention: Attention
    next_step: str | None = None

    @property
    def ok(self) -> bool:
        """Nothing to do."""
        return self.attention is Attention.OK


def _text(status: Any) -> str | None:
    text = None if status is None else str(status).strip()
    return text or None


def integration_note(status: Any, kind: str, source: str | None = None) -> StatusNote:
    """An integration's status (pending, waiting_for_oauth, active, deprovisioned or other text)."""
    text = _text(status)
    what = (kind or "").upper() or "the"
    label = source_label(source) if source else f"the {what}"
    if text is None:
        return StatusNote(
            "unknown",
            Attention.UNKNOWN,
            f"status unknown: refresh; if it stays, start a new {what} integration",
        )
    key = text.lower()
    if key == "active":
        return StatusNote(text, Attention.OK)
    if key == "waiting_for_oauth":
        return StatusNote(
            text, Attention.WAITING, f"waiting for the merchant's consent at {label}: open the consent link"
        )
    if key == "pending":
        return StatusNote(text, Attention.WAITING, f"enter the integration code from {label}")
    if key == "deprovisioned":
        return StatusNote(text, Attention.ACTION, f"reconnect: start a new {what} integration")
    if key == ABANDONED:  # the console's own mark: nothing waits on it any more
        return StatusNote(text, Attention.UNKNOWN, f"dropped in the console: start a new {what} integration")
    return StatusNote(
        text,
        Attention.UNKNOWN,
        f"unknown status '{text}': check the integration at {label}, or start a new {what} integration",
    )


def location_note(status: Any, paused_until: Any = None) -> StatusNote:
    """A POS location's status (active, inactive, inactive with paused_until, or other text)."""
    text = _text(status)
    if text is None:
        return StatusNote(
            "unknown",
            Attention.UNKNOWN,
            "status unknown: refresh; if it stays, check the location in the POS",
        )
    key = text.lower()
    until = _text(paused_until)
    if key == "active":
        return StatusNote(text, Attention.OK)
    if until is not None and key in ("inactive", "paused"):
        return StatusNote(
            f"paused until {until}", Attention.PAUSED, f"paused until {until}: reopens by itself"
        )
    if key in ("inactive", "paused"):
        return StatusNote(
            text,
            Attention.ACTION,
            "location inactive: check it is open in the POS; if the POS was disconnected, reconnect: "
            "start a new POS integration and re-sync the locations",
        )
    return StatusNote(text, Attention.UNKNOWN, f"unknown status '{text}': check the location in the POS")


def dsp_note(status: Any, source: str | None) -> StatusNote:
    """A DSP binding's status (PENDING, APPROVED, REJECTED, PAUSED, PENDING_REVIEW, DEPROVISIONED, other)."""
    dsp = source_label(source) if source else "the DSP"
    text = _text(status)
    if text is None:
        return StatusNote(
            "unknown",
            Attention.UNKNOWN,
            f"no status from {dsp}: refresh; if it stays, open the DSP's merchant portal",
        )
    key = text.upper()
    if key == "APPROVED":
        return StatusNote(text, Attention.OK)
    if key == "PENDING":
        return StatusNote(text, Attention.WAITING, f"waiting for {dsp} to approve the store")
    if key == "PENDING_REVIEW":
        return StatusNote(
            text, Attention.WAITING, f"{dsp} is reviewing the store: nothing to do until it decides"
        )
    if key == "REJECTED":
        return StatusNote(text, Attention.ACTION, f"store rejected by {dsp}: open the DSP's merchant portal")
    if key == "PAUSED":
        return StatusNote(
            text, Attention.PAUSED, f"store paused on {dsp}: resume it in the DSP's merchant portal"
        )
    if key == "DEPROVISIONED":
        return StatusNote(
            text, Attention.ACTION, f"{dsp} disconnected: start a new DSP integration and bind again"
        )
    return StatusNote(
        text, Attention.UNKNOWN, f"unknown status '{text}' from {dsp}: open the DSP's merchant portal"
    )


def most_urgent(notes: Iterable[StatusNote]) -> StatusNote | None:
    """The note that needs the person most (the first of the most urgent kind), None for no notes."""
    ranked = sorted(enumerate(notes), key=lambda pair: (URGENCY.index(pair[1].attention), pair[0]))
    return ranked[0][1] if ranked else None


def org_location_note(location: Any) -> StatusNote:
    """One org location with its DSP bindings (a lib.stream OrgLocation): its most urgent note."""
    extra = getattr(location, "model_extra", None) or {}
    notes = [location_note(location.status, extra.get("paused_until"))]
    notes += [dsp_note(d.status, d.source) for d in location.dsps]
    found = most_urgent(notes)
    assert found is not None  # the location's own note is always there
    return found


def attention_of(status: Any) -> Attention:
    """The badge of a status whose kind is not known (a bare badge): the known words of every kind."""
    text = _text(status)
    if text is None:
        return Attention.UNKNOWN
    key = text.lower()
    if key in ("active", "approved"):
        return Attention.OK
    if key in ("pending", "waiting_for_oauth", "pending_review") or key.startswith("paused until"):
        return Attention.PAUSED if key.startswith("paused") else Attention.WAITING
    if key == "paused":
        return Attention.PAUSED
    if key in ("inactive", "deprovisioned", "rejected"):
        return Attention.ACTION
    return Attention.UNKNOWN


def binding_groups(statuses: Mapping[str, Any], source: str) -> list[tuple[StatusNote, list[str]]]:
    """POS location id -> binding status on one DSP, grouped by note; only those not ok, most urgent first."""
    groups: dict[StatusNote, list[str]] = {}
    for pos_id, status in statuses.items():
        note = dsp_note(status, source)
        if not note.ok:
            groups.setdefault(note, []).append(pos_id)
    return sorted(groups.items(), key=lambda pair: (URGENCY.index(pair[0].attention), pair[0].status))
