"""The known organizations as a table, with their integrations' statuses from the console's records."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from lib.onboarding.sources import source_label
from lib.store import OnboardingRecord, OrgRecord

ADDED_BY_ID_NAME = "(added by id)"  # an org added by id: the API gives the console no name for it


def org_label(org: OrgRecord) -> str:
    """How an org reads in a selector: its name (or that it was added by id), then its id."""
    return f"{org.name or ADDED_BY_ID_NAME} · {org.org_id}"


ORG_COLUMNS = ("name", "org_id", "provider_id", "user_email", "POS", "DSPs", "added_by", "how", "since")


def _statuses(onboardings: list[OnboardingRecord]) -> str:
    # The newest record per source says where that integration stands.
    latest: dict[str, OnboardingRecord] = {}
    for o in sorted(onboardings, key=lambda r: r.updated_at):
        latest[o.source] = o
    return ", ".join(f"{source_label(s)}: {o.status}" for s, o in sorted(latest.items())) or "—"


def org_frame(orgs: list[OrgRecord], onboardings: list[OnboardingRecord]) -> pd.DataFrame:
    """One row per org: identity, who added it and how, and its POS and DSP statuses."""
    by_org: dict[str, dict[str, list[OnboardingRecord]]] = defaultdict(lambda: defaultdict(list))
    for o in onboardings:
        by_org[o.org_id][o.type].append(o)
    rows = [
        {
            "name": org.name or ADDED_BY_ID_NAME,
            "org_id": org.org_id,
            "provider_id": org.provider_id or "",
            "user_email": org.user_email or "",
            "POS": _statuses(by_org[org.org_id]["pos"]),
            "DSPs": _statuses(by_org[org.org_id]["dsp"]),
            "added_by": org.created_by,
            "how": "created here" if org.source == "created" else "added by id",
            "since": org.created_at,
        }
        for org in orgs
    ]
    return pd.DataFrame(rows, columns=list(ORG_COLUMNS))
