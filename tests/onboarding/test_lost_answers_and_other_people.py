"""A lost exchange answer is settled by reading, not repeating; a consent is finished by its starter."""

from __future__ import annotations

from collections.abc import Callable

from lib.onboarding.callback import CallbackKind, handle_callback
from lib.sandbox.embed import EmbeddedSandbox
from lib.store import CODE_EXCHANGED, Records
from lib.stream.client import StreamClient
from tests.onboarding.conftest import ToastStarted

ANN, BOB = "ann@example.com", "bob@example.com"


def test_a_lost_exchange_answer_is_read_back_and_not_restarted(
    client: StreamClient,
    records: Records,
    toast_started: Callable[[str], ToastStarted],
    faults: EmbeddedSandbox,
) -> None:
    flow = toast_started(ANN)
    started, callback = flow.started, flow.approve()
    # The API takes the code, then its answer is lost (503 after processing).
    faults.set_faults(fail_next=1, fail_path="/onboarding/integrations/", fail_after_processing=True)
    outcome = handle_callback(client, records, ANN, callback)
    assert outcome.kind is CallbackKind.CONNECTED, outcome.message
    assert not outcome.can_restart, "no advice to start again: that would make a second integration"
    assert records.get_onboarding(started.onboarding_id).status == "active"  # type: ignore[union-attr]
    [audited] = records.list_audit(action=CODE_EXCHANGED)
    assert audited.outcome == "error", "the exchange call itself is audited as it went"


def test_an_unreadable_status_after_a_lost_answer_says_so_and_offers_no_restart(
    client: StreamClient,
    records: Records,
    toast_started: Callable[[str], ToastStarted],
    faults: EmbeddedSandbox,
) -> None:
    callback = toast_started(ANN).approve()
    # The exchange's answer is lost, and so are the next reads of the integration (the client retries twice).
    faults.set_faults(fail_next=4, fail_path="/onboarding/integrations/", fail_after_processing=True)
    outcome = handle_callback(client, records, ANN, callback)
    assert outcome.kind is CallbackKind.UNSETTLED and not outcome.can_restart
    assert "cannot tell whether Toast is connected" in outcome.message and "Refresh" in outcome.message


def test_a_consent_started_by_someone_else_waits_for_confirmation(
    client: StreamClient,
    records: Records,
    toast_started: Callable[[str], ToastStarted],
) -> None:
    flow = toast_started(ANN)
    started, callback = flow.started, flow.approve()
    asked = handle_callback(client, records, BOB, callback)
    assert asked.kind is CallbackKind.OTHER_PERSON and not asked.can_restart
    assert ANN in asked.message and BOB in asked.message
    assert records.get_onboarding(started.onboarding_id).status == "waiting_for_oauth"  # nothing consumed
    assert records.list_audit(action=CODE_EXCHANGED) == []
    # Ann herself finishes it without being asked.
    assert handle_callback(client, records, ANN, callback).kind is CallbackKind.CONNECTED


def test_someone_else_may_finish_it_once_they_confirm_and_it_is_audited_as_theirs(
    client: StreamClient,
    records: Records,
    toast_started: Callable[[str], ToastStarted],
) -> None:
    callback = toast_started(ANN).approve()
    done = handle_callback(client, records, BOB, callback, confirmed=True)
    assert done.kind is CallbackKind.CONNECTED
    [entry] = records.list_audit(action=CODE_EXCHANGED)
    assert entry.actor == BOB
