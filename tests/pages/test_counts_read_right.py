"""Counts read the way a person writes them: "1 organization", "5,000 locations", whole-number chart ticks,
and DSP columns headed as the console names the DSP."""

from __future__ import annotations

import re

import pandas as pd
from streamlit.testing.v1 import AppTest

from benchmarks.seed import seed_org
from lib.export import dsp_status_counts, org_status_table
from lib.export.charts import dsp_status_chart, unbound_bars_html
from lib.numbers import count, number, part
from lib.store import LOCATIONS_BOUND
from tests.helpers import rendered, screen_html_tables
from tests.pages.conftest import ConsoleEnv


def test_count_and_number() -> None:
    assert (count(1, "organization"), count(2, "organization")) == ("1 organization", "2 organizations")
    assert count(5000, "location") == "5,000 locations"
    assert number(4656) == "4,656"
    assert (part(1, 1, "pair"), part(3, 5000, "pair")) == ("1 of 1 pair", "3 of 5,000 pairs")


def test_charts_count_in_whole_numbers() -> None:
    counts = dsp_status_counts(pd.DataFrame({"dsp_grubhub": ["APPROVED", None, "PENDING"]}))
    axis = dsp_status_chart(counts).to_dict()["encoding"]["x"]["axis"]
    assert axis["tickMinStep"] == 1 and axis["format"] == ",d", axis
    # Portfolio's bars of unbound locations (plain HTML) write their counts as 5,000.
    overview = pd.DataFrame({"org_id": ["o"], "org_name": ["O"], "unbound": [5000], "locations": [5000]})
    bars = unbound_bars_html(overview)
    assert ">5,000</div>" in bars and "5,000 of 5,000 locations" in bars


def test_portfolio_says_1_organization_and_heads_dsp_columns_by_name(console_env: ConsoleEnv) -> None:
    seed_org(console_env.client(), "rosas-cantina", dsp="grubhub", records=console_env.records)
    at = console_env.page("7_Portfolio.py").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "1 organization ·" in captions and "1 organizations" not in captions
    table = screen_html_tables(at)[-1]  # the locations, as headed and written on screen
    assert "Grubhub" in table.columns and not {"Doordash", "dsp_grubhub"} & set(table.columns)
    assert "org_id" in table.columns and set(table["org_name"]) == {"Rosa's Cantina (seed)"}
    assert org_status_table([], dsps=["grubhub"]).columns[:2].tolist() == ["org_id", "org_name"]


# A number of four digits or more standing alone (not part of an id such as big-slice-pizza-L0007 or a date).
_RAW_THOUSANDS = re.compile(r"(?<![\w\-.,:])\d{4,}(?![\w\-:])")


def _texts(at: AppTest) -> list[str]:
    """Everything a person reads on the page besides tables: headings, text, metrics, buttons, alerts."""
    texts = [
        rendered(e.value)
        for kind in ("caption", "markdown", "subheader", "error", "warning", "info")
        for e in getattr(at, kind)
    ]
    texts += [f"{m.label}: {m.value}" for m in at.metric]
    texts += [b.label for b in at.button]
    return texts


def _raw_thousands(at: AppTest) -> list[str]:
    return [t for t in _texts(at) if _RAW_THOUSANDS.search(t)]


def test_bind_and_audit_write_thousands_with_separators_and_plurals_right(console_env: ConsoleEnv) -> None:
    # 2,000 locations, 1,000 of them bound: every count on Bind is in the thousands.
    seeded = seed_org(console_env.client(), "big-slice-pizza", bind=1000, records=console_env.records)
    console_env.choose(seeded.org_id)
    at = console_env.page("5_Bind.py").run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["POS locations"] == "2,000" and metrics["Already bound"] == "1,000"
    texts = " ".join(_texts(at))
    assert "of 2,000 POS locations shown ·" in texts
    review = at.button(key="bind_review").label
    assert re.fullmatch(r"Review and bind \d{1,3}(,\d{3})* pairs?", review), review
    oid = seeded.dsp_onboarding_id
    at.button_group(key=f"bind_bands:{oid}").set_value(["left without a store"]).run()
    assert "DSP stores are free" in " ".join(_texts(at)) or "DSP store is free" in " ".join(_texts(at))
    at.button_group(key=f"bind_bands:{oid}").set_value([]).run()
    at.button(key="bind_review").click().run()
    assert not at.exception
    confirm = at.button(key="bind_confirm").label
    assert re.fullmatch(r"Confirm: bind \d{1,3}(,\d{3})* pairs?", confirm), confirm
    assert _raw_thousands(at) == []

    # The other screens of the same org: home checklist, Locations, Org status, Portfolio.
    for page in ("app.py", "4_Locations.py", "6_Org_status.py", "7_Portfolio.py"):
        at = console_env.page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert _raw_thousands(at) == [], page
    assert "1,000 of 2,000 locations bound" in " ".join(_texts(console_env.page("app.py").run()))

    # The audit log with more than a thousand entries, one of them a bind of a single pair.
    for i in range(1_000):
        console_env.records.audit("am@example.com", "org.checked", seeded.org_id, {"n": i}, "ok")
    pair = {"pos_location_id": "p", "dsp_provider_id": "d", "score": 97}
    console_env.records.audit(
        "am@example.com", LOCATIONS_BOUND, seeded.org_id, {"pairs": [pair]}, "ok", {"bound": 1}
    )
    at = console_env.page("8_Audit_log.py").run()
    assert not at.exception, [e.value for e in at.exception]
    texts = " ".join(_texts(at))
    assert re.search(r"1,00\d of 1,00\d entries you can see match the filters", texts), texts
    assert "pairs (asked)** · 1 row" in texts and "1 rows" not in texts  # the newest entry's one pair
    assert _raw_thousands(at) == []


def test_one_location_is_one_location_on_org_status_and_portfolio(console_env: ConsoleEnv) -> None:
    seeded = seed_org(console_env.client(), "rosas-cantina", ingest=1, dsp=None, records=console_env.records)
    console_env.choose(seeded.org_id)
    for page in ("6_Org_status.py", "7_Portfolio.py"):
        at = console_env.page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        captions = " ".join(c.value for c in at.caption)
        assert "Showing 1 of 1 location ·" in captions, (page, captions)
