"""The Bind screen when matching cannot run on the loaded tables: one sentence, never a traceback.

The engine's budget is lowered for the test (the real engine, on a 40-location org, meets its real limit):
reaching the real limits takes tables of hundreds of thousands of rows.
"""

from __future__ import annotations

import pytest

import lib.binding.propose
import lib.ui.bind_state
from lib.matching import MatchConfig, propose_pairs
from tests.pages.conftest import ConsoleEnv
from tests.pages.test_bind_page import _connect_doordash


@pytest.mark.parametrize(
    ("budget", "said"),
    [
        (MatchConfig(max_pairs=10), "candidate pairs, more than the matcher scores in its budget"),
        (MatchConfig(dense_block=10, max_street_cells=4), "different streets, more than the matcher"),
    ],
    ids=["pairs", "streets"],
)
def test_matching_over_its_budget_says_so_in_one_sentence(
    console_env: ConsoleEnv, monkeypatch: pytest.MonkeyPatch, budget: MatchConfig, said: str
) -> None:
    _connect_doordash(console_env)
    monkeypatch.setattr(
        lib.binding.propose, "propose_pairs", lambda pos, dsp, _config: propose_pairs(pos, dsp, budget)
    )
    at = console_env.page("5_Bind.py").run()
    assert not at.exception, [e.value for e in at.exception]  # no traceback on the page
    (error,) = at.error
    assert error.value.startswith("Matching stopped because ") and " POS and " in error.value
    assert said in error.value and error.value.endswith("send these numbers to your console administrator.")
    assert "split the files" not in error.value  # the CLI's advice: the screen has no files
    assert at.button(key="bind_retry_load").label == "Try again"
    assert not at.dataframe  # no table built from a matching that did not run


def test_matching_over_its_budget_after_a_status_refresh_says_so_and_tries_again(
    console_env: ConsoleEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refresh DSP statuses re-reads the locations and matches again: over budget there is a sentence too."""
    _connect_doordash(console_env)
    at = console_env.page("5_Bind.py").run()
    assert not at.exception and at.dataframe  # the table, matched within the real budget
    budget: list[MatchConfig] = [MatchConfig(max_pairs=10)]  # emptied below: the real budget again
    monkeypatch.setattr(
        lib.binding.propose,
        "propose_pairs",
        lambda pos, dsp, config: propose_pairs(pos, dsp, budget[0] if budget else config),
    )
    lib.ui.bind_state.cached_proposals.clear()  # the same tables would otherwise reuse the first matching
    at.button(key="bind_refresh").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (error,) = at.error
    assert error.value.startswith("Matching stopped because ")
    assert not at.dataframe
    budget.clear()
    at.button(key="bind_retry_model").click().run()
    assert not at.exception and not at.error and at.dataframe
