"""Every change checks its org in lib: starting or finishing an integration, ingesting and re-syncing take
the org the page shows and refuse, with a sentence and nothing sent, an integration or sign-in of another org.

Against the real sandbox over HTTP with real records (binding's check is in tests/binding/test_execute.py).
"""

from __future__ import annotations

import pytest

from benchmarks.seed import SeededOrg, seed_org
from lib.onboarding import actions
from lib.onboarding.callback import CallbackKind, handle_callback
from lib.onboarding.returns import parse_callback
from lib.store import (
    CODE_EXCHANGED,
    INTEGRATION_STARTED,
    LOCATIONS_INGESTED,
    Records,
    WrongOrgError,
)
from lib.stream.client import StreamClient
from tests.helpers import follow_consent

ACTOR = "am@example.com"
BASE = "http://127.0.0.1:8501"


@pytest.fixture
def taco(client: StreamClient, records: Records) -> SeededOrg:
    """The org whose integrations are acted on: Clover connected, nothing ingested."""
    return seed_org(client, "rosas-cantina", name="Taco Tres Group", ingest=0, dsp=None, records=records)


@pytest.fixture
def burger(client: StreamClient, records: Records) -> SeededOrg:
    """The org the page shows."""
    return seed_org(client, "cafe-lumiere", name="Burger Barn", ingest=0, dsp=None, records=records)


def refused(records: Records, action: str) -> str:
    """The one audit entry of `action`: a refusal; returns its sentence."""
    [entry] = records.list_audit(action=action)
    assert entry.outcome == "error" and entry.error
    return entry.error


def test_starting_again_another_orgs_integration_is_refused(
    client: StreamClient, records: Records, taco: SeededOrg, burger: SeededOrg
) -> None:
    taco_pos = records.get_onboarding(taco.pos_onboarding_id)
    assert taco_pos is not None
    with pytest.raises(WrongOrgError) as caught:
        actions.start_integration(
            client, records, ACTOR, burger.org_id, "pos", "toast", BASE, restarting=taco_pos
        )
    sentence = caught.value.user_message
    assert "“Taco Tres Group”" in sentence and "“Burger Barn”" in sentence
    assert "nothing was changed" in sentence
    assert [o.onboarding_id for o in records.list_onboardings(burger.org_id)] == [burger.pos_onboarding_id]
    assert refused(records, INTEGRATION_STARTED) == sentence


def test_starting_an_integration_for_an_org_the_console_does_not_know_is_refused(
    client: StreamClient, records: Records
) -> None:
    with pytest.raises(WrongOrgError, match="not one the console knows"):
        actions.start_integration(client, records, ACTOR, "org-nobody-recorded", "pos", "toast", BASE)
    assert records.list_onboardings() == []


def test_the_return_url_names_the_org_and_a_sign_in_for_another_org_is_refused_unused(
    client: StreamClient, records: Records, taco: SeededOrg, burger: SeededOrg
) -> None:
    started = actions.start_integration(client, records, ACTOR, taco.org_id, "dsp", "doordash", BASE)
    assert started.entry_url
    back = follow_consent(started.entry_url)
    assert back["org"] == taco.org_id, "the return_url opens the org the integration was started for"
    callback = parse_callback(back)
    assert callback is not None

    wrong = handle_callback(client, records, ACTOR, callback, burger.org_id)
    assert wrong.kind is CallbackKind.WRONG_ORG and not wrong.ok
    assert "“Taco Tres Group”" in wrong.message and "“Burger Barn”" in wrong.message
    assert wrong.org_id == burger.org_id
    assert records.get_onboarding(started.onboarding_id).status == "waiting_for_oauth"  # type: ignore[union-attr]

    right = handle_callback(client, records, ACTOR, callback, taco.org_id)  # the state was not used up
    assert right.kind is CallbackKind.CONNECTED and right.org_id == taco.org_id
    assert records.get_onboarding(started.onboarding_id).status == "active"  # type: ignore[union-attr]


def test_a_manual_code_for_another_orgs_integration_is_refused(
    client: StreamClient, records: Records, taco: SeededOrg, burger: SeededOrg
) -> None:
    pending = actions.start_integration(client, records, ACTOR, taco.org_id, "dsp", "grubhub", BASE)
    assert pending.status == "pending"
    with pytest.raises(WrongOrgError, match="belongs to “Taco Tres Group”"):
        actions.exchange_code(
            client, records, ACTOR, pending, "SANDBOX-rosas-cantina", "manual", org_id=burger.org_id
        )
    assert client.get_integration(pending.onboarding_id).status == "pending", "nothing reached the API"
    assert "“Burger Barn”" in refused(records, CODE_EXCHANGED)

    done = actions.exchange_code(
        client, records, ACTOR, pending, "SANDBOX-rosas-cantina", "manual", org_id=taco.org_id
    )
    assert done.status == "active"


@pytest.mark.parametrize("resync", [False, True], ids=["ingest", "re-sync"])
def test_ingesting_another_orgs_locations_is_refused_and_nothing_is_sent(
    client: StreamClient, records: Records, taco: SeededOrg, burger: SeededOrg, resync: bool
) -> None:
    taco_pos = records.get_onboarding(taco.pos_onboarding_id)
    assert taco_pos is not None
    ids = [loc.provider_id for loc in client.list_locations(taco.pos_onboarding_id)]
    with pytest.raises(WrongOrgError, match="not to “Burger Barn”"):
        actions.ingest(
            client, records, ACTOR, taco_pos, ids, batch_size=100, resync=resync, org_id=burger.org_id
        )
    assert client.org_locations(taco.org_id) == [] and client.org_locations(burger.org_id) == []
    assert "“Taco Tres Group”" in refused(records, LOCATIONS_INGESTED)

    run = actions.ingest(client, records, ACTOR, taco_pos, ids, batch_size=100, org_id=taco.org_id)
    assert run.succeeded == len(ids) == len(client.org_locations(taco.org_id))


def test_an_integration_the_console_has_no_record_of_is_refused(
    client: StreamClient, records: Records, taco: SeededOrg
) -> None:
    with pytest.raises(WrongOrgError, match="no organization the console knows"):
        records.onboarding_in_org("ob-unknown", taco.org_id)
