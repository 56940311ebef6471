"""Audit log: every change the console made at the API, by whom, and the outcome; role settings for admins."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from lib.access import EMAIL_KEYS, Action, Role, audit_scope, can
from lib.export.writers import csv_bytes
from lib.numbers import count, part
from lib.store import ACTION_LABELS, LOCATIONS_BOUND, AuditEntry, audit_frame
from lib.ui.access import access_settings, button_state
from lib.ui.context import page_setup
from lib.ui.text import md

ALL = "All"

console = page_setup("Audit log", "📜", requires=Action.VIEW_AUDIT)
st.title("Audit log")

records = console.records
scope = audit_scope(console.role, console.actor, records.org_ids_created_by(console.actor))
if scope is None:
    st.caption("Every change the console made at the API, by everyone (you are an admin).")
elif console.role is Role.ANALYST:
    st.caption(
        "Analysts change nothing, so this shows the entries you made yourself and those about organizations "
        "you added; ask an admin for the full log."
    )
else:
    st.caption("The changes you made, and every change made to the organizations you created or added.")

tab_names = ["Entries"] + (["Role settings"] if can(console.role, Action.VIEW_ROLE_SETTINGS) else [])
tabs = st.tabs(tab_names)


ORG_NAMES = {o.org_id: o.name for o in records.list_orgs() if o.name}


def _org_label(org_id: str | None) -> str:
    if org_id == ALL:
        return ALL
    if not org_id:
        return "—"
    return f"{ORG_NAMES[org_id]} ({org_id})" if org_id in ORG_NAMES else org_id


def _scalars(entry: AuditEntry) -> pd.DataFrame:
    """The entry's plain values (what was asked, what came back) as one small two-column table."""
    rows = [
        {"field": key if where == "asked" else f"{key} (result)", "value": str(value)}
        for where, data in (("asked", entry.request), ("result", entry.detail or {}))
        for key, value in data.items()
        if not isinstance(value, list | dict) and value not in (None, "")
    ]
    return pd.DataFrame(rows, columns=["field", "value"])


def _pairs_frames(entry: AuditEntry) -> dict[str, pd.DataFrame]:
    """Lists of records inside the request or the result (a bind's pairs and scores), as tables."""
    frames: dict[str, pd.DataFrame] = {}
    for where, data in (("asked", entry.request), ("result", entry.detail or {})):
        for key, value in data.items():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                frames[f"{key} ({where})"] = pd.DataFrame(value)
    return frames


with tabs[0]:
    visible = records.list_audit(visible_to=scope)
    orgs = sorted({e.org_id for e in visible if e.org_id})
    actors = sorted({e.actor for e in visible}, key=str.lower)
    actions = [a for a in ACTION_LABELS if any(e.action == a for e in visible)]
    actions += sorted({e.action for e in visible} - set(actions))

    c1, c2, c3, c4, c5, c6 = st.columns([3, 3, 2, 1.3, 1.5, 1.5])
    org = c1.selectbox("Organization", [ALL, *orgs], format_func=_org_label, key="audit_org")
    person = c2.selectbox("Person", [ALL, *actors], key="audit_person")
    action = c3.selectbox(
        "Action", [ALL, *actions], format_func=lambda a: ACTION_LABELS.get(a, a), key="audit_action"
    )
    outcome = c4.selectbox("Outcome", [ALL, "ok", "error"], key="audit_outcome")
    since = c5.date_input("From (UTC)", value=None, key="audit_since")
    until = c6.date_input("To (UTC)", value=None, key="audit_until")

    if since and until and since > until:
        st.warning("“From” is after “To”: no entry can match. Swap the dates.")
    entries = records.list_audit(
        org_id=None if org == ALL else org,
        actor=None if person == ALL else person,
        action=None if action == ALL else action,
        outcome=None if outcome == ALL else outcome,
        since=since,
        until=until,
        visible_to=scope,
    )

    frame = audit_frame(entries)
    frame["action"] = frame["action"].map(lambda a: ACTION_LABELS.get(a, a))
    frame["org_id"] = frame["org_id"].map(_org_label)  # the name a person knows the org by, then its id
    st.caption(
        f"{part(len(entries), len(visible), 'entry', 'entries')} you can see match the filters. Newest first."
    )
    if entries:
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            column_config={
                "when": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss"),
                "actor": "Who",
                "action": "Action",
                "org_id": "Org",
                "outcome": "Outcome",
                "summary": "What was asked / result",
            },
        )
    else:
        st.info("No entries match. Changes appear here as soon as someone makes one.")

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    st.download_button(
        "Export CSV",
        data=csv_bytes(audit_frame(entries, full=True)),
        file_name=f"audit-log-{stamp}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="audit_export",
        **button_state(Action.EXPORT, disabled=not entries, help="Download exactly the rows shown, in full."),
    )

    if entries:
        st.subheader("Entry detail")
        by_id = {e.id: e for e in entries}

        def _entry_label(entry_id: int) -> str:
            e = by_id[entry_id]
            return f"#{e.id} · {e.at:%Y-%m-%d %H:%M} · {ACTION_LABELS.get(e.action, e.action)} · {e.actor}"

        chosen = st.selectbox("Entry", list(by_id), format_func=_entry_label, key="audit_entry")
        entry = by_id[chosen]
        left, right = st.columns(2)
        left.markdown(f"**Who** {md(entry.actor)}  \n**When** {entry.at:%Y-%m-%d %H:%M:%S} UTC")
        right.markdown(f"**Org** {md(_org_label(entry.org_id))}  \n**Outcome** {md(entry.outcome)}")
        if entry.error:
            st.error(md(entry.error))
        values = _scalars(entry)
        if not values.empty:
            st.dataframe(values, hide_index=True, width="stretch", key="audit_entry_values")
        frames = _pairs_frames(entry)
        if entry.action == LOCATIONS_BOUND and not frames:
            st.caption("This bind entry lists no pairs.")
        for title, table in frames.items():  # a bind's pairs: a scrolling table, not a page of JSON
            st.markdown(f"**{md(title)}** · {count(len(table), 'row')}")
            st.dataframe(table, hide_index=True, width="stretch", height=min(36 + 35 * len(table), 320))
        with st.expander("Raw entry (JSON)"):
            shown: dict[str, Any] = {"asked": entry.request, "result": entry.detail}
            st.code(json.dumps(shown, indent=2, sort_keys=True, default=str), language="json")


if len(tabs) > 1:
    with tabs[1]:
        settings = access_settings()
        st.caption(
            "Read-only: roles are set in .streamlit/secrets.toml under [roles] (see the example file)."
        )
        if settings.sign_in:
            st.success(f"Sign-in is on (providers: {', '.join(settings.providers) or 'default'}).")
        else:
            note = (
                "pages are refused"
                if settings.require_login
                else f"a local operator acts as {settings.local_role.label}"
            )
            st.warning(f"Sign-in is not configured: {note}.")
        rows = settings.rules.table()
        if rows:
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        else:
            st.info("No roles are assigned: nobody who signs in can use the console. Add a [roles] section.")
        for address, roles in settings.rules.conflicts().items():
            st.warning(
                f"{md(address)} is listed as {' and '.join(r.label for r in roles)}; the highest applies."
            )
        probe = st.text_input(
            "Check an email address", key="audit_role_probe", placeholder="name@example.com"
        )
        if probe.strip():
            found = settings.role_of(probe)
            st.write(
                f"**{md(probe.strip())}** → "
                + (found.label if found else "no role (sees the “ask an admin” page)")
            )
        st.caption(f"Email lists: {', '.join(EMAIL_KEYS)}; domain lists: the same names ending in _domains.")
