"""Baseline: orgs, onboardings, OAuth states and the audit log as the console created them before Alembic.

A database made by an older console already has these tables (created with create_all, no alembic_version):
each table is created only when missing, so such a database is adopted in place, its rows untouched.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_TS = sa.DateTime(timezone=True)


def _missing(name: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if _missing("orgs"):
        op.create_table(
            "orgs",
            sa.Column("org_id", sa.String(255), primary_key=True),
            sa.Column("name", sa.String(500), nullable=True),
            sa.Column("provider_id", sa.String(255), nullable=True),
            sa.Column("user_email", sa.String(320), nullable=True),
            sa.Column("created_by", sa.String(320), nullable=False),
            sa.Column("source", sa.String(16), nullable=False),
            sa.Column("created_at", UTC_TS, nullable=False),
        )
    if _missing("onboardings"):
        op.create_table(
            "onboardings",
            sa.Column("onboarding_id", sa.String(255), primary_key=True),
            sa.Column("org_id", sa.String(255), nullable=False),
            sa.Column("type", sa.String(8), nullable=False),
            sa.Column("source", sa.String(255), nullable=False),
            sa.Column("status", sa.String(64), nullable=False),
            sa.Column("entry_url", sa.Text(), nullable=True),
            sa.Column("created_by", sa.String(320), nullable=False),
            sa.Column("created_at", UTC_TS, nullable=False),
            sa.Column("updated_at", UTC_TS, nullable=False),
        )
        op.create_index("ix_onboardings_org_id", "onboardings", ["org_id"])
    if _missing("oauth_states"):
        op.create_table(
            "oauth_states",
            sa.Column("state", sa.String(128), primary_key=True),
            sa.Column("onboarding_id", sa.String(255), nullable=True),
            sa.Column("org_id", sa.String(255), nullable=True),
            sa.Column("created_by", sa.String(320), nullable=False),
            sa.Column("created_at", UTC_TS, nullable=False),
            sa.Column("expires_at", UTC_TS, nullable=False),
            sa.Column("used_at", UTC_TS, nullable=True),
        )
        op.create_index("ix_oauth_states_onboarding_id", "oauth_states", ["onboarding_id"])
    if _missing("audit_log"):
        op.create_table(
            "audit_log",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("at", UTC_TS, nullable=False),
            sa.Column("actor", sa.String(320), nullable=False),
            sa.Column("action", sa.String(64), nullable=False),
            sa.Column("org_id", sa.String(255), nullable=True),
            sa.Column("request", sa.JSON(), nullable=False),
            sa.Column("outcome", sa.String(8), nullable=False),
            sa.Column("detail", sa.JSON(), nullable=True),
            sa.Column("error", sa.Text(), nullable=True),
        )
        op.create_index("ix_audit_log_at", "audit_log", ["at"])
        op.create_index("ix_audit_log_actor", "audit_log", ["actor"])
        op.create_index("ix_audit_log_org_id", "audit_log", ["org_id"])


def downgrade() -> None:
    for table in ("audit_log", "oauth_states", "onboardings", "orgs"):
        op.drop_table(table)
