"""Alert rules over the open statuses: each true condition is one AlertSpec (one episode while it lasts)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import pandas as pd

from lib.store.watch import AlertSpec, WatchRecords
from lib.watch.history import ACTIVE, DEPROVISIONED, slot
from lib.watch.settings import Rules
from lib.watch.snapshot import BINDING_CHANNEL, POS_CHANNEL, UNBOUND

INTEGRATION_DEPROVISIONED = "integration_deprovisioned"
DSP_REJECTED_OR_PAUSED = "dsp_rejected_or_paused"
WAITING_FOR_OAUTH = "waiting_for_oauth"
DSP_PENDING = "dsp_pending"
UNBOUND_LOCATIONS = "unbound_locations"

RULE_LABELS: dict[str, str] = {
    INTEGRATION_DEPROVISIONED: "Integration deprovisioned",
    DSP_REJECTED_OR_PAUSED: "DSP store rejected or paused",
    WAITING_FOR_OAUTH: "Waiting for OAuth too long",
    DSP_PENDING: "DSP store pending too long",
    UNBOUND_LOCATIONS: "Ingested locations not bound",
}
_SHOWN = 3


def _age(since: datetime, now: datetime) -> str:
    hours = (now - since).total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"


def _names(frame: pd.DataFrame) -> str:
    names = sorted(frame["name"].fillna(frame["location_id"]).astype(str))
    extra = f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    return ", ".join(names[:_SHOWN]) + extra


def _org(org_id: str, names: Mapping[str, str | None]) -> str:
    return names.get(org_id) or org_id


def evaluate(
    watch: WatchRecords, rules: Rules, now: datetime, org_names: Mapping[str, str | None]
) -> list[AlertSpec]:
    """Every condition that holds now under `rules`, over all orgs (the records' open statuses)."""
    specs: list[AlertSpec] = []
    integrations = watch.open_integration_frame()
    # A deprovisioned integration stops mattering once another one holds its place (the merchant reconnected).
    live = {
        (row.org_id, *slot(row.type, row.source)) for row in integrations.itertuples() if row.status == ACTIVE
    }
    for row in integrations.itertuples():
        label = f"{row.type.upper()} {row.source}"
        who = _org(row.org_id, org_names)
        replaced = (row.org_id, *slot(row.type, row.source)) in live
        if rules.integration_deprovisioned and row.status == DEPROVISIONED and not replaced:
            specs.append(
                AlertSpec(
                    INTEGRATION_DEPROVISIONED,
                    row.org_id,
                    row.onboarding_id,
                    row.valid_from,
                    f"{who}: {label} integration deprovisioned; reconnect it",
                    "integrations",
                )
            )
        limit = timedelta(hours=rules.waiting_for_oauth_hours)
        if rules.waiting_for_oauth_hours and row.status == WAITING_FOR_OAUTH and now - row.valid_from > limit:
            specs.append(
                AlertSpec(
                    WAITING_FOR_OAUTH,
                    row.org_id,
                    row.onboarding_id,
                    row.valid_from,
                    f"{who}: {label} waiting for OAuth consent for {_age(row.valid_from, now)}; "
                    "send the merchant the consent link again or restart it",
                    "integrations",
                )
            )
    specs += _dsp_rules(watch, rules, now, org_names)
    specs += _unbound_rule(watch, rules, now, org_names)
    return specs


def _dsp_rules(
    watch: WatchRecords, rules: Rules, now: datetime, org_names: Mapping[str, str | None]
) -> list[AlertSpec]:
    wanted = ["REJECTED", "PAUSED"] if rules.dsp_rejected_or_paused else []
    wanted += ["PENDING"] if rules.dsp_pending_days else []
    if not wanted:
        return []
    frame = watch.open_location_frame(channels_not=(POS_CHANNEL, BINDING_CHANNEL), statuses=wanted)
    pending_limit = now - timedelta(days=rules.dsp_pending_days)
    frame = frame[(frame["status"] != "PENDING") | (frame["valid_from"] < pending_limit)]
    specs = []
    for (org_id, channel, status), group in frame.groupby(["org_id", "channel", "status"], sort=True):
        since = group["valid_from"].min()
        who = _org(str(org_id), org_names)
        count = f"{len(group)} {channel} store{'s' if len(group) != 1 else ''}"
        if status == "PENDING":
            rule = DSP_PENDING
            text = f"{who}: {count} PENDING for more than {_age(since, now)} ({_names(group)})"
            page = "org_status"
        else:
            rule = DSP_REJECTED_OR_PAUSED
            text = f"{who}: {count} {status} ({_names(group)}); check them on Org status"
            page = "org_status"
        specs.append(AlertSpec(rule, str(org_id), f"{channel}:{status}", since.to_pydatetime(), text, page))
    return specs


def _unbound_rule(
    watch: WatchRecords, rules: Rules, now: datetime, org_names: Mapping[str, str | None]
) -> list[AlertSpec]:
    if not rules.unbound_days:
        return []
    frame = watch.open_location_frame(statuses=(UNBOUND,))
    frame = frame[
        (frame["channel"] == BINDING_CHANNEL)
        & (frame["valid_from"] < now - timedelta(days=rules.unbound_days))
    ]
    specs = []
    for org_id, group in frame.groupby("org_id", sort=True):
        since = group["valid_from"].min()
        who = _org(str(org_id), org_names)
        text = (
            f"{who}: {len(group)} ingested location{'s' if len(group) != 1 else ''} not bound to any DSP "
            f"for more than {_age(since, now)} ({_names(group)}); bind them"
        )
        specs.append(
            AlertSpec(UNBOUND_LOCATIONS, str(org_id), "unbound", since.to_pydatetime(), text, "bind")
        )
    return specs
