"""Fixtures for the matching tests: the Fodor's/Zagat benchmark and synthetic merchants, matched once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from benchmarks.matching import FODORS_DIR
from lib.matching import Proposals, propose_pairs
from lib.synthetic import synthetic_case
from tests.matching.cases import Case


@pytest.fixture(scope="session")
def fodors_dir() -> Path:
    if not (FODORS_DIR / "pos.csv").is_file():
        pytest.fail(
            f"Fodor's/Zagat test data missing: expected {FODORS_DIR}/pos.csv, dsp.csv, truth.csv "
            "(they are part of the repository: tests/data/fodors_zagats)"
        )
    return FODORS_DIR


@pytest.fixture(scope="session")
def fodors(fodors_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, Proposals]:
    read = {"dtype": str, "keep_default_na": False}
    pos = pd.read_csv(fodors_dir / "pos.csv", **read)
    dsp = pd.read_csv(fodors_dir / "dsp.csv", **read)
    truth = pd.read_csv(fodors_dir / "truth.csv", **read)
    return pos, dsp, truth, propose_pairs(pos, dsp)


@pytest.fixture(scope="session")
def merchant() -> Case:
    """A 1,000-location chain on DoorDash with every hard case present."""
    pos, dsp, truth = synthetic_case(1_000, seed=0)
    return Case(pos, dsp, truth, propose_pairs(pos, dsp))


@pytest.fixture(scope="session")
def grubhub_merchant() -> Case:
    """Another brand and marketplace (typos and missing ZIPs weigh more there), to avoid tuning to one."""
    pos, dsp, truth = synthetic_case(400, seed=7, dsp="grubhub")
    return Case(pos, dsp, truth, propose_pairs(pos, dsp))
