"""A create whose answer is lost (the sandbox does the work, then answers 503) is settled by finding out what
happened: never a second org, never a second integration that can connect."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from lib.onboarding import actions
from lib.onboarding.callback import CallbackKind, handle_callback
from lib.onboarding.forms import OrgForm
from lib.onboarding.lost import settle_create_org, settle_start
from lib.sandbox.embed import EmbeddedSandbox
from lib.store import INTEGRATION_STARTED, ORG_CREATED, Records
from lib.stream.client import StreamClient
from lib.stream.errors import StreamError
from tests.onboarding.conftest import CONSOLE, ToastStarted

ANN = "ann@example.com"
ORGS_WITH = "SELECT id FROM orgs WHERE provider_id = ?"
TOASTS_OF = "SELECT id, status FROM onboardings WHERE org_id = ? AND source = 'toast'"
Holds = Callable[[str, str], list[tuple[str, ...]]]


def _lost_create(client: StreamClient, records: Records, form: OrgForm) -> StreamError:
    with pytest.raises(StreamError) as lost:
        actions.create_org(client, records, ANN, form)
    assert lost.value.maybe_applied, "a 503 on a create may have done it: the console must find out"
    return lost.value


def test_an_org_created_before_its_answer_was_lost_is_found_and_not_created_again(
    client: StreamClient, records: Records, org_form: OrgForm, faults: EmbeddedSandbox, api_holds: Holds
) -> None:
    faults.set_faults(fail_next=1, fail_path="/onboarding/org", fail_after_processing=True)
    lost = _lost_create(client, records, org_form)
    assert records.list_orgs() == []  # the console did not hear back: it knows nothing yet
    [(made,)] = api_holds(ORGS_WITH, org_form.provider_id)  # ...but the API made it

    settled = settle_create_org(client, records, ANN, org_form, lost)
    assert settled.org is not None and settled.org.org_id == made, settled.message
    assert "was created" in settled.message and made in settled.message
    assert api_holds(ORGS_WITH, org_form.provider_id) == [(made,)], "still exactly one org"
    assert [o.org_id for o in records.list_orgs()] == [made]
    assert [(e.outcome, e.org_id) for e in records.list_audit(action=ORG_CREATED)] == [
        ("ok", made),  # settled: the org the lost create made
        ("error", None),  # the create as it went: a 503
    ]
    # Settling again (a second click) finds it in the records and sends nothing.
    again = settle_create_org(client, records, ANN, org_form, lost)
    assert again.org == settled.org and "already knows" in again.message
    assert len(records.list_audit(action=ORG_CREATED)) == 2


def test_an_org_whose_create_never_got_through_is_created_once_when_settled(
    client: StreamClient, records: Records, org_form: OrgForm, faults: EmbeddedSandbox, api_holds: Holds
) -> None:
    faults.set_faults(fail_next=1, fail_path="/onboarding/org", fail_after_processing=False)
    lost = _lost_create(client, records, org_form)
    assert api_holds(ORGS_WITH, org_form.provider_id) == []  # this time the API did nothing

    settled = settle_create_org(client, records, ANN, org_form, lost)
    assert settled.org is not None and "the first attempt had not" in settled.message
    assert api_holds(ORGS_WITH, org_form.provider_id) == [(settled.org.org_id,)]


def test_when_the_api_still_fails_the_org_is_left_unknown_and_a_later_try_cannot_duplicate_it(
    client: StreamClient, records: Records, org_form: OrgForm, faults: EmbeddedSandbox, api_holds: Holds
) -> None:
    faults.set_faults(fail_next=2, fail_path="/onboarding/org", fail_after_processing=True)
    lost = _lost_create(client, records, org_form)
    settled = settle_create_org(client, records, ANN, org_form, lost)
    assert settled.org is None and "cannot tell yet whether Flow Test Tacos was created" in settled.message
    assert "cannot make a second organization" in settled.message
    [(made,)] = api_holds(ORGS_WITH, org_form.provider_id)

    # The person presses Create again later, as the sentence says: the API refuses, the console finds it.
    with pytest.raises(StreamError) as refused:
        actions.create_org(client, records, ANN, org_form)
    assert not refused.value.maybe_applied  # a 409 is an answer: the page shows the conflict sentence
    later = settle_create_org(client, records, ANN, org_form, lost)
    assert later.org is not None and later.org.org_id == made
    assert api_holds(ORGS_WITH, org_form.provider_id) == [(made,)]


def test_a_lost_start_reads_the_integrations_and_starting_again_connects_only_one(
    client: StreamClient,
    records: Records,
    org_form: OrgForm,
    faults: EmbeddedSandbox,
    api_holds: Holds,
) -> None:
    org = actions.create_org(client, records, ANN, org_form)
    faults.set_faults(fail_next=1, fail_path="/onboarding/integrations", fail_after_processing=True)
    with pytest.raises(StreamError) as lost:
        actions.start_integration(client, records, ANN, org.org_id, "pos", "toast", CONSOLE)
    assert lost.value.maybe_applied
    [(orphan, status)] = api_holds(TOASTS_OF, org.org_id)  # the API started one nobody can reach
    assert status == "waiting_for_oauth" and records.list_onboardings(org.org_id) == []

    settled = settle_start(client, records, org.org_id, "pos", "toast", lost.value)
    assert settled.can_restart and settled.existing is None
    assert "can never connect" in settled.message and "Start Toast again" in settled.message

    # Starting again, as told, gives the integration that connects; the unreachable one stays waiting.
    again = actions.start_integration(client, records, ANN, org.org_id, "pos", "toast", CONSOLE)
    flow = ToastStarted(org, again)
    assert handle_callback(client, records, ANN, flow.approve()).kind is CallbackKind.CONNECTED
    at_api = dict(api_holds(TOASTS_OF, org.org_id))
    assert at_api == {orphan: "waiting_for_oauth", flow.started.onboarding_id: "active"}
    assert [e.outcome for e in records.list_audit(action=INTEGRATION_STARTED)] == ["ok", "error"]


@pytest.mark.parametrize(
    ("consented", "said"),
    [
        (True, "is already connected (active, read just now): there is nothing to start"),
        (False, "is waiting (waiting_for_oauth, read just now): continue it below"),
    ],
)
def test_a_lost_start_next_to_a_known_toast_points_to_it_instead_of_starting_another(
    client: StreamClient,
    records: Records,
    toast_started: Callable[[str], ToastStarted],
    faults: EmbeddedSandbox,
    consented: bool,
    said: str,
) -> None:
    flow = toast_started(ANN)
    if consented:
        assert handle_callback(client, records, ANN, flow.approve()).kind is CallbackKind.CONNECTED
    faults.set_faults(fail_next=1, fail_path="/onboarding/integrations", fail_after_processing=True)
    with pytest.raises(StreamError) as lost:  # a second Toast, asked for anyway: its answer is lost
        actions.start_integration(client, records, ANN, flow.org.org_id, "pos", "toast", CONSOLE)
    settled = settle_start(client, records, flow.org.org_id, "pos", "toast", lost.value)
    assert not settled.can_restart and settled.existing is not None
    assert settled.existing.onboarding_id == flow.started.onboarding_id
    assert said in settled.message


def test_a_provider_id_that_looks_like_an_org_id_does_not_mislead_the_settling(
    client: StreamClient, records: Records, faults: EmbeddedSandbox, api_holds: Holds, org_form: OrgForm
) -> None:
    form = dataclasses.replace(org_form, provider_id=f"org_id-x-{org_form.provider_id}")
    faults.set_faults(fail_next=1, fail_path="/onboarding/org", fail_after_processing=True)
    lost = _lost_create(client, records, form)
    [(made,)] = api_holds(ORGS_WITH, form.provider_id)
    settled = settle_create_org(client, records, ANN, form, lost)
    assert settled.org is not None and settled.org.org_id == made, settled.message
