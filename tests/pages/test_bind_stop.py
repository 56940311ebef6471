"""Stop after this batch, as a person sees it on the Bind page: the batch on its way is bound, nothing more is
sent, the page says so, the audit entry has every pair, and the pairs not sent can be sent later.

What the server does when the person presses Stop while the bind runs: it stops the running script at its
next Streamlit call (the progress bar after the batch; from then on every Streamlit call there raises again)
and starts a new run with Stop pressed. The test does the same: from inside the first bind request it asks
the running script to stop, then clicks Stop on the page that run left behind.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from lib.store import LOCATIONS_BOUND
from lib.stream.client import StreamClient
from lib.stream.models import BindPair, BindResponse
from tests.helpers import rendered
from tests.pages.conftest import ConsoleEnv
from tests.pages.test_bind_page import Org, _frame_with, _open, org  # noqa: F401 - org is a fixture


def _stop_the_running_page() -> None:
    """What Streamlit does to the running script when a click arrives (runner.fastReruns, the default)."""
    ctx = get_script_run_ctx()
    assert ctx is not None and ctx.script_requests is not None, "called outside the page's run"
    ctx.script_requests.request_stop()


def test_stop_after_this_batch_binds_the_batch_on_its_way_and_sends_nothing_more(
    console_env: ConsoleEnv,
    org: Org,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = _open(console_env)
    at.session_state["bind_batch_size"] = 10  # 37 pairs: four batches
    sent: list[list[str]] = []
    real_bind = StreamClient.bind_locations

    def bind_then_stop(self: StreamClient, onboarding_id: str, pairs: Sequence[BindPair]) -> BindResponse:
        sent.append([p.pos_location_id for p in pairs])
        if len(sent) == 1:
            _stop_the_running_page()  # the person presses Stop while the first batch is on its way
        return real_bind(self, onboarding_id, pairs)

    monkeypatch.setattr(StreamClient, "bind_locations", bind_then_stop)
    at.button(key="bind_review").click().run()
    assert at.button(key="bind_confirm").label == "Confirm: bind 37 pairs"
    at.button(key="bind_confirm").click().run()  # the run binding the pairs, stopped after the first batch
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="bind_stop").click().run()  # the run the click starts
    assert not at.exception, [e.value for e in at.exception]

    # The batch on its way was bound; nothing after it was sent.
    assert len(sent) == 1 and len(sent[0]) == 10
    assert set(org.bound()) == set(sent[0])
    warning = " ".join(rendered(w.value) for w in at.warning)
    assert "Stopped: 10 of 37 pairs bound, 27 not sent. Nothing more is sent" in warning
    outcomes = _frame_with(at, "outcome", "message")
    assert (outcomes["outcome"] == "bound").sum() == 10 and (outcomes["outcome"] == "not sent").sum() == 27
    assert not at.success and not at.error
    # The page is not binding any more: the pairs not sent are ticked again and can be sent when ready.
    assert at.button(key="bind_review").label == "Review and bind 27 pairs"
    assert not at.button(key="bind_review").disabled
    assert at.button(key="bind_retry_failed").label == "Send the 27 pairs not bound yet"
    assert "bind_stop" not in [b.key for b in at.button]
    (entry,) = console_env.records.list_audit(action=LOCATIONS_BOUND)
    assert entry.outcome == "error" and len(entry.request["pairs"]) == 37
    assert len(entry.detail["bound"]) == 10 and len(entry.detail["failed"]) == 27
    assert all("Not sent: the bind was stopped" in f["message"] for f in entry.detail["failed"])
    assert console_env.records.bind_lease(org.seeded.org_id) is None  # nobody is shown as binding any more

    # Another rerun does not start the bind again by itself.
    at.run()
    assert len(sent) == 1 and len(org.bound()) == 10

    # Later, the person sends the rest: only the 27 not sent go, and all 37 end up bound.
    monkeypatch.setattr(StreamClient, "bind_locations", real_bind)
    at.button(key="bind_retry_failed").click().run()
    assert not at.exception
    assert rendered(at.success[0].value) == "All 27 pairs bound."
    assert len(org.bound()) == 37
    retry, _ = console_env.records.list_audit(action=LOCATIONS_BOUND)  # newest first
    assert retry.request["retry"] and len(retry.request["pairs"]) == 27
