"""Two Bind pages (two sessions) on the same org: the second binder replaces nothing without confirming it.

Both load the screen with nothing bound. A binds the 37 proposed pairs. B, whose table still shows the org as
it was, re-pairs one location and confirms: the console re-reads the bindings, sends none of A's pairs again,
and asks B to confirm by name the one replacement before sending it.
"""

from __future__ import annotations

from lib.store import LOCATIONS_BOUND
from tests.helpers import rendered
from tests.pages.conftest import ConsoleEnv
from tests.pages.test_bind_page import Org, _edit, _open, _table, org  # noqa: F401 - org is a fixture


def test_the_second_binder_is_asked_before_replacing_and_told_what_someone_else_bound(
    console_env: ConsoleEnv,
    org: Org,  # noqa: F811
) -> None:
    a, b = _open(console_env), _open(console_env)
    table = _table(b)
    ticked = [pos for pos in table.index if table.at[pos, "bind"]]

    a.button(key="bind_review").click().run()
    a.button(key="bind_confirm").click().run()
    assert not a.exception and rendered(a.success[0].value) == "All 37 pairs bound."
    by_a = org.bound()
    assert len(by_a) == 37

    # B re-pairs one of the locations A bound with another store nobody holds.
    target = ticked[0]
    other = next(s for s in _store_ids(org) if s not in by_a.values())
    b = _edit(b, {target: {"dsp_store": other}})
    b.button(key="bind_review").click().run()
    b.button(key="bind_confirm").click().run()
    assert not b.exception
    assert org.bound() == by_a, "nothing was sent before B confirmed the replacement"
    warning = " ".join(rendered(w.value) for w in b.warning)
    assert "someone else bound 1 of these locations" in warning and target in warning
    assert b.button(key="bind_confirm").label == "Confirm: replace 1 and bind 37 pairs"

    b.button(key="bind_confirm").click().run()  # B confirms replacing it, by name
    assert not b.exception
    assert org.bound() == {**by_a, target: other}, "only the confirmed replacement changed"
    told = " ".join(rendered(w.value) for w in b.warning)
    assert "Someone else bound 36 of these locations since you loaded the table" in told
    entries = console_env.records.list_audit(action=LOCATIONS_BOUND)
    assert len(entries) == 2 and all(e.outcome == "ok" for e in entries)
    latest = entries[0]
    assert [p["pos_location_id"] for p in latest.detail["bound"]] == [target]


def test_an_org_being_bound_by_someone_else_says_who_and_since_when(
    console_env: ConsoleEnv,
    org: Org,  # noqa: F811
) -> None:
    lease = console_env.records.take_bind_lease(org.seeded.org_id, "ann@example.com")
    at = _open(console_env)
    shown = " ".join(rendered(w.value) for w in at.warning)
    assert f"Being bound by ann@example.com since {lease.since:%H:%M} UTC" in shown


def _store_ids(seeded: Org) -> list[str]:
    return [s.provider_id for s in seeded.client.list_locations(seeded.dsp_onboarding_id)]
