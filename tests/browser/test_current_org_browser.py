"""One current organization per browser session, in headless Chromium, with three orgs.

Three orgs are seeded at the session's sandbox and in the console's records, in this order, so the old
fallbacks (the first org, the newest org) are both wrong for the org the person chooses:
Taco Tres Group (taco-tres, 38 of 40 locations ingested), Burger Barn (bread-and-butter, 8 of 12) and
Repro Org C (rosas-cantina, 1 of 3), each with Clover and Grubhub connected and nothing bound. One console
serves the module's tests (they only add to the orgs, each test checking its own changes at the API).
Screenshots go to artifacts/current-org/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Locator, Page, expect

from benchmarks.browser_pages import bind_cell
from benchmarks.seed import SeededOrg, seed_org
from lib.binding import bound_stores
from lib.sandbox.embed import EmbeddedSandbox
from lib.store import CODE_EXCHANGED, INTEGRATION_STARTED, ORG_CREATED, Records
from lib.stream.client import StreamClient
from tests.browser.conftest import WAIT_MS, ConsoleServer, menu, running_console, shot
from tests.helpers import follow_consent

pytestmark = pytest.mark.browser
FOLDER = "current-org"
DSP = "grubhub"

# Menu label -> (page title, whether the page works on the current org)
PAGES: dict[str, tuple[str, bool]] = {
    "Home": ("Onboarding Console", True),
    "Connect": ("Connect", False),
    "Organizations": ("Organizations", False),
    "Integrations": ("Integrations", True),
    "Locations": ("Locations", True),
    "Bind": ("Bind DSP stores", True),
    "Org status": ("Org status", True),
    "Portfolio": ("Portfolio", False),
    "Audit log": ("Audit log", False),
    "History": ("History", False),
}


@dataclass
class World:
    """The module's console, its records and a client of its API, and the three orgs."""

    server: ConsoleServer
    records: Records
    api: StreamClient
    taco: SeededOrg
    burger: SeededOrg
    repro: SeededOrg

    def others(self, org: SeededOrg) -> list[SeededOrg]:
        return [o for o in (self.taco, self.burger, self.repro) if o.org_id != org.org_id]


@pytest.fixture(scope="module")
def world(sandbox: EmbeddedSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("current-org")
    url = f"sqlite:///{folder / 'console.db'}"
    with (
        StreamClient(sandbox.base_url, sandbox.client_id, sandbox.client_secret) as api,
        Records(url) as records,
    ):
        seeded = [
            seed_org(api, merchant, name=name, ingest=n, dsp=DSP, bind=0, records=records, actor="tester")
            for merchant, name, n in (
                ("taco-tres", "Taco Tres Group", 38),
                ("bread-and-butter", "Burger Barn", 8),
                ("rosas-cantina", "Repro Org C", 1),
            )
        ]
        with running_console(folder, url, api=sandbox) as server:
            yield World(server, records, api, *seeded)


# ----- what the person sees -----


def sidebar_org(page: Page) -> Locator:
    return page.locator(".st-key-sidebar_org").get_by_role("combobox")


def expect_org(page: Page, label: str, org: SeededOrg) -> None:
    """The page `label` is drawn, and names `org` in the sidebar and (org pages) in its heading."""
    title, scoped = PAGES[label]
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=title, exact=True, level=1)).to_be_visible(timeout=WAIT_MS)
    expect(sidebar_org(page)).to_have_value(re.compile(f"^{re.escape(org.name)} "), timeout=WAIT_MS)
    if scoped:
        expect(page.locator(".st-key-org_heading")).to_have_text(org.name, timeout=WAIT_MS)
    expect(page).to_have_url(re.compile(rf"[?&]org={org.org_id}(&|$)"))
    expect(page.get_by_test_id("stException")).to_have_count(0)


def choose(page: Page, org: SeededOrg) -> None:
    """Pick `org` as the current organization in the sidebar."""
    sidebar_org(page).click()
    page.get_by_role("option", name=re.compile(f"^{re.escape(org.name)} ")).click()
    expect(sidebar_org(page)).to_have_value(re.compile(f"^{re.escape(org.name)} "), timeout=WAIT_MS)


