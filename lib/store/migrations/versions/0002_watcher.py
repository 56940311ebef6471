"""Watcher: status intervals per integration and per location channel, events, runs, alerts, deliveries.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_attempt_at", UTC_TS, nullable=True),
        sa.Column("delivered_at", UTC_TS, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alert_id", "target", name="uq_alert_deliveries_alert_target"),
    )
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_deliveries_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_deliveries_status"), ["status"], unique=False)

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("org_id", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("since", UTC_TS, nullable=False),
        sa.Column("opened_at", UTC_TS, nullable=False),
        sa.Column("closed_at", UTC_TS, nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("page", sa.String(length=64), nullable=False),
        sa.Column("acknowledged_at", UTC_TS, nullable=True),
        sa.Column("acknowledged_by", sa.String(length=320), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_org_id"), ["org_id"], unique=False)

    op.create_table(
        "integration_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=255), nullable=False),
        sa.Column("onboarding_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("valid_from", UTC_TS, nullable=False),
        sa.Column("valid_to", UTC_TS, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("integration_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_integration_history_onboarding_id"), ["onboarding_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_integration_history_org_id"), ["org_id"], unique=False)

    op.create_table(
        "location_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=255), nullable=False),
        sa.Column("location_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=128), nullable=False),
        sa.Column("valid_from", UTC_TS, nullable=False),
        sa.Column("valid_to", UTC_TS, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("location_history", schema=None) as batch_op:
        batch_op.create_index("ix_location_history_org_open", ["org_id", "valid_to"], unique=False)

    op.create_table(
        "org_reads",
        sa.Column("org_id", sa.String(length=255), nullable=False),
        sa.Column("readable", sa.Boolean(), nullable=False),
        sa.Column("since", UTC_TS, nullable=False),
        sa.Column("last_read_at", UTC_TS, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("org_id"),
    )
    op.create_table(
        "watch_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TS, nullable=False),
        sa.Column("org_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=255), nullable=True),
        sa.Column("old_status", sa.String(length=128), nullable=True),
        sa.Column("new_status", sa.String(length=128), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("watch_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_watch_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_watch_events_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_watch_events_run_id"), ["run_id"], unique=False)

    op.create_table(
        "watch_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("started_at", UTC_TS, nullable=False),
        sa.Column("finished_at", UTC_TS, nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("orgs", sa.Integer(), server_default="0", nullable=False),
        sa.Column("changes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("alerts_sent", sa.Integer(), server_default="0", nullable=False),
        sa.Column("alerts_failed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("failed", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("watch_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_watch_runs_started_at"), ["started_at"], unique=False)


def downgrade() -> None:
    for table in (
        "watch_runs",
        "watch_events",
        "org_reads",
        "location_history",
        "integration_history",
        "alerts",
        "alert_deliveries",
    ):
        op.drop_table(table)
