"""Tables for people from the watcher's history: needs attention, funnel, time to live, an org's timeline."""

from __future__ import annotations

import uuid

import pandas as pd

from benchmarks.seed import seed_org
from lib.store import Records
from lib.store.watch import WatchRecords
from lib.stream.client import StreamClient
from lib.stream.models import CreateOrgRequest, OrgUser
from lib.watch import WatchSettings, run_pass
from lib.watch.analytics import (
    funnel,
    needs_attention,
    org_stages,
    org_timeline,
    time_to_live,
    time_to_live_summary,
)


def test_funnel_time_to_live_needs_attention_and_timeline(
    api: StreamClient, records: Records, clock, slow_sandbox
) -> None:
    live = seed_org(api, "rosas-cantina", records=records)  # bound, PENDING
    no_dsp = seed_org(api, "rosas-cantina", dsp=None, records=records)
    bare = api.create_org(
        CreateOrgRequest(
            name="Bare",
            provider_id=f"bare-{uuid.uuid4().hex[:8]}",
            user=OrgUser(email="o@example.com", first_name="O", last_name="W"),
        )
    )
    records.add_org(bare.org_id, "Bare", None, None, "am@x")
    run_pass(records, api, WatchSettings(), clock=clock)
    clock.advance(days=2)
    slow_sandbox.set_store_status(live.org_id, next(iter(live.bound.values())), "APPROVED")
    run_pass(records, api, WatchSettings(), clock=clock)

    watch = WatchRecords(records)
    orgs = records.list_orgs()
    stages = org_stages(watch, orgs)
    table = funnel(stages)
    assert list(table["orgs"]) == [3, 2, 2, 1, 1, 1]
    assert list(table["from_previous"].iloc[1:]) == [round(2 / 3, 4), 1.0, 0.5, 1.0, 1.0]
    assert table["from_created"].iloc[-1] == round(1 / 3, 4)
    ttl = time_to_live(stages)
    assert list(ttl["org_id"]) == [live.org_id] and ttl["days_to_live"].iloc[0] == 2.0
    assert time_to_live_summary(stages) == {"live": 1, "median_days": 2.0, "p90_days": 2.0}

    queue = needs_attention(watch, orgs)
    assert list(queue["org_id"]) == [no_dsp.org_id] and queue["page"].iloc[0] == "bind"
    assert queue["what"].iloc[0] == "Ingested locations not bound"
    watch.acknowledge(int(queue["alert_id"].iloc[0]), "am@x", clock())
    assert (
        needs_attention(watch, orgs).empty
        and len(needs_attention(watch, orgs, include_acknowledged=True)) == 1
    )

    timeline = org_timeline(watch, live.org_id, clock())
    dsp = timeline[timeline["lane"] == "locations · grubhub"]
    assert sorted(zip(dsp["status"], dsp["locations"], strict=True)) == [
        ("APPROVED", 1),  # since the second pass
        ("PENDING", 1),  # the store approved: PENDING until the second pass
        ("PENDING", 2),  # still open
    ]
    assert (timeline["end"] <= clock()).all() and timeline["lane"].str.startswith("POS clover").any()


def test_time_to_live_median_and_p90_over_many_merchants() -> None:
    # Ten live merchants (1..10 days) and two not live yet: those count in neither figure.
    stages = pd.DataFrame({"days_to_live": [*range(1, 11), None, None]}, dtype="float")
    assert time_to_live_summary(stages) == {"live": 10, "median_days": 5.5, "p90_days": 9.1}