def open_page(page: Page, label: str) -> None:
    menu(page).get_by_role("link", name=label, exact=True).click()


def start_on(world: World, page: Page, org: SeededOrg) -> None:
    page.goto(world.server.base_url + "/Organizations")
    expect(page.get_by_test_id("stMain").get_by_role("heading", name="Known organizations")).to_be_visible(
        timeout=WAIT_MS
    )
    choose(page, org)
    expect_org(page, "Organizations", org)


def open_on(world: World, page: Page, org: SeededOrg, label: str) -> Locator:
    """Choose `org`, open `label` from the menu and check it shows `org`; returns the page's main area."""
    start_on(world, page, org)
    open_page(page, label)
    expect_org(page, label, org)
    return page.get_by_test_id("stMain")


def fiddle(page: Page, label: str, visit: int) -> None:
    """Change a filter or a radio button on the page, as a person looking around would."""
    main = page.get_by_test_id("stMain")
    if label == "Integrations":
        kind = "DSP (delivery marketplace)" if visit % 2 == 0 else "POS (point of sale)"
        main.get_by_text(kind, exact=True).click()
        expect(main.get_by_role("radio", name=kind)).to_be_checked(timeout=WAIT_MS)
    elif label in ("Locations", "Bind", "Org status"):
        box = main.get_by_role("textbox").first
        box.fill("a" if visit % 2 == 0 else "")
        box.press("Enter")
    elif label == "Audit log":
        main.get_by_role("tab", name="Entries").click()


# ----- the tests -----


