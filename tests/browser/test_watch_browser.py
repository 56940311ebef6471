"""The watcher in headless Chromium, as a person meets it after go-live, with three orgs.

Alpha Tacos' POS is deprovisioned and one of Beta Cafe's stores REJECTED at the session's sandbox between two
watcher passes; Gamma Grill is fine. The home page lists both alerts with the org, what happened, since when
and a link to the page that fixes it; acknowledging one is audited with who; Check now shows its progress;
History draws the funnel and downloads it. Screenshots go to artifacts/watch/.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Locator, Page, expect

from benchmarks.seed import SeededOrg, seed_org
from lib.access.identity import LOCAL_OPERATOR
from lib.sandbox.embed import EmbeddedSandbox
from lib.store import ALERT_ACKNOWLEDGED, Records
from lib.store.watch import WatchRecords
from lib.stream.client import StreamClient
from lib.watch import WatchSettings, run_pass
from tests.browser.conftest import WAIT_MS, ConsoleServer, running_console, shot

pytestmark = pytest.mark.browser
FOLDER = "watch"


@dataclass
class World:
    """The module's console and records, and the three orgs."""

    server: ConsoleServer
    records: Records
    alpha: SeededOrg
    beta: SeededOrg
    gamma: SeededOrg


@pytest.fixture(scope="module")
def world(sandbox: EmbeddedSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("watch-browser")
    url = f"sqlite:///{folder / 'console.db'}"
    with (
        StreamClient(sandbox.base_url, sandbox.client_id, sandbox.client_secret) as api,
        Records(url) as records,
    ):
        alpha, beta, gamma = (
            seed_org(api, merchant, name=name, records=records)
            for merchant, name in (
                ("rosas-cantina", "Alpha Tacos"),
                ("cafe-lumiere", "Beta Cafe"),
                ("rosas-cantina", "Gamma Grill"),
            )
        )
        run_pass(records, api, WatchSettings())  # the baseline
        sandbox.deprovision(alpha.pos_onboarding_id)
        sandbox.set_store_status(beta.org_id, next(iter(beta.bound.values())), "REJECTED")
        run_pass(records, api, WatchSettings())
        with running_console(folder, url, api=sandbox) as server:
            yield World(server, records, alpha, beta, gamma)


def _card(page: Page, records: Records, org: SeededOrg) -> Locator:
    (alert,) = WatchRecords(records).list_alerts(org_ids=[org.org_id])
    return page.locator(f".st-key-home_attention_alert_{alert.id}")


def test_home_lists_each_alert_with_org_what_since_and_a_fixing_link(world: World, new_page) -> None:
    page = new_page()
    page.goto(world.server.base_url + "/")
    alpha = _card(page, world.records, world.alpha)
    expect(alpha).to_contain_text("Integration deprovisioned · Alpha Tacos", timeout=WAIT_MS)
    expect(alpha).to_contain_text("POS clover integration deprovisioned")
    expect(alpha).to_contain_text(re.compile(r"since \d{4}-\d\d-\d\d \d\d:\d\d UTC"))
    beta = _card(page, world.records, world.beta)
    expect(beta).to_contain_text("DSP store rejected or paused · Beta Cafe")
    expect(page.locator("[class*='st-key-home_attention_alert_']")).to_have_count(2)  # Gamma Grill is fine
    shot(page, FOLDER, "home")

    alpha.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/Integrations\?org={world.alpha.org_id}$"), timeout=WAIT_MS)
    expect(page.locator(".st-key-org_heading")).to_have_text("Alpha Tacos", timeout=WAIT_MS)
    page.go_back()
    beta = _card(page, world.records, world.beta)
    beta.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/Org_status\?org={world.beta.org_id}$"), timeout=WAIT_MS)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_acknowledging_leaves_the_queue_and_is_audited_with_who(world: World, new_page) -> None:
    page = new_page()
    page.goto(world.server.base_url + "/")
    alpha = _card(page, world.records, world.alpha)
    alpha.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged: Integration deprovisioned · Alpha Tacos")).to_be_visible(
        timeout=WAIT_MS
    )
    expect(alpha).to_have_count(0)
    expect(page.locator("[class*='st-key-home_attention_alert_']")).to_have_count(1)
    (entry,) = world.records.list_audit(action=ALERT_ACKNOWLEDGED)
    assert (entry.actor, entry.org_id) == (LOCAL_OPERATOR, world.alpha.org_id)
    page.get_by_text("Show acknowledged").click()
    expect(alpha).to_contain_text(f"acknowledged by {LOCAL_OPERATOR}", timeout=WAIT_MS)


def test_check_now_shows_progress_then_the_summary(world: World, faults: EmbeddedSandbox, new_page) -> None:
    page = new_page()
    page.goto(world.server.base_url + "/")
    button = page.locator(".st-key-home_attention_check").get_by_role("button", name="Check now")
    expect(button).to_be_enabled(timeout=WAIT_MS)
    faults.set_faults(latency_ms=1500)  # every read takes a while, so the progress stays on screen
    button.click()
    expect(page.get_by_text(re.compile(r"^Check(ing|ed \d of 3) organizations…$"))).to_be_visible(
        timeout=WAIT_MS
    )
    expect(
        page.get_by_text(re.compile(r"^Checked: 3 orgs, \d+ changes?, 0 alerts sent, 0 failed"))
    ).to_be_visible(timeout=WAIT_MS)
    assert WatchRecords(world.records).last_run()["actor"] == LOCAL_OPERATOR  # type: ignore[index]


def test_history_draws_the_funnel_and_downloads_it(world: World, new_page, tmp_path: Path) -> None:
    page = new_page()
    page.goto(world.server.base_url + f"/History?org={world.alpha.org_id}")
    expect(page.get_by_role("heading", name="Onboarding funnel")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=WAIT_MS)
    expect(page.locator(".st-key-funnel_xlsx")).to_have_text("Download Excel")
    expect(page.locator(".st-key-funnel_parquet")).to_have_text("Download Parquet")
    for fmt, read in (("csv", pd.read_csv), ("parquet", pd.read_parquet)):
        with page.expect_download(timeout=WAIT_MS) as info:
            page.locator(f".st-key-funnel_{fmt}").get_by_role("button").click()
        funnel = read(io.BytesIO(Path(info.value.path()).read_bytes()))
        assert (funnel["stage"].iloc[0], funnel["orgs"].iloc[0], len(funnel)) == ("Org created", 3, 6), fmt
    expect(page.get_by_text("Changes", exact=True)).to_be_visible(timeout=WAIT_MS)
    shot(page, FOLDER, "history")
