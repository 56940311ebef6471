"""The POS and DSP sources the console offers by name; any other source may still be typed in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lib.store.types import OnboardingRecord


@dataclass(frozen=True)
class KnownSource:
    """A source the console knows: its API key, its display label and whether it usually uses OAuth."""

    key: str
    type: str  # "pos" | "dsp"
    label: str


KNOWN_SOURCES: tuple[KnownSource, ...] = (
    KnownSource("toast", "pos", "Toast"),
    KnownSource("square", "pos", "Square"),
    KnownSource("clover", "pos", "Clover"),
    KnownSource("doordash", "dsp", "DoorDash"),
    KnownSource("ubereats", "dsp", "Uber Eats"),
    KnownSource("grubhub", "dsp", "Grubhub"),
)

OTHER_SOURCE = "other…"
# The console's own status for an integration a person dropped while it waited: the API has no call to delete
# one, so only the console's records say so (the API may still list it as waiting).
ABANDONED = "abandoned"
# Statuses after which an integration no longer occupies its POS or DSP slot.
_ENDED = frozenset({ABANDONED, "deprovisioned"})


def source_keys(kind: str) -> list[str]:
    """The known source keys of one type ("pos" or "dsp"), in a stable order."""
    return [s.key for s in KNOWN_SOURCES if s.type == kind]


def source_label(key: str) -> str:
    """A readable name for a source key (the key itself when unknown)."""
    for s in KNOWN_SOURCES:
        if s.key == key:
            return s.label
    return key


def normalize_source(text: str) -> str:
    """A typed source as the API expects it: trimmed and lower-case."""
    return text.strip().lower()


def latest_by_source(
    onboardings: Sequence[OnboardingRecord],
) -> tuple[list[OnboardingRecord], list[OnboardingRecord]]:
    """(the newest onboarding per type and source, POS first then by source; all older ones)."""
    latest: dict[tuple[str, str], OnboardingRecord] = {}
    for record in sorted(onboardings, key=lambda r: r.created_at):
        if record.status != ABANDONED:  # abandoned ones are only earlier attempts
            latest[(record.type, record.source)] = record
    order = {"pos": 0, "dsp": 1}
    current = sorted(latest.values(), key=lambda r: (order.get(r.type, 2), r.source))
    keep = {r.onboarding_id for r in current}
    return current, [r for r in onboardings if r.onboarding_id not in keep]


def in_use(onboardings: Sequence[OnboardingRecord], kind: str, source: str) -> list[OnboardingRecord]:
    """The org's integrations a new kind/source one would double: any live POS; for a DSP, the same source.

    An org has one POS, so a second POS of any source is worth a warning; several DSPs of different sources
    are the normal case, so only the same DSP twice is.
    """
    return [
        r
        for r in onboardings
        if r.type == kind and r.status not in _ENDED and (kind == "pos" or r.source == source)
    ]
