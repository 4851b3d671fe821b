"""Each page's recording: the key of its processed audio and how long it plays.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("audio_key", sa.String(80), nullable=True))
        batch.add_column(sa.Column("audio_duration_ms", sa.Integer(), nullable=True))
        # Both or neither: a page never points at a recording of unknown length.
        batch.create_check_constraint(
            "audio_complete",
            "(audio_key IS NULL AND audio_duration_ms IS NULL)"
            " OR (audio_key IS NOT NULL AND audio_duration_ms > 0)",
        )


def downgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.drop_constraint(op.f("ck_pages_audio_complete"), type_="check")
        batch.drop_column("audio_duration_ms")
        batch.drop_column("audio_key")
