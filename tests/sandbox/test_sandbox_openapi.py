"""The OpenAPI document describes the API as it behaves: a bounded schemathesis run (every check, stateless
and stateful phases, real ids) finds nothing; /sandbox/docs works offline with an Authorize button."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
from sandbox_driver import Api

from lib.sandbox.credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from lib.sandbox.embed import EmbeddedSandbox
from lib.sandbox.sources import manual_code

MERCHANT = "rosas-cantina"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_every_onboarding_operation_declares_bearer_auth_its_answers_and_errors(
    sandbox: EmbeddedSandbox,
) -> None:
    doc = httpx.get(f"{sandbox.base_url}/sandbox/openapi.json").json()
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An access token from POST /oauth/token (scope onboarding).",
    }
    flow = doc["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/oauth/token" and "onboarding" in flow["scopes"]
    onboarding = [
        (p, m, op) for p, ops in doc["paths"].items() if p.startswith("/onboarding") for m, op in ops.items()
    ]
    assert len(onboarding) == 8
    for path, method, op in onboarding:
        assert op["security"] == [{"bearer": []}, {"oauth2": ["onboarding"]}], (method, path)
        codes = set(op["responses"])
        success = [c for c in codes if c.startswith("2")]
        assert len(success) == 1 and "$ref" in str(op["responses"][success[0]]["content"]), (method, path)
        assert {"401", "403", "429", "500", "503"} <= codes, (method, path)
        error = op["responses"]["401"]["content"]["application/json"]["schema"]["$ref"]
        assert error.endswith("/ErrorOut")
    token = doc["paths"]["/oauth/token"]["post"]
    assert "grant_type" in str(token["requestBody"])
    assert {"201", "400", "401"} <= set(token["responses"])
    schemas = doc["components"]["schemas"]
    assert schemas["ErrorOut"]["required"] == ["message"]
    assert "pattern" in schemas["UserIn"]["properties"]["email"]
    assert "pattern" in str(schemas["IntegrationIn"]["properties"]["return_url"])
    assert set(schemas["IntegrationIn"]["properties"]["source"]["enum"]) >= {"toast", "doordash"}
    assert schemas["CodeIn"]["properties"]["code"]["minLength"] == 1
    # Rules across fields are declared too: a source has one type; OAuth ones need a return_url.
    toast = next(v for v in schemas["IntegrationIn"]["anyOf"] if "toast" in v["properties"]["source"]["enum"])
    assert toast["properties"]["type"] == {"const": "pos"} and toast["required"] == ["return_url"]
    refresh = token["requestBody"]["content"]["application/json"]["schema"]["anyOf"][1]
    assert refresh["properties"]["grant_type"] == {"const": "refresh_token"}
    assert refresh["required"] == ["refresh_token"]


def test_docs_work_offline_with_the_assets_served_locally(sandbox: EmbeddedSandbox) -> None:
    page = httpx.get(f"{sandbox.base_url}/sandbox/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "unpkg" not in page.text.lower()
    assets = re.findall(r"""(?:src|href)=['"](/[^'"]+)['"]""", page.text)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert httpx.get(f"{sandbox.base_url}{asset}").status_code == 200, asset


def test_a_bounded_schemathesis_run_finds_nothing(start_sandbox, tmp_path: Path) -> None:
    sandbox = start_sandbox(approve_after_seconds=0.5)
    api = Api(sandbox)
    org = api.create_org("schemathesis-1")
    pos = api.connect_manual(org, "clover", "pos", merchant=MERCHANT)
    ids = [loc["provider_id"] for loc in api.locations(pos)]
    assert api.ingest(pos, ids).status_code == 200
    dsp = api.connect_manual(org, "grubhub", "dsp", merchant=MERCHANT)
    store = api.locations(dsp)[0]["provider_id"]
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        f"""
headers = {{ Authorization = "Bearer {api.token}" }}
[parameters]
org_id = "{org}"
onboarding_id = "{pos}"
[generation]
max-examples = 5
[phases.stateful]
max-steps = 10
# A schema-valid request may still name an org, integration or location that does not exist (404), or
# conflict with the state it is in (409). Nothing else: every rule the server enforces is in the schema.
[checks.positive_data_acceptance]
expected-statuses = ["2xx", 404, 409]
# A one-time credential in the body (a refresh token, an authorization code) that is unknown, used or
# expired is refused 400 as RFC 6749 §5.2 says (invalid_grant): no schema can tell a valid one. Schemathesis
# knows it of the token call (the oauth2 scheme's tokenUrl); the code exchange says so here. A wrong client
# secret is 401 (invalid_client).
# Real credentials, codes and ids wherever a generated one would only meet "not found".
[[operations]]
include-path = "/oauth/token"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401]
parameters = {{ "body.client_id" = "{SANDBOX_CLIENT_ID}", "body.client_secret" = "{SANDBOX_CLIENT_SECRET}" }}
[[operations]]
include-path = "/onboarding/integrations/{{onboarding_id}}"
include-method = "PUT"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 404, 409]
parameters = {{ "body.code" = "{manual_code(MERCHANT)}" }}
[[operations]]
include-path = "/onboarding/locations/ingest"
parameters = {{ "body.onboarding_id" = "{pos}", "body.locations" = [{{ provider_id = "{ids[0]}" }}] }}
[[operations]]
include-path = "/onboarding/locations/bind"
parameters.'body.onboarding_id' = "{dsp}"
parameters.'body.locations' = [{{ pos_location_id = "{ids[0]}", dsp_provider_id = "{store}" }}]
"""
    )
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(config),
            "run",
            f"{sandbox.base_url}/sandbox/openapi.json",
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--include-path-regex",
            "^/(oauth|onboarding)",  # not /sandbox/*: its reset would wipe the state under the run
            "--workers",
            "1",
            "--seed",
            "14",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    api.http.close()
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    assert "Stateful" in run.stdout and "Coverage" in run.stdout
    assert "Missing test data" not in run.stdout, "the real ids must reach past 404"
