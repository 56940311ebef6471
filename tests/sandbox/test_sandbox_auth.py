"""Tokens: issue, expiry, refresh, bad credentials, scope checks."""

from __future__ import annotations

from sandbox_driver import Api

from lib.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET


def test_client_credentials_grant_answers_the_guides_fields(api: Api) -> None:
    body = api.grant()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["refresh_token_expires_in"] == 7200
    assert body["scopes"] == ["onboarding"]
    assert body["access_token"] and body["refresh_token"] and body["access_token"] != body["refresh_token"]


def test_public_sandbox_credentials_are_the_documented_ones(api: Api) -> None:
    assert (api.sandbox.client_id, api.sandbox.client_secret) == (SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET)
    assert SANDBOX_CLIENT_ID == "sandbox-console"


def test_bad_client_secret_is_401_invalid_client_with_a_message(api: Api) -> None:
    response = api.http.post(
        "/oauth/token",
        json={"grant_type": "client_credentials", "client_id": SANDBOX_CLIENT_ID, "client_secret": "nope"},
    )
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "invalid_client"
    assert body["error_description"] == body["message"]
    assert "client" in body["message"].lower()
    assert response.headers["cache-control"] == "no-store"


def test_bad_request_bodies_are_400_with_the_rfc_codes_naming_the_field(api: Api) -> None:
    creds = {"client_id": SANDBOX_CLIENT_ID, "client_secret": SANDBOX_CLIENT_SECRET}
    response = api.http.post("/oauth/token", json={"grant_type": "password", **creds})
    assert (response.status_code, response.json()["error"]) == (400, "unsupported_grant_type")
    assert response.json()["details"][0]["field"] == "grant_type"
    response = api.http.post(
        "/oauth/token", json={"grant_type": "client_credentials", "scopes": ["root"], **creds}
    )
    assert (response.status_code, response.json()["error"]) == (400, "invalid_scope")
    assert response.json()["details"][0]["field"] == "scopes[0]"
    response = api.http.post("/oauth/token", json=creds)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    assert "grant_type" in response.json()["message"]
    json_type = {"content-type": "application/json"}
    response = api.http.post("/oauth/token", content=b"{not json", headers=json_type)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_onboarding_endpoints_need_a_valid_bearer_token(api: Api) -> None:
    assert api.call("GET", "/onboarding/org/x/locations").status_code == 404  # authorised, unknown org
    missing = api.http.get("/onboarding/org/x/locations")
    assert missing.status_code == 401
    assert "Authorization" in missing.json()["message"]
    bad = api.http.get("/onboarding/org/x/locations", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401
    assert bad.headers["www-authenticate"] == "Bearer"


def test_token_without_the_onboarding_scope_is_403(api: Api) -> None:
    token = api.grant(scopes=["billing"])["access_token"]
    response = api.http.get("/onboarding/org/x/locations", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert "onboarding" in response.json()["message"]


def test_access_token_expires_after_its_ttl(start_sandbox, clock) -> None:
    api = Api(start_sandbox(token_ttl=1))
    assert api.grant()["expires_in"] == 1
    assert api.call("GET", "/onboarding/org/x/locations").status_code == 404
    clock.advance(1.2)
    response = api.call("GET", "/onboarding/org/x/locations")
    assert response.status_code == 401
    assert "expired" in response.json()["message"]


def test_exp_only_shortens_the_token(api: Api, clock) -> None:
    assert api.grant(exp=clock() + 30)["expires_in"] == 30
    assert api.grant(exp=clock() + 10 * 3600)["expires_in"] == 3600


def test_refresh_grant_issues_a_new_pair_and_refresh_tokens_are_single_use(api: Api) -> None:
    first = api.grant()
    body = {
        "grant_type": "refresh_token",
        "refresh_token": first["refresh_token"],
        "client_id": SANDBOX_CLIENT_ID,
        "client_secret": SANDBOX_CLIENT_SECRET,
    }
    refreshed = api.http.post("/oauth/token", json=body)
    assert refreshed.status_code == 201
    new = refreshed.json()
    assert new["scopes"] == ["onboarding"]
    assert new["access_token"] != first["access_token"]
    ok = api.http.get(
        "/onboarding/org/x/locations", headers={"Authorization": f"Bearer {new['access_token']}"}
    )
    assert ok.status_code == 404
    replay = api.http.post("/oauth/token", json=body)
    assert (replay.status_code, replay.json()["error"]) == (400, "invalid_grant")
    assert "already been used" in replay.json()["message"]


def test_expired_or_unknown_refresh_token_is_400_invalid_grant(start_sandbox, clock) -> None:
    api = Api(start_sandbox(refresh_ttl=1))
    refresh = api.grant()["refresh_token"]
    clock.advance(1.2)
    expired = api.http.post("/oauth/token", json={"grant_type": "refresh_token", "refresh_token": refresh})
    assert (expired.status_code, expired.json()["error"]) == (400, "invalid_grant")
    assert "expired" in expired.json()["message"]
    unknown = api.http.post("/oauth/token", json={"grant_type": "refresh_token", "refresh_token": "made-up"})
    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_grant")


def test_refresh_with_wrong_client_secret_is_refused(api: Api) -> None:
    refresh = api.grant()["refresh_token"]
    body = {
        "grant_type": "refresh_token",
        "refresh_token": refresh,
        "client_id": SANDBOX_CLIENT_ID,
        "client_secret": "x",
    }
    assert api.http.post("/oauth/token", json=body).status_code == 401


def test_tokens_are_not_stored_in_clear(api: Api) -> None:
    db_bytes = api.sandbox.settings.db_path.read_bytes()
    wal = api.sandbox.settings.db_path.with_name("sandbox.sqlite3-wal")
    stored = db_bytes + (wal.read_bytes() if wal.exists() else b"")
    assert api.token.encode() not in stored
