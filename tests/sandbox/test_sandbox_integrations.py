"""POS and DSP integrations: OAuth consent round trip, manual codes, error cases."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sandbox_driver import RETURN_URL, Api


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.mark.parametrize("source", ["toast", "square"])
def test_pos_oauth_round_trip(api: Api, source: str) -> None:
    org = api.create_org()
    onboarding = api.start(org, source, "pos")
    assert onboarding["status"] == "waiting_for_oauth"
    assert onboarding["type"] == "pos" and onboarding["source"] == source and onboarding["org_id"] == org
    assert onboarding["entry_url"] == f"{api.sandbox.base_url}/sandbox/consent/{onboarding['_id']}"

    page = api.http.get(urlsplit(onboarding["entry_url"]).path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert ">Approve</button>" in page.text and ">Deny</button>" in page.text
    assert "Rosa&#x27;s Cantina LLC" in page.text  # the org asking for access
    assert "Burger Barn &middot; 5,000 locations" in page.text  # the merchant picker

    location = api.consent(onboarding, merchant="taco-tres")
    assert location.startswith("http://127.0.0.1:8501/Integrations?")
    query = _query(location)
    assert query["state"] == ["st-123"]  # the console's state survives
    code = query["code"][0]

    exchanged = api.exchange(onboarding["_id"], code)
    assert exchanged.status_code == 200
    assert exchanged.json()["onboarding"]["status"] == "active"
    assert exchanged.json()["onboarding"]["_id"] == onboarding["_id"]
    fetched = api.call("GET", f"/onboarding/integrations/{onboarding['_id']}").json()["onboarding"]
    assert fetched["status"] == "active"
    # The merchant picked on the consent page is the one connected.
    assert api.locations(onboarding["_id"])[0]["provider_id"].startswith("taco-tres-")


def test_reused_or_foreign_oauth_code_is_400(api: Api) -> None:
    org = api.create_org()
    first, second = api.start(org, "toast", "pos"), api.start(org, "toast", "pos")
    code = _query(api.consent(first, merchant="rosas-cantina"))["code"][0]
    foreign = api.exchange(second["_id"], code)
    assert foreign.status_code == 400
    assert "not valid" in foreign.json()["message"]
    assert api.exchange(first["_id"], code).status_code == 200
    reused = api.exchange(first["_id"], code)
    assert reused.status_code == 400
    assert "already been used" in reused.json()["message"]
    assert reused.json()["details"][0]["field"] == "code"


def test_wrong_oauth_code_keeps_the_onboarding_waiting(api: Api) -> None:
    onboarding = api.start(api.create_org(), "square", "pos")
    response = api.exchange(onboarding["_id"], "guess")
    assert response.status_code == 400
    assert "consent page" in response.json()["message"]
    status = api.call("GET", f"/onboarding/integrations/{onboarding['_id']}").json()["onboarding"]["status"]
    assert status == "waiting_for_oauth"


def test_deny_redirects_with_access_denied(api: Api) -> None:
    onboarding = api.start(api.create_org(), "toast", "pos")
    query = _query(api.consent(onboarding, action="deny"))
    assert query["error"] == ["access_denied"]
    assert query["state"] == ["st-123"]
    assert "code" not in query


def test_consent_needs_a_choice(api: Api) -> None:
    onboarding = api.start(api.create_org(), "toast", "pos")
    path = urlsplit(onboarding["entry_url"]).path
    assert api.http.post(path, data={"action": "maybe"}).status_code == 400
    assert api.http.post(path, data={"action": "approve", "merchant": "no-such"}).status_code == 400
    assert api.http.get("/sandbox/consent/000000000000000000000000").status_code == 404


def test_manual_pos_integration_right_and_wrong_code(api: Api) -> None:
    onboarding = api.start(api.create_org(), "clover", "pos", return_url=None)
    assert onboarding["status"] == "pending"
    assert "entry_url" not in onboarding
    wrong = api.exchange(onboarding["_id"], "SANDBOX-nobody")
    assert wrong.status_code == 400
    assert "SANDBOX-" in wrong.json()["message"]
    right = api.exchange(onboarding["_id"], "SANDBOX-bread-and-butter")
    assert right.status_code == 200
    assert right.json()["onboarding"]["status"] == "active"
    assert len(api.locations(onboarding["_id"])) == 12


def test_consent_page_of_a_manual_source_explains_itself(api: Api) -> None:
    onboarding = api.start(api.create_org(), "clover", "pos", return_url=None)
    page = api.http.get(f"/sandbox/consent/{onboarding['_id']}")
    assert page.status_code == 400
    assert "manual code" in page.text


def test_dsp_consent_shows_the_merchant_of_the_orgs_pos(api: Api) -> None:
    org = api.create_org()
    api.connect_oauth(org, "toast", "pos", merchant="cafe-lumiere")
    onboarding = api.start(org, "doordash", "dsp")
    assert onboarding["status"] == "waiting_for_oauth"
    page = api.http.get(urlsplit(onboarding["entry_url"]).path).text
    assert (
        "Caf&#xe9; Lumi&#xe8;re &middot; 8 locations" in page or "Café Lumière &middot; 8 locations" in page
    )
    assert "<select" not in page
    code = _query(api.consent(onboarding))["code"][0]
    assert api.exchange(onboarding["_id"], code).json()["onboarding"]["status"] == "active"
    assert all(
        store["provider_id"].startswith("doordash-cafe-lumiere-")
        for store in api.locations(onboarding["_id"])
    )


def test_dsp_consent_without_a_pos_lets_the_person_pick(api: Api) -> None:
    org = api.create_org()
    onboarding = api.start(org, "ubereats", "dsp")
    assert "<select" in api.http.get(urlsplit(onboarding["entry_url"]).path).text
    code = _query(api.consent(onboarding, merchant="rosas-cantina"))["code"][0]
    api.exchange(onboarding["_id"], code)
    assert api.locations(onboarding["_id"])[0]["source"] == "ubereats"


def test_manual_dsp_code(api: Api) -> None:
    org = api.create_org()
    onboarding = api.start(org, "grubhub", "dsp", return_url=None)
    assert onboarding["status"] == "pending" and "entry_url" not in onboarding
    assert api.exchange(onboarding["_id"], "1234").status_code == 400
    assert api.exchange(onboarding["_id"], "SANDBOX-taco-tres").json()["onboarding"]["status"] == "active"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"source": "lightspeed", "type": "pos"}, 400, "source"),
        ({"source": "toast", "type": "dsp"}, 400, "source"),
        ({"source": "toast", "type": "kiosk"}, 422, "type"),
        ({"source": "toast", "type": "pos", "return_url": None}, 400, "return_url"),
        ({"source": "toast", "type": "pos", "return_url": "not a url"}, 422, "return_url"),
    ],
)
def test_bad_integration_requests(api: Api, body: dict, status: int, field: str) -> None:
    org = api.create_org()
    response = api.call(
        "POST", "/onboarding/integrations", json={"org_id": org, "return_url": RETURN_URL, **body}
    )
    assert response.status_code == status, response.text
    assert response.json()["details"][0]["field"] == field


def test_unknown_org_and_onboarding_are_404(api: Api) -> None:
    body = {"org_id": "000000000000000000000000", "source": "toast", "type": "pos", "return_url": RETURN_URL}
    response = api.call("POST", "/onboarding/integrations", json=body)
    assert response.status_code == 404
    assert "000000000000000000000000" in response.json()["message"]
    assert api.call("GET", "/onboarding/integrations/nope").status_code == 404
    assert api.exchange("nope", "SANDBOX-taco-tres").status_code == 404


def test_public_url_sets_the_consent_base(start_sandbox) -> None:
    api = Api(start_sandbox(public_url="https://sandbox.example.test/"))
    onboarding = api.start(api.create_org(), "toast", "pos")
    assert onboarding["entry_url"] == f"https://sandbox.example.test/sandbox/consent/{onboarding['_id']}"


def test_deprovisioned_onboarding_refuses_codes(api: Api) -> None:
    onboarding = api.start(api.create_org(), "clover", "pos", return_url=None)
    answer = api.http.post(f"/sandbox/integrations/{onboarding['_id']}/deprovision").json()
    assert answer["onboarding"]["status"] == "deprovisioned"
    response = api.exchange(onboarding["_id"], "SANDBOX-taco-tres")
    assert response.status_code == 409
    assert "deprovisioned" in response.json()["message"]
