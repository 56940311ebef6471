"""One current org per session in AppTest: kept across page switches and reruns, in the address, not guessed.

The browser tests (tests/browser/test_current_org_browser.py) are the bar for this; these pin the rules fast.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lib.access import Action, Role
from lib.ui.nav import PAGES, NavPage, visible_pages
from tests.pages.conftest import ConsoleEnv, page_files

ORGS = {"org-a": "Alpha Grill", "org-b": "Beta Bakery", "org-c": "Gamma Tacos"}  # org-c is the newest


def three_orgs(env: ConsoleEnv) -> None:
    for org_id, name in ORGS.items():
        env.records.add_org(org_id, name, None, None, "tester")


def sidebar_org(at: AppTest) -> str | None:
    return at.sidebar.selectbox(key="sidebar_org").value


def test_the_org_chosen_in_the_sidebar_stays_on_every_page_and_in_the_address(
    console_env: ConsoleEnv,
) -> None:
    three_orgs(console_env)
    at = console_env.page("2_Organizations.py").run()
    at.sidebar.selectbox(key="sidebar_org").select("org-b").run()
    assert not at.exception
    assert at.session_state["current_org_id"] == "org-b"
    assert dict(at.query_params) == {"org": "org-b"}
    for page in [*PAGES[1:], *reversed(PAGES)]:
        at.switch_page(page.path).run()
        assert not at.exception, (page.label, [e.value for e in at.exception])
        assert sidebar_org(at) == "org-b", page.label
        assert at.session_state["current_org_id"] == "org-b", page.label


def test_a_page_opened_without_an_org_asks_instead_of_picking_the_newest(console_env: ConsoleEnv) -> None:
    three_orgs(console_env)
    at = console_env.page("3_Integrations.py").run()
    assert not at.exception
    assert "Choose or create an organization first" in " ".join(str(i.value) for i in at.info)
    assert sidebar_org(at) is None
    assert "current_org_id" not in at.session_state
    assert not any("Start an integration" in str(h.value) for h in at.subheader)

    at.selectbox(key="guard_org").select("org-a").run()  # chosen on the page itself
    assert [str(h.value) for h in at.subheader][:2] == ["Alpha Grill", "Start an integration for Alpha Grill"]
    assert sidebar_org(at) == "org-a"


def test_the_address_names_the_org_and_an_unknown_one_is_not_used(console_env: ConsoleEnv) -> None:
    three_orgs(console_env)
    at = console_env.page("3_Integrations.py", org="org-a").run()
    assert [str(h.value) for h in at.subheader][:2] == ["Alpha Grill", "Start an integration for Alpha Grill"]
    assert sidebar_org(at) == "org-a"

    unknown = console_env.page("3_Integrations.py", org="org-nope").run()
    assert not unknown.exception
    assert "does not know" in " ".join(str(w.value) for w in unknown.warning)
    assert sidebar_org(unknown) is None
    assert "org" not in unknown.query_params


def test_the_menu_links_carry_the_org_and_home_is_called_home(console_env: ConsoleEnv) -> None:
    three_orgs(console_env)
    at = console_env.page("1_Connect.py", org="org-c").run()
    links = at.sidebar.get("page_link")
    assert [link.proto.label for link in links] == [p.label for p in PAGES]
    assert links[0].proto.label == "Home"
    assert {link.proto.query_string for link in links} == {"org=org-c"}


def test_the_menu_lists_only_the_pages_a_role_may_open() -> None:
    settings = NavPage("pages/9_Settings.py", "Role settings", "⚙️", Action.VIEW_ROLE_SETTINGS)
    pages = (*PAGES, settings)
    assert [p.label for p in visible_pages(Role.ANALYST, pages)] == [p.label for p in PAGES]
    assert visible_pages(Role.ADMIN, pages)[-1] == settings
    assert visible_pages(None, pages) == [], "no role: no page"


def test_every_page_the_console_serves_is_in_the_menu() -> None:
    assert [p.path for p in PAGES] == ["app.py", *(f"pages/{f.name}" for f in page_files()[1:])]
