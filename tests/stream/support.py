"""Helpers for the tests that drive the real sandbox: unique orgs, the generator's answer key, retry waits."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from lib import synthetic
from lib.stream import StreamClient
from lib.stream.models import CreateOrgRequest, OrgUser

RETURN_URL = "http://127.0.0.1:8501/Integrations?state=flow-state-1"


def org_request(name: str = "Café Lumière LLC") -> CreateOrgRequest:
    """An org creation request with a provider_id no other test uses (the API wants them unique)."""
    return CreateOrgRequest(
        name=name,
        provider_id=f"crm-{uuid.uuid4().hex[:12]}",
        user=OrgUser(email="owner@example.com", first_name="Ana", last_name="Lumière"),
    )


def new_org(client: StreamClient, name: str = "Café Lumière LLC") -> str:
    """Create an org with a unique provider_id; returns its id."""
    created = client.create_org(org_request(name))
    assert created.org_id and created.user_id
    return created.org_id


def true_store_of(merchant: str, dsp: str) -> dict[str, str]:
    """POS provider id -> the DSP store that truly is that location (the generator's answer key)."""
    _, truth = synthetic.dsp_stores(synthetic.CATALOG[merchant], dsp)
    pairs = truth.dropna(subset=["pos_provider_id", "dsp_provider_id"])
    return dict(zip(pairs["pos_provider_id"].astype(str), pairs["dsp_provider_id"].astype(str), strict=True))


@dataclass
class SleepLog:
    """Retry waits, recorded and really slept (so Retry-After is honoured against the live sandbox).

    on_sleep, when set, runs before each wait: a test lifts a fault there so that the retry succeeds.
    """

    waits: list[float] = field(default_factory=list)
    on_sleep: Callable[[], object] | None = None

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.on_sleep is not None:
            self.on_sleep()
        time.sleep(seconds)
