"""The home page: the current org's checklist read from the records and the sandbox, and the next step."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.helpers import rendered
from tests.pages.conftest import ConsoleEnv
from tests.pages.test_locations import connected_pos


def page_links(at: AppTest) -> list[tuple[str, str]]:
    """The links in the page itself (the sidebar holds the page menu)."""
    return [(e.proto.label, e.proto.page) for e in at.main.get("page_link")]


def markdown(at: AppTest) -> str:
    return rendered(" ".join(str(e.value) for e in at.markdown))


def test_a_fresh_console_sends_the_person_to_create_an_org(console_env: ConsoleEnv) -> None:
    at = console_env.page().run()
    assert not at.exception
    assert "No organization yet" in " ".join(str(e.value) for e in at.info)
    assert [label for label, _ in page_links(at)] == ["Create an organization"]


def test_the_checklist_counts_ingested_locations_and_points_at_the_dsp_step(console_env: ConsoleEnv) -> None:
    pos = connected_pos(console_env, "cafe-lumiere")
    client = console_env.client()
    ids = [loc.provider_id for loc in client.list_locations(pos.onboarding_id)][:5]
    client.ingest_locations(pos.onboarding_id, ids)

    at = console_env.page().run()
    assert not at.exception, [e.value for e in at.exception]
    text = markdown(at)
    assert "**Organization created** · done" in text
    assert "**POS connected** · done  \nClover connected." in text
    assert "**Locations ingested** · in progress  \n5 of 8 locations ingested." in text
    assert "**Locations bound** · waiting for an earlier step" in text
    assert "**Next step — Locations ingested:** 5 of 8 locations ingested." in text
    assert page_links(at)[-1] == ("Open Locations", "Locations"), "the next step links to the Locations page"