def test_walking_every_page_twice_and_back_keeps_the_chosen_org(
    world: World, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    start_on(world, page, world.burger)  # neither the first org nor the newest
    walk = [*PAGES, *PAGES, *reversed(PAGES)]
    for step, label in enumerate(walk):
        open_page(page, label)
        expect_org(page, label, world.burger)
        fiddle(page, label, step)
        expect_org(page, label, world.burger)
    page.reload()  # a reload keeps it too (it is in the address)
    expect_org(page, walk[-1], world.burger)
    shot(page, FOLDER, "1-walked-back-home")


def test_starting_square_lands_on_the_org_shown(world: World, new_page: Callable[[], Page]) -> None:
    page = new_page()
    main = open_on(world, page, world.burger, "Integrations")
    fiddle(page, "Integrations", 0)  # DSP: the page that once turned into another org's
    expect_org(page, "Integrations", world.burger)
    fiddle(page, "Integrations", 1)  # back to POS
    main.locator(".st-key-integrations_source_pos").get_by_role("combobox").click()
    page.get_by_role("option", name="Square", exact=True).click()
    expect(main.get_by_role("heading", name="Start an integration for Burger Barn")).to_be_visible()
    second = main.locator(".st-key-integrations_second_ok_pos_square")  # Burger Barn already has Clover
    second.get_by_text("Start a second one anyway").click()
    expect(second.get_by_role("checkbox")).to_be_checked(timeout=WAIT_MS)
    main.get_by_role("button", name="Start integration").click()
    expect(main).to_contain_text("Square integration started", timeout=WAIT_MS)
    expect_org(page, "Integrations", world.burger)
    shot(page, FOLDER, "2-square-started")

    [square] = [o for o in world.records.list_onboardings() if o.source == "square"]
    assert square.org_id == world.burger.org_id
    assert world.api.get_integration(square.onboarding_id).org_id == world.burger.org_id  # the API agrees


def test_select_all_and_ingest_lands_on_the_org_shown(world: World, new_page: Callable[[], Page]) -> None:
    before = {o.org_id: len(world.api.org_locations(o.org_id)) for o in world.others(world.burger)}
    page = new_page()
    main = open_on(world, page, world.burger, "Locations")
    main.get_by_role("button", name="Select all not yet ingested (4)").click()
    ingest = main.get_by_role("button", name="Ingest 4 selected locations")
    expect(ingest).to_be_enabled(timeout=WAIT_MS)
    expect_org(page, "Locations", world.burger)
    ingest.click()
    expect(main).to_contain_text("All 4 locations ingested.", timeout=WAIT_MS)
    expect_org(page, "Locations", world.burger)
    shot(page, FOLDER, "3-ingested")

    assert len(world.api.org_locations(world.burger.org_id)) == 12
    assert {o.org_id: len(world.api.org_locations(o.org_id)) for o in world.others(world.burger)} == before


def test_an_edit_then_bind_lands_on_the_org_shown(world: World, new_page: Callable[[], Page]) -> None:
    page = new_page()
    main = open_on(world, page, world.burger, "Bind")
    review = main.get_by_role("button", name=re.compile(r"^Review and bind \d+ pairs?$"))
    expect(review).to_be_enabled(timeout=WAIT_MS)
    ticked = int(re.findall(r"\d+", review.inner_text())[0])
    assert ticked >= 2, "Burger Barn has confident pairs ticked in advance"

    page.mouse.click(*bind_cell(page, 0, "bind"))  # the edit: untick the first pair
    fewer = ticked - 1
    review = main.get_by_role("button", name=f"Review and bind {fewer} pair{'s' if fewer != 1 else ''}")
    expect(review).to_be_enabled(timeout=WAIT_MS)
    expect_org(page, "Bind", world.burger)  # the page (and the edit) stay Burger Barn's
    review.click()
    dialog = page.get_by_role("dialog")
    confirm = dialog.get_by_role("button", name=re.compile(r"^Confirm: bind"))
    expect(confirm).to_be_visible(timeout=WAIT_MS)
    confirm.click()
    expect(main).to_contain_text(f"All {fewer} pair", timeout=WAIT_MS)
    expect_org(page, "Bind", world.burger)
    shot(page, FOLDER, "4-bound")

    bound = bound_stores(world.api.org_locations(world.burger.org_id), DSP)
    assert len(bound) == fewer
    for other in world.others(world.burger):
        assert bound_stores(world.api.org_locations(other.org_id), DSP) == {}, other.name


def test_two_people_with_different_orgs_each_act_on_their_own(
    world: World, new_page: Callable[[], Page]
) -> None:
    first, second = new_page(), new_page()  # two browser contexts: two people
    start_on(world, first, world.taco)
    start_on(world, second, world.repro)
    for page in (first, second):
        open_page(page, "Integrations")
    expect_org(first, "Integrations", world.taco)
    expect_org(second, "Integrations", world.repro)

    for page, source in ((first, "Uber Eats"), (second, "DoorDash")):
        fiddle(page, "Integrations", 0)
        page.locator(".st-key-integrations_source_dsp").get_by_role("combobox").click()
        page.get_by_role("option", name=source, exact=True).click()
    for page, source in ((first, "Uber Eats"), (second, "DoorDash")):
        page.get_by_test_id("stMain").get_by_role("button", name="Start integration").click()
        started = f"{source} integration started"
        expect(page.get_by_test_id("stMain")).to_contain_text(started, timeout=WAIT_MS)
    expect_org(first, "Integrations", world.taco)
    expect_org(second, "Integrations", world.repro)

    for page in (first, second):
        open_page(page, "Locations")
    first.get_by_test_id("stMain").get_by_role("button", name="Select all not yet ingested (2)").click()
    second.get_by_test_id("stMain").get_by_role("button", name="Select all not yet ingested (2)").click()
    for page in (first, second):
        page.get_by_test_id("stMain").get_by_role("button", name="Ingest 2 selected locations").click()
    for page in (first, second):
        expect(page.get_by_test_id("stMain")).to_contain_text("All 2 locations ingested.", timeout=WAIT_MS)
    expect_org(first, "Locations", world.taco)
    expect_org(second, "Locations", world.repro)
    shot(first, FOLDER, "5a-first-person")
    shot(second, FOLDER, "5b-second-person")

    started = {o.source: o for o in world.records.list_onboardings() if o.source in ("ubereats", "doordash")}
    assert world.api.get_integration(started["ubereats"].onboarding_id).org_id == world.taco.org_id
    assert world.api.get_integration(started["doordash"].onboarding_id).org_id == world.repro.org_id
    assert len(world.api.org_locations(world.taco.org_id)) == 40
    assert len(world.api.org_locations(world.repro.org_id)) == 3


def test_a_deep_link_opens_that_org_on_a_fresh_server_and_no_org_asks(
    world: World, sandbox: EmbeddedSandbox, new_page: Callable[[], Page], tmp_path: Path
) -> None:
    # A second, freshly started console on the same records: what a restart or a colleague's server is.
    with running_console(tmp_path, str(world.records.url), api=sandbox) as fresh:
        page = new_page()
        page.goto(f"{fresh.base_url}/Bind?org={world.burger.org_id}")
        expect_org(page, "Bind", world.burger)
        expect(page.get_by_test_id("stMetric").filter(has_text="POS locations")).to_contain_text(
            "12", timeout=WAIT_MS
        )
        shot(page, FOLDER, "6-deep-link")

        lost = new_page()  # no org in the address and none chosen: the page asks, it never guesses
        lost.goto(f"{fresh.base_url}/Bind")
        expect(lost.get_by_test_id("stMain")).to_contain_text(
            "Choose or create an organization first", timeout=WAIT_MS
        )
        expect(sidebar_org(lost)).to_have_value("")
        lost.get_by_test_id("stMain").get_by_role("combobox").click()
        lost.get_by_role("option", name=re.compile("^Repro Org C ")).click()
        expect_org(lost, "Bind", world.repro)


# ----- two console processes on one PostgreSQL records database -----


def test_two_consoles_on_one_postgresql_behave_as_one(
    pg_url: str, sandbox: EmbeddedSandbox, new_page: Callable[[], Page], tmp_path: Path
) -> None:
    with (
        running_console(tmp_path / "one", pg_url, api=sandbox) as one,
        running_console(tmp_path / "two", pg_url, api=sandbox) as two,
    ):
        # Someone creates an org on console one and starts Toast there.
        page = new_page()
        main = page.get_by_test_id("stMain")
        page.goto(one.base_url + "/Organizations")
        expect(main.get_by_role("heading", name="Create an organization")).to_be_visible(timeout=WAIT_MS)
        main.get_by_role("textbox", name="Organization name").fill("Replica Diner")
        main.get_by_role("textbox", name="Your internal id (provider_id)").fill(f"replica-{tmp_path.name}")
        main.get_by_role("textbox", name="User email").fill("replica@example.com")
        main.get_by_role("textbox", name="First name").fill("Rae")
        main.get_by_role("textbox", name="Last name").fill("Plica")
        main.get_by_role("button", name="Create organization").click()
        expect(main).to_contain_text("Created Replica Diner", timeout=WAIT_MS)
        open_page(page, "Integrations")
        main.get_by_role("button", name="Start integration").click()
        consent = main.get_by_role("link", name="Open the Toast consent page")
        expect(consent).to_be_visible(timeout=WAIT_MS)
        entry_url = consent.get_attribute("href")
        assert entry_url

        # The provider sends the browser back; the load balancer hands it to console two.
        back = follow_consent(entry_url, merchant="rosas-cantina")
        query = urlencode(back)
        other = new_page()
        other.goto(f"{two.base_url}/Integrations?{query}")
        landed = other.get_by_test_id("stMain")
        expect(landed).to_contain_text("Toast is connected: the integration is active.", timeout=WAIT_MS)
        expect(sidebar_org(other)).to_have_value(re.compile("^Replica Diner "), timeout=WAIT_MS)
        shot(other, FOLDER, "7-returned-to-console-two")

        # Both consoles show the same orgs and the same audit log.
        for base in (one.base_url, two.base_url):
            viewer = new_page()
            viewer.goto(f"{base}/Integrations?org={back['org']}")
            expect(viewer.get_by_test_id("stMain")).to_contain_text("active", timeout=WAIT_MS)
            expect(sidebar_org(viewer)).to_have_value(re.compile("^Replica Diner "), timeout=WAIT_MS)
            open_page(viewer, "Audit log")
            log = viewer.get_by_test_id("stMain")
            expect(log).to_contain_text("3 of 3 entries you can see", timeout=WAIT_MS)
    with Records(pg_url) as records:  # what both showed: two entries written by console one, one by two
        assert [e.action for e in records.list_audit()] == [CODE_EXCHANGED, INTEGRATION_STARTED, ORG_CREATED]
