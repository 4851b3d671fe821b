"""Books of a class: which class, their place in its roster, and drafts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch: SQLite can add a foreign key only by rebuilding the table.
    with op.batch_alter_table("books") as batch:
        batch.add_column(sa.Column("class_id", sa.String(16), nullable=True))
        batch.add_column(sa.Column("position", sa.Integer(), nullable=True))
        # Every book made before classes existed was published at once; so are new ones
        # made without a class.
        batch.add_column(
            sa.Column("published", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.create_foreign_key(
            batch.f("fk_books_class_id_classes"),
            "classes",
            ["class_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index(batch.f("ix_books_class_id"), ["class_id", "position"])


def downgrade() -> None:
    with op.batch_alter_table("books") as batch:
        batch.drop_index(batch.f("ix_books_class_id"))
        batch.drop_constraint(batch.f("fk_books_class_id_classes"), type_="foreignkey")
        batch.drop_column("published")
        batch.drop_column("position")
        batch.drop_column("class_id")
