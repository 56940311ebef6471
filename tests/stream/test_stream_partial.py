"""The client reads what it can: lists with unreadable items, an empty code exchange answer, numbers as floats
or text. Bodies shaped as the guide's examples, plus broken ones, through httpx.MockTransport."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from lib.stream import UnexpectedResponseError
from lib.stream.models import OnboardingStatus
from lib.stream.partial import PartialList
from tests.stream.fakes import ORG_LOCATIONS_BODY, FakeApi, FakeClock

GUIDE_LOCATION = {  # GET /onboarding/locations, as section 4.1 of the guide shows it
    "provider_id": "POS_LOCATION_ID",
    "name": "Location Name",
    "address": {
        "address_line_1": "123 Main St",
        "postal_code": "12345",
        "locality": "City",
        "administrative_district_level_1": "State",
        "country": "US",
    },
    "source": "pos_system_name",
}


def _org_location(n: int) -> dict:
    loc = json.loads(json.dumps(ORG_LOCATIONS_BODY["locations"][0]))
    loc.update(_id=f"loc-{n}", provider_id=f"pos-{n}", name=f"Store {n}")
    return loc


def test_guide_shaped_lists_read_whole() -> None:
    api = FakeApi()
    api.bodies[("GET", "/onboarding/locations")] = {"locations": [GUIDE_LOCATION]}
    api.bodies[("GET", "/onboarding/org/org-1/locations")] = ORG_LOCATIONS_BODY
    with api.client() as client:
        listed = client.list_locations("onb-1")
        org = client.org_locations("org-1")
    assert [loc.provider_id for loc in listed] == ["POS_LOCATION_ID"]
    assert (listed.unreadable, listed.summary()) == ([], None)
    assert [loc.id for loc in org] == ["loc-1"] and org.unreadable == []


def test_two_unreadable_of_5000_org_locations_are_reported_and_the_rest_kept() -> None:
    locations = [_org_location(n) for n in range(5000)]
    locations[7]["name"] = None  # a null name
    del locations[4242]["_id"]  # no _id at all
    locations[99]["dsps"][0]["status"] = None  # a null DSP status is unknown, not unreadable
    api = FakeApi()
    api.bodies[("GET", "/onboarding/org/org-1/locations")] = {"locations": locations}
    with api.client() as client:
        org = client.org_locations("org-1")
    assert isinstance(org, PartialList)
    assert (len(org), org.total) == (4998, 5000)
    assert [(u.index, u.id) for u in org.unreadable] == [(7, "loc-7"), (4242, "pos-4242")]
    assert org.unreadable[0].reason == "name is null"
    assert org.unreadable[1].reason == "_id is missing"
    summary = org.summary()
    assert summary is not None and summary.startswith("2 of 5,000 locations could not be read")
    assert "loc-7: name is null" in summary
    assert next(loc for loc in org if loc.id == "loc-99").dsps[0].status is None


def test_an_item_without_any_id_is_reported_by_position() -> None:
    api = FakeApi()
    api.bodies[("GET", "/onboarding/locations")] = {"locations": [GUIDE_LOCATION, {"name": 5}, "garbage"]}
    with api.client() as client:
        listed = client.list_locations("onb-1")
    assert len(listed) == 1
    assert [u.describe().split(":")[0] for u in listed.unreadable] == ["#2", "#3"]


@pytest.mark.parametrize("body", [{"locations": {"a": 1}}, "locations", 42])
def test_a_body_that_is_not_a_list_at_all_is_still_an_error(body: object) -> None:
    api = FakeApi()
    api.bodies[("GET", "/onboarding/org/org-1/locations")] = body
    with api.client() as client, pytest.raises(UnexpectedResponseError):
        client.org_locations("org-1")


@pytest.mark.parametrize(
    "exchange",
    [
        lambda request: httpx.Response(200),  # the guide shows no body
        lambda request: httpx.Response(204),
        lambda request: httpx.Response(200, json={}),
        lambda request: httpx.Response(200, json={"onboarding": {}}),
    ],
)
def test_an_empty_2xx_code_exchange_is_success_and_the_integration_is_re_read(exchange) -> None:
    api = FakeApi()
    api.bodies[("PUT", "/onboarding/integrations/onb-1")] = exchange
    api.bodies[("GET", "/onboarding/integrations/onb-1")] = {
        "onboarding": {"_id": "onb-1", "status": "active", "type": "pos", "source": "toast"}
    }
    with api.client() as client:
        onboarding = client.exchange_code("onb-1", "code")
    assert (onboarding.id, onboarding.status) == ("onb-1", OnboardingStatus.ACTIVE)
    assert onboarding.source == "toast"  # what the re-read said
    assert api.count("PUT", "/onboarding/integrations/onb-1") == 1  # a code works once: never sent twice
    assert api.count("GET", "/onboarding/integrations/onb-1") == 1


def test_an_empty_exchange_with_no_way_to_re_read_still_counts_as_active() -> None:
    api = FakeApi()  # GET /onboarding/integrations/{id} answers 404: an API without that convenience
    api.bodies[("PUT", "/onboarding/integrations/onb-1")] = lambda request: httpx.Response(200)
    with api.client() as client:
        onboarding = client.exchange_code("onb-1", "code")
    assert (onboarding.id, onboarding.status) == ("onb-1", OnboardingStatus.ACTIVE)


@pytest.mark.parametrize("expires_in", [3599.5, "3599.5", "3600", 3600])
def test_token_lifetimes_as_floats_or_numeric_text(expires_in: object) -> None:
    api = FakeApi()
    api.expires_in = expires_in  # type: ignore[assignment]
    api.refresh_expires_in = "7200.0"  # type: ignore[assignment]
    clock = FakeClock()
    with api.client(clock=clock) as client:
        info = client.token_info()
    now = datetime.fromtimestamp(clock.now, UTC)
    assert info.seconds_left(now) == float(expires_in)
    assert info.refresh_expires_at is not None
