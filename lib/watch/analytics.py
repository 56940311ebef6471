"""Tables for people: the needs-attention queue, the onboarding funnel, time to live, an org's timeline.

Pure pandas over the records, shared by the screens, `python -m lib.export --table …` and the notebook.
Times are when the watcher first saw a state: an org watched only since yesterday went live "yesterday".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import pandas as pd

from lib.store import OrgRecord
from lib.store.watch import WatchRecords
from lib.watch.pages import PAGES
from lib.watch.rules import RULE_LABELS

# (column, label): each stage an org reaches, in onboarding order.
FUNNEL_STAGES: tuple[tuple[str, str], ...] = (
    ("created", "Org created"),
    ("pos_active", "POS active"),
    ("ingested", "Locations ingested"),
    ("dsp_active", "DSP active"),
    ("bound", "Bound"),
    ("approved", "APPROVED"),
)
ATTENTION_COLUMNS = ("alert_id", "org_id", "org_name", "what", "summary", "since", "page", "acknowledged_by")


def _names(orgs: Iterable[OrgRecord]) -> dict[str, str | None]:
    return {o.org_id: o.name for o in orgs}


def needs_attention(
    watch: WatchRecords, orgs: Iterable[OrgRecord], include_acknowledged: bool = False
) -> pd.DataFrame:
    """Every open alert: id, org, what happened, summary, since, the page that fixes it, who acknowledged."""
    names = _names(orgs)
    rows = [
        {
            "alert_id": a.id,
            "org_id": a.org_id,
            "org_name": names.get(a.org_id) or a.org_id,
            "what": RULE_LABELS.get(a.rule, a.rule),
            "summary": a.summary,
            "since": a.since,
            "page": a.page,
            "acknowledged_by": a.acknowledged_by,
        }
        for a in watch.list_alerts(open_only=True, org_ids=names.keys())
        if include_acknowledged or a.acknowledged_at is None
    ]
    frame = pd.DataFrame(rows, columns=list(ATTENTION_COLUMNS))
    frame["since"] = pd.to_datetime(frame["since"], utc=True)
    return frame.sort_values("since", kind="stable").reset_index(drop=True)


def page_file(page: str) -> str | None:
    """The page file an alert's page name points to (for st.page_link), None if unknown."""
    return PAGES[page][0] if page in PAGES else None


def org_stages(watch: WatchRecords, orgs: Iterable[OrgRecord]) -> pd.DataFrame:
    """One row per org: when it reached each funnel stage (NaT where not yet), and days to live."""
    orgs = list(orgs)
    first = watch.first_seen_frame()
    table = pd.DataFrame(
        {
            "org_id": [o.org_id for o in orgs],
            "org_name": [o.name for o in orgs],
            "created": pd.to_datetime([o.created_at for o in orgs], utc=True),
        }
    )

    def earliest(mask: pd.Series) -> pd.Series:
        return (
            first[mask].groupby("org_id")["first"].min()
            if len(first)
            else pd.Series(dtype="datetime64[ns, UTC]")
        )

    if len(first):
        stages = {
            "pos_active": earliest((first["what"] == "pos") & (first["status"] == "active")),
            "ingested": earliest(first["what"] == "location"),
            "dsp_active": earliest((first["what"] == "dsp") & (first["status"] == "active")),
            "bound": earliest(first["what"] == "dsp_store"),
            "approved": earliest((first["what"] == "dsp_store") & (first["status"] == "APPROVED")),
        }
    else:
        stages = {}
    for column, _ in FUNNEL_STAGES[1:]:
        found = pd.to_datetime(stages.get(column, pd.Series(dtype="object")), utc=True)
        # reindex, not map: an empty Series of datetimes cannot be mapped onto ids (pandas casts to float).
        table[column] = found.reindex(table["org_id"]).set_axis(table.index)
    table["days_to_live"] = (table["approved"] - table["created"]).dt.total_seconds() / 86400
    return table


def funnel(stages: pd.DataFrame) -> pd.DataFrame:
    """Orgs that reached each stage, with conversion from the stage before and from org creation."""
    rows = []
    previous = None
    created = len(stages)
    for column, label in FUNNEL_STAGES:
        count = int(stages[column].notna().sum())
        rows.append(
            {
                "stage": label,
                "orgs": count,
                "from_previous": round(count / previous, 4) if previous else None,
                "from_created": round(count / created, 4) if created else None,
            }
        )
        previous = count
    return pd.DataFrame(rows, columns=["stage", "orgs", "from_previous", "from_created"])


