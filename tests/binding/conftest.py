"""Fixtures for lib/binding: a sandbox merchant matched once per module."""

from __future__ import annotations

import pytest

from tests.binding.matched import Matched, matched


@pytest.fixture(scope="module")
def taco() -> Matched:
    """Taco Tres (40 locations) on DoorDash: 37 auto, 1 review (a closed store nearby), 2 without a store."""
    return matched("taco-tres", "doordash")
