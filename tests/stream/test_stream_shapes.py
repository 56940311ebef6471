"""Both documented response shapes, forward compatibility, and the request bodies the guide asks for."""

from __future__ import annotations

import json

import httpx
import pytest

from lib.stream import UnexpectedResponseError
from lib.stream.models import (
    BindPair,
    CreateIntegrationRequest,
    CreateOrgRequest,
    DspStatus,
    IntegrationType,
    OnboardingStatus,
    OrgUser,
)
from tests.stream.fakes import ORG_LOCATIONS_BODY, FakeApi

POS_REQUEST = CreateIntegrationRequest(
    org_id="org-1", source="toast", type=IntegrationType.POS, return_url="http://127.0.0.1/cb"
)


def _last_body(api: FakeApi, path: str) -> dict:
    return json.loads([r for r in api.received if r.url.path == path][-1].content)


@pytest.mark.parametrize(
    "body",
    [
        {"onboarding": {"_id": "onb-1", "status": "waiting_for_oauth", "entry_url": "http://e/consent"}},
        {"_id": "onb-1", "status": "waiting_for_oauth", "entry_url": "http://e/consent"},
        {"onboarding": {"id": "onb-1", "status": "waiting_for_oauth", "entry_url": "http://e/consent"}},
    ],
)
def test_integration_answers_with_or_without_envelope_and_with_either_id_key(body: dict) -> None:
    api = FakeApi()
    api.bodies[("POST", "/onboarding/integrations")] = body
    with api.client() as client:
        onboarding = client.create_integration(POS_REQUEST)
    assert onboarding.id == "onb-1"
    assert onboarding.status is OnboardingStatus.WAITING_FOR_OAUTH
    assert onboarding.entry_url == "http://e/consent"


def test_an_integration_answer_without_any_id_is_refused_as_unexpected() -> None:
    api = FakeApi()
    api.bodies[("POST", "/onboarding/integrations")] = {"onboarding": {"status": "pending"}}
    with api.client() as client, pytest.raises(UnexpectedResponseError):
        client.create_integration(POS_REQUEST)


def test_unknown_statuses_and_extra_fields_are_kept_not_fatal() -> None:
    api = FakeApi()
    api.bodies[("PUT", "/onboarding/integrations/onb-1")] = {
        "onboarding": {"status": "suspended_by_partner", "type": "kiosk", "menu_sync": {"state": "x"}}
    }
    body = json.loads(json.dumps(ORG_LOCATIONS_BODY))
    body["locations"][0]["status"] = "paused_until"
    body["locations"][0]["paused_until"] = "2026-01-01T00:00:00Z"
    body["locations"][0]["dsps"].append({"source": "grubhub", "status": "MENU_PUBLISHING", "eta": 3})
    api.bodies[("GET", "/onboarding/org/org-1/locations")] = body
    with api.client() as client:
        onboarding = client.exchange_code("onb-1", "code")
        locations = client.org_locations("org-1")
    assert onboarding.id == "onb-1"  # filled in from the path when the answer omits it
    assert onboarding.status == "suspended_by_partner"
    assert onboarding.model_extra == {"menu_sync": {"state": "x"}}
    location = locations[0]
    assert location.status == "paused_until"
    assert location.model_extra == {"paused_until": "2026-01-01T00:00:00Z"}
    assert [dsp.status for dsp in location.dsps] == [DspStatus.APPROVED, "MENU_PUBLISHING"]
    assert isinstance(location.dsps[0].status, DspStatus)


def test_nulls_and_numeric_ids_from_the_server_do_not_sink_the_whole_answer() -> None:
    api = FakeApi()
    body = json.loads(json.dumps(ORG_LOCATIONS_BODY))
    body["locations"][0].update(address=None, dsps=None, provider_id=1042)
    api.bodies[("GET", "/onboarding/org/org-1/locations")] = body
    api.bodies[("GET", "/onboarding/locations")] = {
        "locations": [{"provider_id": 7, "name": "Main", "address": None, "source": None}]
    }
    with api.client() as client:
        locations = client.org_locations("org-1")
        listed = client.list_locations("onb-1")
    assert len(locations) == len(ORG_LOCATIONS_BODY["locations"])
    first = locations[0]
    assert (first.provider_id, first.dsps, first.address.locality) == ("1042", [], None)
    assert (listed[0].provider_id, listed[0].address.postal_code) == ("7", None)