def time_to_live(stages: pd.DataFrame) -> pd.DataFrame:
    """Per live merchant: org, created, first APPROVED store, days to live (slowest first)."""
    live = stages[stages["approved"].notna()]
    return (
        live[["org_id", "org_name", "created", "approved", "days_to_live"]]
        .sort_values("days_to_live", ascending=False, kind="stable")
        .reset_index(drop=True)
    )


def time_to_live_summary(stages: pd.DataFrame) -> dict[str, float | int | None]:
    """Median and p90 days from org creation to first APPROVED store, over the merchants that are live."""
    days = stages["days_to_live"].dropna()
    if days.empty:
        return {"live": 0, "median_days": None, "p90_days": None}
    return {
        "live": len(days),
        "median_days": round(float(days.median()), 2),
        "p90_days": round(float(days.quantile(0.9)), 2),
    }


def org_timeline(watch: WatchRecords, org_id: str, now: datetime) -> pd.DataFrame:
    """An org's statuses as bars: lane, status, start, end (now while open), locations (per lane and span).

    Integrations get a lane each; locations are grouped per channel and status so 5,000 locations that changed
    together read as one bar with a count.
    """
    columns = ["lane", "status", "start", "end", "locations"]
    integ = watch.integration_history_frame(org_id)
    parts = []
    if len(integ):
        parts.append(
            pd.DataFrame(
                {
                    "lane": integ["type"].str.upper()
                    + " "
                    + integ["source"]
                    + " ("
                    + integ["onboarding_id"]
                    + ")",
                    "status": integ["status"],
                    "start": integ["valid_from"],
                    "end": integ["valid_to"],
                    "locations": None,
                }
            )
        )
    spans = watch.location_spans_frame(org_id)
    if len(spans):
        parts.append(
            pd.DataFrame(
                {
                    "lane": "locations · " + spans["channel"],
                    "status": spans["status"],
                    "start": spans["valid_from"],
                    "end": spans["valid_to"],
                    "locations": spans["locations"],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(parts, ignore_index=True)
    # In microseconds: a column read at whole seconds could not hold `now` (pandas refuses the fill).
    frame["start"] = pd.to_datetime(frame["start"], utc=True).dt.as_unit("us")
    frame["end"] = pd.to_datetime(frame["end"], utc=True).dt.as_unit("us").fillna(pd.Timestamp(now))
    return frame[columns].sort_values(["lane", "start"], kind="stable").reset_index(drop=True)


def portfolio_timeline(watch: WatchRecords, orgs: Iterable[OrgRecord], now: datetime) -> pd.DataFrame:
    """Every org's timeline (as History draws one org's) in one table, org_id and org_name first."""
    frames = [
        org_timeline(watch, org.org_id, now).assign(org_id=org.org_id, org_name=org.name) for org in orgs
    ]
    columns = ["org_id", "org_name", "lane", "status", "start", "end", "locations"]
    kept = [frame[columns] for frame in frames if len(frame)]  # concat warns about empty frames
    return pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=columns)


HISTORY_TABLES: dict[str, str] = {
    "funnel": "orgs per onboarding stage, with conversion",
    "time_to_live": "days from org creation to first APPROVED store, per live merchant",
    "org_stages": "when each org reached each stage",
    "timeline": "each org's statuses as spans, as on the History page (locations counted per span)",
    "needs_attention": "every open alert",
    "events": "every change the watcher saw",
    "integration_history": "status intervals per integration",
    "location_history": "status intervals per location and channel",
    "alert_deliveries": "each alert's delivery to each webhook",
}


def history_table(name: str, watch: WatchRecords, orgs: Iterable[OrgRecord]) -> pd.DataFrame:
    """One of HISTORY_TABLES by name (KeyError names the choices)."""
    orgs = list(orgs)
    makers = {
        "funnel": lambda: funnel(org_stages(watch, orgs)),
        "time_to_live": lambda: time_to_live(org_stages(watch, orgs)),
        "org_stages": lambda: org_stages(watch, orgs),
        "timeline": lambda: portfolio_timeline(watch, orgs, datetime.now(UTC)),
        "needs_attention": lambda: needs_attention(watch, orgs, include_acknowledged=True),
        "events": watch.events_frame,
        "integration_history": watch.integration_history_frame,
        "location_history": watch.location_history_frame,
        "alert_deliveries": watch.deliveries_frame,
    }
    if name not in makers:
        raise KeyError(f"unknown table {name!r}: choose one of {', '.join(HISTORY_TABLES)}")
    return makers[name]()
