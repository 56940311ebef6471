"""The POS and DSP sources the sandbox knows, and which of them connect by OAuth."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """One integration source."""

    key: str
    type: str  # pos | dsp
    label: str
    oauth: bool


SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source("toast", "pos", "Toast", True),
        Source("square", "pos", "Square", True),
        Source("clover", "pos", "Clover", False),
        Source("doordash", "dsp", "DoorDash", True),
        Source("ubereats", "dsp", "Uber Eats", True),
        Source("grubhub", "dsp", "Grubhub", False),
    )
}

MANUAL_CODE_PREFIX = "SANDBOX-"


def sources_of(kind: str) -> list[str]:
    """Source keys of one type, in a stable order."""
    return [s.key for s in SOURCES.values() if s.type == kind]


def manual_code(merchant_code: str) -> str:
    """The manual integration code that connects a sandbox merchant."""
    return f"{MANUAL_CODE_PREFIX}{merchant_code}"
