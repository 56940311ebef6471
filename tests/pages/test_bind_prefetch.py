"""Home prepares Bind while binding is the org's next step: Bind then opens on that read and matching."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from benchmarks.seed import seed_org
from lib.ui import bind_prefetch, bind_state
from tests.pages.conftest import ConsoleEnv
from tests.pages.test_bind_page import MERCHANT, Org, _connect_doordash, _metrics, _open


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The DSP onboarding ids Bind's model is built for (each build reads and matches everything)."""
    built: list[str] = []
    build = bind_state._build

    def counted(loaded: bind_state.BindInputs) -> bind_state.Model:
        built.append(threading.current_thread().name)
        return build(loaded)

    monkeypatch.setattr(bind_state, "_build", counted)
    yield built


def test_home_prepares_bind_in_the_background_when_binding_is_next_and_bind_opens_on_it(
    console_env: ConsoleEnv, builds: list[str]
) -> None:
    org: Org = _connect_doordash(console_env)
    home = console_env.page().run()
    assert not home.exception, [e.value for e in home.exception]
    bind_prefetch.wait(120)
    assert builds == [f"bind-prefetch-{org.dsp_onboarding_id}"]  # built off the page's thread

    at = _open(console_env)
    assert builds == [f"bind-prefetch-{org.dsp_onboarding_id}"]  # Bind opened on it: no second matching
    assert _metrics(at)["POS locations"] == "40"

    console_env.page().run()  # Home again within the cache time: nothing is prepared twice
    bind_prefetch.wait(120)
    assert len(builds) == 1


def test_home_prepares_nothing_when_binding_is_not_next(console_env: ConsoleEnv, builds: list[str]) -> None:
    seeded = seed_org(console_env.client(), MERCHANT, dsp=None, records=console_env.records)
    console_env.choose(seeded.org_id)  # POS connected and ingested, no DSP: the next step is connecting one
    home = console_env.page().run()
    assert not home.exception, [e.value for e in home.exception]
    assert "Connect a DSP" in [link.label for link in home.get("page_link")]
    bind_prefetch.wait(120)
    assert builds == []
