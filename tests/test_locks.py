"""The two lock files: the runtime one pins what the console needs and nothing the tests add."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]


def _pins(name: str) -> set[str]:
    lines = (REPO / name).read_text().splitlines()
    return {canonicalize_name(line.split("==")[0]) for line in lines if "==" in line}


def _names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(text).name) for text in requirements}


def test_runtime_and_development_are_locked_apart() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert _names(project["dependencies"]) <= runtime
    assert _names(project["optional-dependencies"]["dev"]) <= dev
    assert not runtime & dev
    assert not runtime & {"pytest", "playwright", "ruff", "usaddress", "ipykernel"}
    assert (REPO / "requirements-dev.lock").read_text().count("-r requirements.lock") == 1
