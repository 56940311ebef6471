"""Seed the sandbox with onboarded orgs through the real API client: org, POS, ingest, DSP, bind.

Used by the tests and the benchmarks (`python -m benchmarks.export`, `python -m benchmarks.binding`). Every
step goes through StreamClient exactly as the console does, so seeded orgs look like the ones it onboards.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lib import synthetic
from lib.stream.client import StreamClient
from lib.stream.models import BindPair, CreateIntegrationRequest, CreateOrgRequest, OrgUser

RETURN_URL = "http://127.0.0.1:8501/Integrations"
POS_SOURCE = "clover"  # the sandbox's manual-code POS
DSP_SOURCE = "grubhub"  # the sandbox's manual-code DSP


@dataclass
class SeededOrg:
    """What seed_org created: ids to look things up by, and which POS locations were bound."""

    org_id: str
    name: str
    merchant: str
    pos_onboarding_id: str
    dsp_onboarding_id: str | None
    ingested: list[str]  # POS provider ids
    bound: dict[str, str] = field(default_factory=dict)  # POS provider id -> DSP store id
    provider_id: str = ""
    dsp_source: str | None = None

    def record(self, records: Any, actor: str = "seed@example.com") -> None:
        """Record the org and its (active) integrations in a lib.store Records, as the console would."""
        records.add_org(self.org_id, self.name, self.provider_id, "owner@example.com", actor)
        records.add_onboarding(self.pos_onboarding_id, self.org_id, "pos", POS_SOURCE, "active", None, actor)
        if self.dsp_onboarding_id and self.dsp_source:
            records.add_onboarding(
                self.dsp_onboarding_id, self.org_id, "dsp", self.dsp_source, "active", None, actor
            )


@lru_cache(maxsize=16)
def true_pairs(merchant: str, dsp: str) -> tuple[tuple[str, str], ...]:
    """(POS provider id, DSP store id) of the stores that truly are POS locations, in POS order."""
    _, truth = synthetic.dsp_stores(synthetic.CATALOG[merchant], dsp)
    pairs = truth.dropna(subset=["pos_provider_id", "dsp_provider_id"])
    return tuple(zip(pairs["pos_provider_id"].astype(str), pairs["dsp_provider_id"].astype(str), strict=True))


def seed_org(
    client: StreamClient,
    merchant: str = "taco-tres",
    *,
    name: str | None = None,
    provider_id: str | None = None,
    ingest: int | None = None,
    dsp: str | None = DSP_SOURCE,
    bind: int | None = None,
    records: Any = None,
    actor: str = "seed@example.com",
) -> SeededOrg:
    """Create an org on the sandbox merchant `merchant` and onboard it.

    ingest: how many POS locations to ingest (None = all). dsp: DSP to connect by manual code (None = none).
    bind: how many ingested locations to bind to their true DSP store (None = every one that has one).
    records: a lib.store Records to record the org and its integrations in, as the console would.
    """
    name = name or f"{synthetic.CATALOG[merchant].brand} (seed)"
    provider_id = provider_id or f"seed-{merchant}-{uuid.uuid4().hex[:10]}"  # the API wants it unique
    created = client.create_org(
        CreateOrgRequest(
            name=name,
            provider_id=provider_id,
            user=OrgUser(email="owner@example.com", first_name="Sam", last_name="Seed"),
        )
    )
    org_id = created.org_id
    code = f"SANDBOX-{merchant}"
    pos = client.create_integration(
        CreateIntegrationRequest(org_id=org_id, source=POS_SOURCE, type="pos", return_url=RETURN_URL)
    )
    assert pos.id is not None
    pos = client.exchange_code(pos.id, code)
    assert pos.id is not None
    listed = [loc.provider_id for loc in client.list_locations(pos.id)]
    chosen = listed if ingest is None else listed[:ingest]
    if chosen:
        client.ingest_locations(pos.id, chosen)
    seeded = SeededOrg(org_id, name, merchant, pos.id, None, chosen, provider_id=provider_id)
    if dsp is None:
        if records is not None:
            seeded.record(records, actor)
        return seeded

    onboarding = client.create_integration(
        CreateIntegrationRequest(org_id=org_id, source=dsp, type="dsp", return_url=RETURN_URL)
    )
    assert onboarding.id is not None
    onboarding = client.exchange_code(onboarding.id, code)
    assert onboarding.id is not None
    seeded.dsp_onboarding_id = onboarding.id
    seeded.dsp_source = dsp
    stores = {store.provider_id: store.name for store in client.list_locations(onboarding.id)}
    ingested = set(chosen)
    pairs = [(p, d) for p, d in true_pairs(merchant, dsp) if p in ingested and d in stores]
    pairs = pairs if bind is None else pairs[:bind]
    if pairs:
        client.bind_locations(
            onboarding.id,
            [BindPair(pos_location_id=p, dsp_provider_id=d, dsp_store_name=stores[d]) for p, d in pairs],
        )
        seeded.bound = dict(pairs)
    if records is not None:
        seeded.record(records, actor)
    return seeded
