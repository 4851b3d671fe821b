"""Classes (turmas) and their co-teachers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classes",
        sa.Column("id", sa.String(16), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("school", sa.String(120), nullable=True),
        sa.Column("year", sa.SmallInteger(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classes")),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["teachers.id"],
            name=op.f("fk_classes_owner_id_teachers"),
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "class_teachers",
        sa.Column("class_id", sa.String(16), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("class_id", "email", name=op.f("pk_class_teachers")),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_class_teachers_class_id_classes"),
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("class_teachers")
    op.drop_table("classes")