def test_location_lists_as_envelope_or_bare_list_and_empty_ingest_answers() -> None:
    api = FakeApi()
    location = {"provider_id": "p-1", "name": "Main", "address": {"locality": "Austin"}, "source": "toast"}
    api.bodies[("GET", "/onboarding/locations")] = [location]
    api.bodies[("POST", "/onboarding/locations/ingest")] = lambda request: httpx.Response(204)
    with api.client() as client:
        locations = client.list_locations("onb-1")
        ingested = client.ingest_locations("onb-1", ["p-1"])
    assert [loc.address.locality for loc in locations] == ["Austin"]
    assert ingested.locations == []
    request = next(r for r in api.received if r.url.path == "/onboarding/locations")
    assert request.url.params["onboarding_id"] == "onb-1"


def test_request_bodies_follow_the_guide() -> None:
    api = FakeApi()
    api.bodies[("POST", "/onboarding/org")] = {"org_id": "org-1", "user_id": "u-1"}
    api.bodies[("POST", "/onboarding/integrations")] = {"onboarding": {"_id": "onb-1", "status": "pending"}}
    api.bodies[("PUT", "/onboarding/integrations/onb-1")] = {
        "onboarding": {"_id": "onb-1", "status": "active"}
    }
    api.bodies[("POST", "/onboarding/locations/ingest")] = {"locations": []}
    api.bodies[("POST", "/onboarding/locations/bind")] = {"locations": []}
    user = OrgUser(email="jo@example.com", first_name="Jo", last_name="Doe")
    pair = BindPair(pos_location_id="pos-1", dsp_provider_id="dd-9", dsp_store_name="Main St #9")
    with api.client() as client:
        client.create_org(CreateOrgRequest(name="Jo's", provider_id="crm-7", user=user))
        client.create_integration(POS_REQUEST)
        client.exchange_code("onb-1", "SANDBOX-abc")
        client.ingest_locations("onb-1", ["pos-1", "pos-2"])
        client.bind_locations("onb-2", [pair])
    assert _last_body(api, "/onboarding/org") == {
        "name": "Jo's",
        "provider_id": "crm-7",
        "user": {"email": "jo@example.com", "first_name": "Jo", "last_name": "Doe"},
    }
    assert _last_body(api, "/onboarding/integrations") == {
        "org_id": "org-1",
        "source": "toast",
        "type": "pos",
        "return_url": "http://127.0.0.1/cb",
    }
    assert _last_body(api, "/onboarding/integrations/onb-1") == {"code": "SANDBOX-abc"}
    assert _last_body(api, "/onboarding/locations/ingest") == {
        "onboarding_id": "onb-1",
        "locations": [{"provider_id": "pos-1"}, {"provider_id": "pos-2"}],
    }
    assert _last_body(api, "/onboarding/locations/bind") == {
        "onboarding_id": "onb-2",
        "locations": [
            {"pos_location_id": "pos-1", "dsp_provider_id": "dd-9", "dsp_store_name": "Main St #9"}
        ],
    }


def test_ids_cannot_escape_their_path_segment() -> None:
    api = FakeApi()
    api.bodies[("GET", "/onboarding/org/a/../b/locations")] = {"locations": []}  # url.path is decoded
    with api.client() as client:
        with pytest.raises(ValueError):
            client.org_locations("..")
        with pytest.raises(TypeError):
            client.ingest_locations("onb-1", "pos-1")  # type: ignore[arg-type]
        client.org_locations("a/../b")
    assert api.received[-1].url.raw_path == b"/onboarding/org/a%2F..%2Fb/locations"
