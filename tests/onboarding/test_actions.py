"""The flow logic against the real sandbox over HTTP, with real records: no Streamlit involved."""

from __future__ import annotations

from collections.abc import Callable

from lib.onboarding import actions
from lib.onboarding.callback import CallbackKind, handle_callback
from lib.onboarding.returns import parse_callback
from lib.store import CODE_EXCHANGED, INTEGRATION_STARTED, LOCATIONS_INGESTED, ORG_CREATED, Records
from lib.stream.client import StreamClient
from tests.onboarding.conftest import ToastStarted

ACTOR = "am@example.com"


def test_org_toast_consent_callback_and_ingest(
    client: StreamClient, records: Records, toast_started: Callable[[str], ToastStarted]
) -> None:
    flow = toast_started(ACTOR)
    org, started = flow.org, flow.started
    assert started.status == "waiting_for_oauth" and started.entry_url

    callback = flow.approve()
    outcome = handle_callback(client, records, ACTOR, callback)
    assert outcome.kind is CallbackKind.CONNECTED and outcome.org_id == org.org_id
    assert records.get_onboarding(started.onboarding_id).status == "active"  # type: ignore[union-attr]

    replay = handle_callback(client, records, ACTOR, callback)
    assert replay.kind is CallbackKind.USED_STATE and replay.can_restart

    ids = [loc.provider_id for loc in client.list_locations(started.onboarding_id)]
    run = actions.ingest(client, records, ACTOR, started, ids, batch_size=2, org_id=org.org_id)
    assert run.succeeded == 3 and run.failed == 0
    assert {loc.provider_id for loc in client.org_locations(org.org_id)} == set(ids)

    audited = [(e.action, e.outcome) for e in records.list_audit()]
    assert audited == [
        (LOCATIONS_INGESTED, "ok"),
        (CODE_EXCHANGED, "ok"),
        (INTEGRATION_STARTED, "ok"),
        (ORG_CREATED, "ok"),
    ]
    assert all(e.actor == ACTOR for e in records.list_audit())


def test_a_callback_whose_onboarding_was_never_linked_is_refused(
    client: StreamClient, records: Records
) -> None:
    state = records.new_oauth_state(
        None, "org-x", ACTOR
    )  # the integration call failed after the state was made
    outcome = handle_callback(client, records, ACTOR, parse_callback({"state": state, "code": "c"}))  # type: ignore[arg-type]
    assert outcome.kind is CallbackKind.UNKNOWN_STATE and not outcome.can_restart


def test_a_callback_without_state_is_explained(client: StreamClient, records: Records) -> None:
    outcome = handle_callback(client, records, ACTOR, parse_callback({"code": "c"}))  # type: ignore[arg-type]
    assert outcome.kind is CallbackKind.NO_STATE and "without the console's state" in outcome.message


def test_a_reused_link_says_whether_the_integration_is_already_connected(
    client: StreamClient, records: Records
) -> None:
    records.add_onboarding("ob-1", "org-x", "pos", "toast", "waiting_for_oauth", "http://x", ACTOR)
    state = records.new_oauth_state("ob-1", "org-x", ACTOR)
    assert records.consume_oauth_state(state).ok  # the first return (say, a code the API refused)
    callback = parse_callback({"state": state, "code": "c"})
    assert callback is not None

    waiting = handle_callback(client, records, ACTOR, callback)
    assert waiting.kind is CallbackKind.USED_STATE and waiting.can_restart
    assert "already been used" in waiting.message and "already connected" not in waiting.message

    records.update_onboarding_status("ob-1", "active")
    connected = handle_callback(client, records, ACTOR, callback)
    assert connected.kind is CallbackKind.USED_STATE and connected.can_restart
    assert "Toast is already connected (active): there is nothing to redo" in connected.message
