"""The audit log as an analyst reads it: org names, one compact entry at a time, a bind's pairs as a table
with the proposed store beside the chosen one."""

from __future__ import annotations

from lib.binding import BindRun, PlannedPair, audit_payload
from lib.store import LOCATIONS_BOUND
from tests.helpers import rendered
from tests.pages.conftest import ConsoleEnv


def _pairs(n: int) -> list[PlannedPair]:
    pairs = [
        PlannedPair(f"pos-{i}", f"Taco Tres {i}", f"dd-{i}", f"Taco Tres #{i}", 97.0, "auto", False)
        for i in range(n - 1)
    ]
    changed = PlannedPair(
        "pos-x",
        "Taco Tres X",
        "dd-chosen",
        "Taco Tres Chosen",
        62.0,
        "review",
        True,
        "changed by you",
        True,
        proposed="dd-proposed",
        proposed_name="Taco Tres Proposed",
    )
    return [changed, *pairs]


def test_org_names_and_a_compact_bind_entry_with_proposed_and_chosen_stores(console_env: ConsoleEnv) -> None:
    console_env.records.add_org("org-tt", "Taco Tres Inc", "tt-1", "ana@example.com", "local operator")
    payload = audit_payload("onb-1", "doordash", _pairs(38), BindRun(), "local operator")
    console_env.records.audit(
        "local operator", LOCATIONS_BOUND, "org-tt", payload.request, payload.outcome, payload.detail
    )
    at = console_env.page("8_Audit_log.py").run()
    assert not at.exception
    [entries] = [d for d in at.dataframe if "summary" in d.value.columns]
    assert entries.value["org_id"].tolist() == ["Taco Tres Inc (org-tt)"]
    assert "Taco Tres Inc (org-tt)" in rendered(" ".join(m.value for m in at.markdown))

    # The raw JSON waits in a closed expander; the pairs are one scrolling table.
    assert not [c for c in at.main.get("code") if c not in at.expander[0].get("code")]
    assert at.expander[0].label == "Raw entry (JSON)"
    [pairs] = [d for d in at.dataframe if "pos_location_id" in d.value.columns and len(d.value) == 38]
    first = pairs.value.iloc[0]
    assert (first["dsp_provider_id"], first["proposed_dsp_provider_id"]) == ("dd-chosen", "dd-proposed")
    assert first["proposed_store_name"] == "Taco Tres Proposed"
