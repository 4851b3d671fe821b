"""Teacher accounts, their sessions, and one-time links (invitations, password resets).

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

EMAIL = sa.String(254)
DIGEST = sa.String(64)


def _moment(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "teachers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("email", EMAIL, nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        _moment("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teachers")),
        sa.UniqueConstraint("email", name=op.f("uq_teachers_email")),
    )
    op.create_table(
        "teacher_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", DIGEST, nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        _moment("created_at"),
        _moment("expires_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teacher_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_teacher_sessions_token_hash")),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["teachers.id"],
            name=op.f("fk_teacher_sessions_teacher_id_teachers"),
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", DIGEST, nullable=False),
        sa.Column("purpose", sa.String(10), nullable=False),
        sa.Column("email", EMAIL, nullable=False),
        _moment("created_at"),
        _moment("expires_at"),
        _moment("used_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_links_token_hash")),
        sa.CheckConstraint("purpose IN ('invite', 'reset')", name=op.f("ck_links_purpose")),
    )


def downgrade() -> None:
    op.drop_table("links")
    op.drop_table("teacher_sessions")
    op.drop_table("teachers")
