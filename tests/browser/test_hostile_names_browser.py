"""A hostile org name typed into the form reads as text in a browser: no link, no remote image, no markup."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect

from tests.browser.conftest import WAIT_MS, ConsoleServer, settle, shot

FOLDER = "hostile-names"
NAME = (
    "**Bold** [click me](http://evil.example/phish) ![px](http://evil.example/pixel.png) :red[red] $x^2$ "
    "www.evil.example"
)

SHOWN = "**Bold** [click me](http"  # what the page must show literally (a word joiner follows "http")


def test_a_markdown_org_name_shows_as_typed_and_fetches_nothing(
    console_server: ConsoleServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if "evil" in request.url else None)
    main = page.get_by_test_id("stMain")
    page.goto(console_server.base_url + "/Organizations")
    main.get_by_role("textbox", name="Organization name").fill(NAME)
    main.get_by_role("textbox", name="Your internal id (provider_id)").fill("crm-hostile-1")
    main.get_by_role("textbox", name="User email").fill("rosa@example.com")
    main.get_by_role("textbox", name="First name").fill("Rosa")
    main.get_by_role("textbox", name="Last name").fill("Diaz")
    main.get_by_role("button", name="Create organization").click()
    expect(main).to_contain_text(f"Created {SHOWN}", timeout=WAIT_MS)  # the flash, as typed
    expect(page).to_have_url(re.compile(r"[?&]org="))  # the new org is the current one, in the address
    org = parse_qs(urlparse(page.url).query)["org"][0]

    for path, where in (("/", "home"), ("/Integrations", "integrations"), ("/Org_status", "org-status")):
        page.goto(console_server.base_url + f"{path}?org={org}")
        expect(main.get_by_role("heading", name=SHOWN, exact=False).first).to_be_visible(timeout=WAIT_MS)
        settle(page)
        links = main.locator("a[href*='evil']:not([href^='#'])")  # not a heading's own anchor
        links = links.evaluate_all("(links) => links.map((a) => a.href)")
        assert links == [], f"links on {where}"
        assert main.locator("img[src*='evil']").count() == 0, f"a remote image on {where}"
        assert main.locator("strong", has_text="Bold").count() == 0, f"bold text on {where}"
        assert main.locator(".katex").count() == 0, f"math on {where}"
        shot(page, FOLDER, where)
    assert outside == [], "the browser fetched something the org name pointed at"
