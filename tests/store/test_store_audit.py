"""Audit log: what is stored (never a secret), filters, visibility and the screen's table."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from pydantic import BaseModel

from lib.store import (
    ACTIONS,
    ALERT_ACKNOWLEDGED,
    AUDIT_COLUMNS,
    CODE_EXCHANGED,
    INTEGRATION_ABANDONED,
    INTEGRATION_STARTED,
    LOCATIONS_BOUND,
    LOCATIONS_INGESTED,
    ORG_ADDED,
    ORG_CREATED,
    Records,
    audit_frame,
    is_secret_key,
    redact,
)

SECRETS = (
    "s3cr3t-client-value",
    "tok-access-123",
    "tok-refresh-456",
    "oauth-code-789",
    "verif-abc",
    "pw-xyz",
)


def test_action_constants_are_distinct_strings() -> None:
    names = (
        ORG_CREATED,
        ORG_ADDED,
        INTEGRATION_STARTED,
        CODE_EXCHANGED,
        INTEGRATION_ABANDONED,
        LOCATIONS_INGESTED,
        LOCATIONS_BOUND,
        ALERT_ACKNOWLEDGED,
    )
    assert len(set(names)) == len(names) and set(names) == set(ACTIONS)


def test_round_trip_with_bind_pairs_and_scores(records: Records) -> None:
    pairs = [
        {"location_id": "loc-1", "store_id": "dd-9", "score": 0.97},
        {"location_id": "loc-2", "store_id": "dd-4", "score": 0.81},
    ]
    entry_id = records.audit(
        "am@corp.test", LOCATIONS_BOUND, "org-1", {"source": "doordash", "pairs": pairs}, "ok", {"bound": 2}
    )
    [entry] = records.list_audit()
    assert entry.id == entry_id and entry.actor == "am@corp.test" and entry.action == LOCATIONS_BOUND
    assert entry.org_id == "org-1" and entry.outcome == "ok" and entry.error is None
    assert entry.request["pairs"] == pairs and entry.detail == {"bound": 2}
    assert entry.at.tzinfo is not None and abs(entry.at - datetime.now(UTC)) < timedelta(minutes=1)


def test_error_outcome_and_bad_outcome(records: Records) -> None:
    records.audit(
        "am@x", ORG_CREATED, None, {"name": "Dup"}, "error", error="409: provider_id already exists"
    )
    [entry] = records.list_audit()
    assert entry.outcome == "error" and entry.org_id is None and "409" in entry.error
    with pytest.raises(ValueError):
        records.audit("am@x", ORG_CREATED, None, {}, "maybe")
    with pytest.raises(ValueError):
        records.audit("", ORG_CREATED, None, {}, "ok")


def test_secret_keys_are_redacted_at_any_depth(records: Records) -> None:
    request = {
        "client_secret": SECRETS[0],
        "headers": {"Authorization": f"Bearer {SECRETS[1]}", "Accept": "application/json"},
        "body": {"code": SECRETS[3], "code_verifier": SECRETS[4]},
        "users": [{"email": "joe@pizza.test", "password": SECRETS[5]}],
        "address": {"postal_code": "12345", "country_code": "US"},
        "return_url": "http://127.0.0.1:8501/Integrations?state=abc",
    }
    detail = {"token": {"access_token": SECRETS[1], "refresh_token": SECRETS[2]}, "Refresh-Token": SECRETS[2]}
    records.audit("am@x", CODE_EXCHANGED, "org-1", request, "ok", detail)
    [entry] = records.list_audit()
    assert entry.request["client_secret"] == "***"
    assert entry.request["headers"] == {"Authorization": "***", "Accept": "application/json"}
    assert entry.request["body"] == {"code": "***", "code_verifier": "***"}
    assert entry.request["users"] == [{"email": "joe@pizza.test", "password": "***"}]
    assert entry.request["address"] == {"postal_code": "12345", "country_code": "US"}
    assert entry.request["return_url"].endswith("state=abc")
    assert entry.detail == {"token": "***", "Refresh-Token": "***"}
    # The caller's own dict is not modified.
    assert request["client_secret"] == SECRETS[0]


def test_secrets_in_urls_and_error_text_are_masked(records: Records) -> None:
    callback = f"http://127.0.0.1:8501/Integrations?state=abc&code={SECRETS[3]}"
    records.audit(
        "am@x",
        CODE_EXCHANGED,
        "org-1",
        {"callback": callback},
        "error",
        error=f"401 for Authorization: Bearer {SECRETS[1]} at {callback}",
    )
    [entry] = records.list_audit()
    assert entry.request["callback"] == "http://127.0.0.1:8501/Integrations?state=abc&code=***"
    assert SECRETS[1] not in entry.error and SECRETS[3] not in entry.error and "401" in entry.error


class _Token(BaseModel):
    access_token: str
    expires_in: int


def test_models_dates_and_nan_are_stored_as_plain_json(records: Records) -> None:
    records.audit(
        "am@x",
        LOCATIONS_BOUND,
        "org-1",
        {"token": None, "auth": _Token(access_token=SECRETS[1], expires_in=60), "when": date(2026, 1, 2)},
        "ok",
        {"score": math.nan, "ids": {"b", "a"}},
    )
    [entry] = records.list_audit()
    assert entry.request == {
        "token": "***",
        "auth": {"access_token": "***", "expires_in": 60},
        "when": "2026-01-02",
    }
    assert entry.detail == {"score": None, "ids": ["a", "b"]}


def test_no_secret_reaches_the_database_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    with Records(url) as r:
        r.audit(
            "am@x",
            CODE_EXCHANGED,
            "org-1",
            {"client_secret": SECRETS[0], "nested": [{"deeper": {"code": SECRETS[3]}}]},
            "ok",
            {"access_token": SECRETS[1], "Code-Verifier": SECRETS[4]},
            error=None,
        )
        assert len(r.list_audit()) == 1
    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"am@x" in blob  # the data is there ...
    for secret in SECRETS[:5]:
        assert secret.encode() not in blob  # ... and the secrets are not


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("client_secret", True),
        ("ClientSecret", True),
        ("x-api-key", True),
        ("id_token", True),
        ("code", True),
        ("Code", True),
        ("code_verifier", True),
        ("postal_code", False),
        ("country_code", False),
        ("zip", False),
        ("state", False),
        ("name", False),
    ],
)
def test_is_secret_key(key: str, secret: bool) -> None:
    assert is_secret_key(key) is secret
    assert (redact({key: "v"})[key] == "***") is secret


def _seed(r: Records, clock) -> None:
    r.audit("Alice@corp.test", ORG_CREATED, "org-a", {"name": "A"}, "ok")  # 12:00 Mar 14
    clock.advance(hours=1)
    r.audit("bob@corp.test", ORG_CREATED, "org-b", {"name": "B"}, "ok")  # 13:00
    clock.advance(hours=1)
    r.audit("bob@corp.test", INTEGRATION_STARTED, "org-a", {"source": "toast"}, "error", error="500")  # 14:00
    clock.advance(days=1)
    r.audit("carol@corp.test", LOCATIONS_INGESTED, "org-c", {"ids": ["1", "2"]}, "ok")  # 14:00 Mar 15
    clock.advance(hours=1)
    r.audit("carol@corp.test", ORG_CREATED, None, {"name": "Dup"}, "error", error="409")  # 15:00 Mar 15


def test_filters(clocked: Records, clock) -> None:
    _seed(clocked, clock)
    everything = clocked.list_audit()
    assert len(everything) == 5
    assert [e.at for e in everything] == sorted((e.at for e in everything), reverse=True)  # newest first
    assert {e.actor for e in clocked.list_audit(org_id="org-a")} == {"Alice@corp.test", "bob@corp.test"}
    assert len(clocked.list_audit(actor="ALICE@corp.test")) == 1
    assert {e.org_id for e in clocked.list_audit(action=ORG_CREATED)} == {"org-a", "org-b", None}
    assert {e.error for e in clocked.list_audit(outcome="error")} == {"500", "409"}
    assert len(clocked.list_audit(action=ORG_CREATED, outcome="ok", actor="bob@corp.test")) == 1
    assert len(clocked.list_audit(limit=2)) == 2

    start = datetime(2026, 3, 14, 13, 0, tzinfo=UTC)
    assert len(clocked.list_audit(since=start)) == 4  # since is inclusive
    assert len(clocked.list_audit(until=start)) == 1  # until excludes that instant
    assert len(clocked.list_audit(since=date(2026, 3, 15))) == 2
    assert len(clocked.list_audit(until=date(2026, 3, 14))) == 3  # a date includes its whole day
    assert len(clocked.list_audit(since=date(2026, 3, 14), until=date(2026, 3, 14))) == 3
    with pytest.raises(ValueError):
        clocked.list_audit(since=datetime(2026, 3, 14))  # naive datetimes are refused


def test_visibility_account_manager_vs_admin(clocked: Records, clock) -> None:
    _seed(clocked, clock)
    clocked.add_org("org-a", "A", None, None, "alice@corp.test")
    alice_orgs = clocked.org_ids_created_by("alice@corp.test")
    # Alice sees her own entry and bob's on her org, not bob's own org nor carol's.
    seen = clocked.list_audit(visible_to=("alice@corp.test", alice_orgs))
    assert sorted((e.actor, e.org_id) for e in seen) == [
        ("Alice@corp.test", "org-a"),
        ("bob@corp.test", "org-a"),
    ]
    # Carol has no orgs: only her own entries, including the failed one without an org.
    carol = clocked.list_audit(visible_to=("carol@corp.test", set()))
    assert {e.actor for e in carol} == {"carol@corp.test"} and len(carol) == 2
    # Filters combine with visibility.
    assert len(clocked.list_audit(visible_to=("alice@corp.test", alice_orgs), outcome="error")) == 1
    assert clocked.list_audit(visible_to=("nobody@corp.test", set())) == []
    assert len(clocked.list_audit(visible_to=None)) == 5  # admin


def test_audit_frame(clocked: Records, clock) -> None:
    _seed(clocked, clock)
    frame = audit_frame(clocked.list_audit())
    assert tuple(frame.columns) == AUDIT_COLUMNS and len(frame) == 5
    assert isinstance(frame["when"].dtype, pd.DatetimeTZDtype)
    by_action = dict(zip(frame["action"], frame["summary"], strict=False))
    assert by_action[LOCATIONS_INGESTED] == "2 ids"
    assert frame.loc[frame["outcome"] == "error", "summary"].str.startswith("failed: ").all()
    assert "name=B" in frame["summary"].tolist()

    full = audit_frame(clocked.list_audit(), full=True)
    assert {"id", "request", "detail", "error"} <= set(full.columns)
    assert '"source": "toast"' in " ".join(full["request"])

    empty = audit_frame([])
    assert tuple(empty.columns) == AUDIT_COLUMNS and empty.empty


def test_summary_hides_masked_values(records: Records) -> None:
    records.audit("am@x", CODE_EXCHANGED, "org-1", {"onboarding_id": "ob-1", "code": "c0de"}, "ok")
    assert audit_frame(records.list_audit())["summary"].tolist() == ["onboarding_id=ob-1"]
