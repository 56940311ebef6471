"""The Connect page and the sidebar's API line: which API, whether it answers, token scopes and expiry."""

from __future__ import annotations

import pytest

from tests.helpers import rendered
from tests.pages.conftest import ConsoleEnv


def _all_text(at) -> str:  # type: ignore[no-untyped-def]
    parts = [
        str(e.value)
        for kind in ("markdown", "caption", "info", "success", "error", "warning")
        for e in getattr(at, kind)
    ]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [str(e.value) for e in at.sidebar.markdown] + [str(e.value) for e in at.sidebar.caption]
    return rendered("\n".join(parts))


def _button(at, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def test_sidebar_says_the_sandbox_answers(console_env: ConsoleEnv) -> None:
    at = console_env.page("1_Connect.py")
    at.run()
    sidebar = " ".join(str(e.value) for e in at.sidebar.markdown)
    assert "answering" in sidebar and "not answering" not in sidebar


def test_test_connection_shows_scopes_and_expiry_but_never_the_secret(console_env: ConsoleEnv) -> None:
    at = console_env.page("1_Connect.py")
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Client ID"] == console_env.sandbox.client_id
    assert console_env.sandbox.base_url in _all_text(at)

    _button(at, "Test connection").click().run()
    assert not at.exception
    assert "Connected" in " ".join(str(s.value) for s in at.success)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Scopes"] == "onboarding"
    minutes = int(metrics["Token expires in"].split()[0])
    assert 55 <= minutes <= 60  # the sandbox issues one-hour tokens
    assert console_env.sandbox.client_secret not in _all_text(at)


def test_wrong_credentials_are_a_sentence_in_the_page_and_the_sidebar(
    console_env: ConsoleEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STREAM_CLIENT_SECRET", "not-the-secret")
    at = console_env.page("1_Connect.py")
    at.run()
    assert not at.exception
    sidebar = " ".join(str(e.value) for e in at.sidebar.markdown)
    assert "not answering" in sidebar
    _button(at, "Test connection").click().run()
    assert not at.exception
    errors = " ".join(str(e.value) for e in at.error)
    assert "credentials" in errors.lower() or "rejected" in errors.lower()
    assert "not-the-secret" not in _all_text(at)


def test_a_bad_setting_is_one_sentence_on_the_page(
    console_env: ConsoleEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STREAM_READ_TIMEOUT", "soon")
    at = console_env.page("1_Connect.py")
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "STREAM_READ_TIMEOUT should be a valid number, unable to parse string as a number (got 'soon'): "
        "fix it in the environment or .streamlit/secrets.toml."
    ]
    assert not at.metric  # nothing else is drawn on a misconfigured console
