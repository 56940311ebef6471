"""Bind leases: who is binding an org's locations right now, since when, until when unless renewed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UTC_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bind_leases",
        sa.Column("org_id", sa.String(length=255), nullable=False),
        sa.Column("holder", sa.String(length=320), nullable=False),
        sa.Column("since", UTC_TS, nullable=False),
        sa.Column("expires_at", UTC_TS, nullable=False),
        sa.PrimaryKeyConstraint("org_id"),
    )


def downgrade() -> None:
    op.drop_table("bind_leases")
