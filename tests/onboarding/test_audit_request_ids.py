"""A failed change keeps the API's request id, on the error and in its audit entry (against the sandbox)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lib.onboarding import actions
from lib.onboarding.forms import OrgForm
from lib.store import CODE_EXCHANGED, ORG_CREATED, Records, audit_frame
from lib.stream import ConflictError, StreamError
from lib.stream.client import StreamClient

ACTOR = "am@example.com"
REQUEST_ID = re.compile(r"^req_[0-9a-f]{24}$")


def _form(provider_id: str) -> OrgForm:
    return OrgForm.of(
        name="Request Id Tacos", provider_id=provider_id, email="t@example.com", first_name="T", last_name="T"
    )


def test_a_refused_org_keeps_the_request_id_on_the_error_and_in_the_audit_log(
    client: StreamClient, records: Records, tmp_path: Path
) -> None:
    actions.create_org(client, records, ACTOR, _form(f"rid-{tmp_path.name}"))
    with pytest.raises(ConflictError) as caught:
        actions.create_org(client, records, ACTOR, _form(f"rid-{tmp_path.name}"))
    assert caught.value.request_id and REQUEST_ID.match(caught.value.request_id)

    failed, created = records.list_audit(action=ORG_CREATED)
    assert (failed.outcome, failed.request_id) == ("error", caught.value.request_id)
    assert created.outcome == "ok" and created.request_id is None
    assert f"request id {caught.value.request_id}" in audit_frame([failed])["summary"].iloc[0]
    assert audit_frame([failed], full=True)["request_id"].iloc[0] == caught.value.request_id


def test_a_wrong_code_keeps_its_request_id_in_the_audit_log(
    client: StreamClient, records: Records, tmp_path: Path
) -> None:
    org = actions.create_org(client, records, ACTOR, _form(f"rid-code-{tmp_path.name}"))
    started = actions.start_integration(
        client, records, ACTOR, org.org_id, "pos", "clover", "http://127.0.0.1:8501"
    )
    with pytest.raises(StreamError) as caught:
        actions.exchange_code(client, records, ACTOR, started, "SANDBOX-nobody", "manual", org_id=org.org_id)
    [entry] = records.list_audit(action=CODE_EXCHANGED)
    assert entry.request_id == caught.value.request_id and entry.request_id
