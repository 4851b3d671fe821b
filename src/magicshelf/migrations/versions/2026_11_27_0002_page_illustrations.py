"""Each page's illustration: the keys of its three renditions and the master's size.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KEY = sa.String(80)


def upgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("master_key", KEY, nullable=True))
        batch.add_column(sa.Column("web_key", KEY, nullable=True))
        batch.add_column(sa.Column("thumbnail_key", KEY, nullable=True))
        batch.add_column(sa.Column("image_width", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("image_height", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("image_content_type", sa.String(20), nullable=True))
        # All or nothing: a page never points at part of an illustration.
        batch.create_check_constraint(
            "illustration_complete",
            "(master_key IS NULL AND web_key IS NULL AND thumbnail_key IS NULL"
            " AND image_width IS NULL AND image_height IS NULL AND image_content_type IS NULL)"
            " OR (master_key IS NOT NULL AND web_key IS NOT NULL AND thumbnail_key IS NOT NULL"
            " AND image_width > 0 AND image_height > 0 AND image_content_type IS NOT NULL)",
        )


def downgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.drop_constraint(op.f("ck_pages_illustration_complete"), type_="check")
        for column in (
            "image_content_type",
            "image_height",
            "image_width",
            "thumbnail_key",
            "web_key",
            "master_key",
        ):
            batch.drop_column(column)
