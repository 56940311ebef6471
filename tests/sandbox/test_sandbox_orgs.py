"""Organization creation: validation in the sandbox's error shape, conflicts."""

from __future__ import annotations

from sandbox_driver import Api

VALID = {
    "name": "Taco Tres Holdings",
    "provider_id": "crm-42",
    "user": {"email": "ana@tacotres.com", "first_name": "Ana", "last_name": "Lopez"},
}


def test_create_org_returns_ids(api: Api) -> None:
    response = api.call("POST", "/onboarding/org", json=VALID)
    assert response.status_code == 201
    body = response.json()
    assert len(body["org_id"]) == 24 and len(body["user_id"]) == 24
    assert body["org_id"] != body["user_id"]


def test_invalid_email_names_the_field(api: Api) -> None:
    response = api.call("POST", "/onboarding/org", json={**VALID, "user": {**VALID["user"], "email": "ana@"}})
    assert response.status_code == 422
    body = response.json()
    assert body["details"] == [{"field": "user.email", "message": "'ana@' is not a valid email address"}]
    assert "user.email" in body["message"]


def test_missing_and_blank_fields_are_all_reported(api: Api) -> None:
    body = {"provider_id": "crm-43", "user": {"email": "a@b.co", "first_name": "  ", "last_name": "L"}}
    response = api.call("POST", "/onboarding/org", json=body)
    assert response.status_code == 422
    fields = {d["field"]: d["message"] for d in response.json()["details"]}
    assert fields == {"name": "is required", "user.first_name": "must not be empty"}


def test_body_that_is_not_json_is_422(api: Api) -> None:
    response = api.call(
        "POST", "/onboarding/org", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["message"].startswith("The request is invalid")


def test_provider_id_already_used_is_409_naming_it(api: Api) -> None:
    first = api.call("POST", "/onboarding/org", json=VALID).json()["org_id"]
    again = api.call("POST", "/onboarding/org", json={**VALID, "name": "Other"})
    assert again.status_code == 409
    assert "crm-42" in again.json()["message"] and first in again.json()["message"]


def test_unknown_route_uses_the_same_error_shape(api: Api) -> None:
    response = api.call("GET", "/onboarding/nothing-here")
    assert response.status_code == 404
    assert set(response.json()) == {"message", "details"}
