"""Books and their six pages.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "books",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("magic_code", sa.String(9), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("teacher", sa.String(80), nullable=False),
        sa.Column("school", sa.String(120), nullable=True),
        sa.Column("edit_key_hash", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_books")),
        sa.UniqueConstraint("magic_code", name=op.f("uq_books_magic_code")),
        sa.CheckConstraint("length(magic_code) = 9", name=op.f("ck_books_magic_code_length")),
    )
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.SmallInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
        sa.ForeignKeyConstraint(
            ["book_id"], ["books.id"], name=op.f("fk_pages_book_id_books"), ondelete="CASCADE"
        ),
        sa.UniqueConstraint("book_id", "number", name=op.f("uq_pages_book_id")),
        sa.CheckConstraint("number BETWEEN 1 AND 6", name=op.f("ck_pages_number_range")),
    )


def downgrade() -> None:
    op.drop_table("pages")
    op.drop_table("books")
