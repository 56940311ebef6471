"""Tables of the watcher: status intervals (a slowly changing dimension), events, runs and alerts."""

from __future__ import annotations

import sqlalchemy as sa

from lib.store.db import UTCDateTime, metadata

# One row per run of the watcher (cron, the --every loop or a person's "Check now").
watch_runs = sa.Table(
    "watch_runs",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("started_at", UTCDateTime(), nullable=False, index=True),
    sa.Column("finished_at", UTCDateTime(), nullable=True),
    sa.Column("actor", sa.String(320), nullable=False),
    sa.Column("orgs", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("changes", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("alerts_sent", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("alerts_failed", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("failed", sa.Integer(), nullable=False, server_default="0"),
)

# Whether the watcher could read each org at its last try (an unreadable org keeps its history open).
org_reads = sa.Table(
    "org_reads",
    metadata,
    sa.Column("org_id", sa.String(255), primary_key=True),
    sa.Column("readable", sa.Boolean(), nullable=False),
    sa.Column("since", UTCDateTime(), nullable=False),
    sa.Column("last_read_at", UTCDateTime(), nullable=False),
    sa.Column("last_error", sa.Text(), nullable=True),
)

# A row opens (valid_to NULL) when an integration's status starts and closes when it changes.
integration_history = sa.Table(
    "integration_history",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("org_id", sa.String(255), nullable=False, index=True),
    sa.Column("onboarding_id", sa.String(255), nullable=False, index=True),
    sa.Column("type", sa.String(8), nullable=False),
    sa.Column("source", sa.String(255), nullable=False),
    sa.Column("status", sa.String(64), nullable=False),
    sa.Column("valid_from", UTCDateTime(), nullable=False),
    sa.Column("valid_to", UTCDateTime(), nullable=True),
)

# The same per location and channel: "pos" (the location's own status), "binding" (bound/unbound) or a
# DSP source such as "doordash" (that DSP store's status).
location_history = sa.Table(
    "location_history",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("org_id", sa.String(255), nullable=False),
    sa.Column("location_id", sa.String(255), nullable=False),
    sa.Column("channel", sa.String(255), nullable=False),
    sa.Column("name", sa.String(500), nullable=True),
    sa.Column("status", sa.String(128), nullable=False),
    sa.Column("valid_from", UTCDateTime(), nullable=False),
    sa.Column("valid_to", UTCDateTime(), nullable=True),
    sa.Index("ix_location_history_org_open", "org_id", "valid_to"),
)

watch_events = sa.Table(
    "watch_events",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer(), nullable=False, index=True),
    sa.Column("at", UTCDateTime(), nullable=False, index=True),
    sa.Column("org_id", sa.String(255), nullable=False, index=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("subject", sa.String(255), nullable=False),
    sa.Column("channel", sa.String(255), nullable=True),
    sa.Column("old_status", sa.String(128), nullable=True),
    sa.Column("new_status", sa.String(128), nullable=True),
    sa.Column("summary", sa.Text(), nullable=False),
)

# An alert is one episode of a rule for one subject: opened once, closed when the condition ends.
alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("rule", sa.String(64), nullable=False),
    sa.Column("org_id", sa.String(255), nullable=False, index=True),
    sa.Column("subject", sa.String(255), nullable=False),
    sa.Column("since", UTCDateTime(), nullable=False),
    sa.Column("opened_at", UTCDateTime(), nullable=False),
    sa.Column("closed_at", UTCDateTime(), nullable=True, index=True),
    sa.Column("summary", sa.Text(), nullable=False),
    sa.Column("page", sa.String(64), nullable=False),
    sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
    sa.Column("acknowledged_by", sa.String(320), nullable=True),
)

# One row per alert and webhook: each target gets an alert once, retried until it is delivered.
alert_deliveries = sa.Table(
    "alert_deliveries",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("alert_id", sa.Integer(), nullable=False, index=True),
    sa.Column("target", sa.String(255), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("last_attempt_at", UTCDateTime(), nullable=True),
    sa.Column("delivered_at", UTCDateTime(), nullable=True),
    sa.Column("last_error", sa.Text(), nullable=True),
    sa.UniqueConstraint("alert_id", "target", name="uq_alert_deliveries_alert_target"),
)
