"""The warm-up imports modules that exist (it swallows import errors, so a rename would go unseen)."""

from __future__ import annotations

import importlib

from lib.ui.warmup import HEAVY_MODULES


def test_every_module_the_warm_up_imports_exists() -> None:
    for name in HEAVY_MODULES:
        assert importlib.import_module(name).__name__ == name
