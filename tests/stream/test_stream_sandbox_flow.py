"""The whole documented onboarding flow through StreamClient against the real sandbox over HTTP."""

from __future__ import annotations

import uuid

import pytest

from lib import synthetic
from lib.sandbox.embed import EmbeddedSandbox
from lib.stream import AuthenticationError, ConflictError, NotFoundError, StreamClient, ValidationError
from lib.stream.models import (
    BindPair,
    CreateIntegrationRequest,
    CreateOrgRequest,
    DspStatus,
    IntegrationType,
    OnboardingStatus,
    OrgUser,
)
from tests.helpers import follow_consent
from tests.stream.support import RETURN_URL, new_org, true_store_of

MERCHANT = "cafe-lumiere"  # 8 POS locations: small, but enough for missing and extra DSP stores


def test_the_whole_documented_flow(client: StreamClient) -> None:
    # 1. Authentication
    info = client.check_connection()
    assert "onboarding" in info.scopes
    assert info.seconds_left() > 3000

    # 2. Organization
    org_id = new_org(client)

    # 3. POS integration by OAuth: the consent page redirects back with a one-time code
    pos = client.create_integration(
        CreateIntegrationRequest(
            org_id=org_id, source="toast", type=IntegrationType.POS, return_url=RETURN_URL
        )
    )
    assert pos.id and pos.entry_url
    assert pos.status is OnboardingStatus.WAITING_FOR_OAUTH
    callback = follow_consent(pos.entry_url, merchant=MERCHANT)
    assert callback["state"] == "flow-state-1"  # the console's own query parameters survive the round trip
    active = client.exchange_code(pos.id, callback["code"])
    assert active.id == pos.id and active.status is OnboardingStatus.ACTIVE
    assert client.get_integration(pos.id).status is OnboardingStatus.ACTIVE

    # 4. POS locations, then ingest a selection of them
    pos_locations = client.list_locations(pos.id)
    assert len(pos_locations) == synthetic.CATALOG[MERCHANT].n_locations
    assert all(loc.address.postal_code and loc.address.locality for loc in pos_locations)
    chosen = [loc.provider_id for loc in pos_locations[:5]]
    ingested = client.ingest_locations(pos.id, chosen)
    assert [item.provider_id for item in ingested.locations] == chosen

    # 5. DSP integration with a manual code, its stores, and the bind
    dsp = client.create_integration(
        CreateIntegrationRequest(
            org_id=org_id, source="grubhub", type=IntegrationType.DSP, return_url=RETURN_URL
        )
    )
    assert dsp.id and dsp.entry_url is None  # manual: no consent page
    assert dsp.status is OnboardingStatus.PENDING
    dsp = client.exchange_code(dsp.id, f"SANDBOX-{MERCHANT}")
    assert dsp.id and dsp.status is OnboardingStatus.ACTIVE
    stores = {store.provider_id: store for store in client.list_locations(dsp.id)}
    truth = true_store_of(MERCHANT, "grubhub")
    pairs = [
        BindPair(pos_location_id=pid, dsp_provider_id=truth[pid], dsp_store_name=stores[truth[pid]].name)
        for pid in chosen
        if pid in truth and truth[pid] in stores
    ]
    assert pairs, "the generator should give some ingested locations a Grubhub store"
    client.bind_locations(dsp.id, pairs)
    client.bind_locations(dsp.id, pairs)  # the guide's bind may be repeated: harmless

    # 6. The org's view: ingested locations, the bound ones with their Grubhub status
    locations = {loc.provider_id: loc for loc in client.org_locations(org_id)}
    assert set(locations) == set(chosen)
    bound = {pair.pos_location_id for pair in pairs}
    for pid, location in locations.items():
        assert location.id and location.source == "toast"
        grubhub = [dsp for dsp in location.dsps if dsp.source == "grubhub"]
        if pid in bound:
            assert len(grubhub) == 1
            assert grubhub[0].status in (DspStatus.PENDING, DspStatus.APPROVED)
        else:
            assert grubhub == []


def test_dsp_by_oauth_shows_the_merchant_of_the_orgs_pos(client: StreamClient) -> None:
    org_id = new_org(client, "Rosa's Cantina")
    pos = client.create_integration(
        CreateIntegrationRequest(org_id=org_id, source="clover", type="pos", return_url=RETURN_URL)
    )
    assert pos.id and pos.entry_url is None
    client.exchange_code(pos.id, "SANDBOX-rosas-cantina")
    dsp = client.create_integration(
        CreateIntegrationRequest(org_id=org_id, source="doordash", type="dsp", return_url=RETURN_URL)
    )
    assert dsp.id and dsp.entry_url
    callback = follow_consent(dsp.entry_url)  # the page fixes the merchant: no choice to make
    client.exchange_code(dsp.id, callback["code"])
    stores = client.list_locations(dsp.id)
    assert stores and {store.source for store in stores} <= {"doordash", None}


def test_denied_consent_comes_back_as_an_error_and_a_used_code_is_refused(client: StreamClient) -> None:
    org_id = new_org(client)
    first = client.create_integration(
        CreateIntegrationRequest(org_id=org_id, source="square", type="pos", return_url=RETURN_URL)
    )
    assert first.entry_url and first.id
    denied = follow_consent(first.entry_url, approve=False)
    assert denied["error"] == "access_denied" and "code" not in denied

    code = follow_consent(first.entry_url, merchant="rosas-cantina")["code"]
    client.exchange_code(first.id, code)
    with pytest.raises(ValidationError) as caught:
        client.exchange_code(first.id, code)
    assert caught.value.status_code == 400
    assert [detail.field for detail in caught.value.details] == ["code"]
    assert "The API rejected the integration code" in caught.value.user_message


def test_the_servers_field_errors_reach_the_person(client: StreamClient) -> None:
    with pytest.raises(ValidationError) as caught:
        client.create_org(
            CreateOrgRequest(
                name="Bad Email Co",
                provider_id="crm-bad",
                user=OrgUser(email="nope", first_name="A", last_name="B"),
            )
        )
    assert caught.value.status_code == 422
    assert [detail.field for detail in caught.value.details] == ["user.email"]
    assert caught.value.user_message.startswith("The API rejected the organization: user.email")
    assert caught.value.user_message.endswith("Correct the field and try again.")


def test_unknown_ids_and_duplicate_orgs_are_typed(client: StreamClient) -> None:
    with pytest.raises(NotFoundError):
        client.org_locations("no-such-org")
    with pytest.raises(NotFoundError):
        client.get_integration("no-such-onboarding")
    request = CreateOrgRequest(
        name="Twice",
        provider_id=f"crm-{uuid.uuid4().hex}",
        user=OrgUser(email="a@b.co", first_name="A", last_name="B"),
    )
    client.create_org(request)
    with pytest.raises(ConflictError) as caught:
        client.create_org(request)
    assert caught.value.status_code == 409 and "already exists" in caught.value.message


def test_the_shared_sandbox_is_reachable_with_its_public_credentials(sandbox: EmbeddedSandbox) -> None:
    assert sandbox.base_url.startswith("http://127.0.0.1:")
    with (
        StreamClient(sandbox.base_url, sandbox.client_id, "not-the-secret") as wrong,
        pytest.raises(AuthenticationError) as caught,
    ):
        wrong.check_connection()
    assert caught.value.endpoint == "POST /oauth/token"
