"""selfcheck_results: finished self-checks per user

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "selfcheck_results",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("knowledge_version", sa.String(64), nullable=False),
        sa.Column("notice_year", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_selfcheck_results_user_created", "selfcheck_results", ["user_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_selfcheck_results_user_created", "selfcheck_results")
    op.drop_table("selfcheck_results")
