"""Every page of the console runs without an exception, with and without a current organization."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pages.conftest import APP, ConsoleEnv, page_files


def _name(path: Path) -> str:
    return "app.py" if path == APP else path.name


@pytest.mark.parametrize("path", page_files(), ids=_name)
def test_page_runs_without_an_exception_on_a_fresh_console(console_env: ConsoleEnv, path: Path) -> None:
    at = console_env.page(_name(path)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page shows a title"


@pytest.mark.parametrize("path", page_files(), ids=_name)
def test_page_runs_without_an_exception_with_a_current_org(console_env: ConsoleEnv, path: Path) -> None:
    console_env.records.add_org("org-smoke", "Smoke Test Diner", "smoke-1", "owner@example.com", "tester")
    console_env.choose("org-smoke")
    at = console_env.page(_name(path)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title
