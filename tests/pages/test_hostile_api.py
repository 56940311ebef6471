"""Every page under bad configuration and a garbled API: a sentence, never a traceback or a secret."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lib.redaction import MASK
from tests.helpers import rendered
from tests.hostile_api import CLIENT_ID, CLIENT_SECRET, HostileApi, hostile_api
from tests.pages.conftest import ConsoleEnv, page_files
from tests.pages.test_hostile_names import markdown_bodies


def every_page(console_env: ConsoleEnv) -> Iterator[tuple[str, str]]:
    """(page, all its Markdown text as read) for every page, each run asserting no exception."""
    for page in page_files():
        at = console_env.page("app.py" if page.name == "app.py" else page.name).run()
        assert not at.exception, (page.name, [e.value for e in at.exception])
        yield page.name, rendered("\n".join(markdown_bodies(at._tree)))


def test_a_url_without_scheme_is_a_sentence_on_every_page(
    console_env: ConsoleEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STREAM_API_URL", "user:hunter2-secret@api.example.com")
    for name, text in every_page(console_env):
        assert "STREAM_API_URL must start with http:// or https://" in text, name
        assert "hunter2-secret" not in text, name


def test_credentials_in_the_url_are_masked_everywhere_it_is_shown(
    console_env: ConsoleEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STREAM_API_URL", "https://ops:hunter2-secret@127.0.0.1:9")  # nothing listens
    console_env.records.add_org("org-1", "Cantina", "crm-1", "a@example.com", "local operator")
    console_env.choose("org-1")
    shown = dict(every_page(console_env))
    assert f"https://{MASK}@127.0.0.1:9" in shown["1_Connect.py"]  # where the URL is shown, masked
    for name, text in shown.items():
        assert "hunter2-secret" not in text, name
        assert "ops:" not in text, name


@pytest.fixture
def garbled(console_env: ConsoleEnv, monkeypatch: pytest.MonkeyPatch) -> Iterator[HostileApi]:
    with hostile_api() as api:
        monkeypatch.setenv("STREAM_API_URL", api.base_url)
        monkeypatch.setenv("STREAM_CLIENT_ID", CLIENT_ID)
        monkeypatch.setenv("STREAM_CLIENT_SECRET", CLIENT_SECRET)
        records = console_env.records
        records.add_org("org-1", "Cantina", "crm-1", "a@example.com", "local operator")
        records.add_onboarding("pos-1", "org-1", "pos", "toast", "active", None, "local operator")
        records.add_onboarding("dsp-1", "org-1", "dsp", "grubhub", "active", None, "local operator")
        console_env.choose("org-1")  # the person works on it: every page opens it (?org=org-1)
        yield api


@pytest.mark.parametrize("mode", ["deep", "surrogate", "surrogate_error", "shape", "null"])
def test_a_garbled_api_is_a_sentence_on_every_page(
    console_env: ConsoleEnv, garbled: HostileApi, mode: str
) -> None:
    garbled.mode = mode
    for name, text in every_page(console_env):
        assert "Traceback" not in text, name
    if mode in ("deep", "shape"):
        assert "could not read" in dict(every_page(console_env))["6_Org_status.py"]
