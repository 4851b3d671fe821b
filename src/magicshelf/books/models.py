"""Tables for books and their six pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from magicshelf.db import Base

PAGE_COUNT = 6


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Book(Base):
    __tablename__ = "books"
    __table_args__ = (CheckConstraint("length(magic_code) = 9", name="magic_code_length"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    magic_code: Mapped[str] = mapped_column(String(9), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    author: Mapped[str] = mapped_column(String(80))
    teacher: Mapped[str] = mapped_column(String(80))
    school: Mapped[str | None] = mapped_column(String(120))
    edit_key_hash: Mapped[str] = mapped_column(String(64))
    # Bumped on every change to the book or its pages; the ETag is built from it.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pages: Mapped[list[Page]] = relationship(
        back_populates="book",
        order_by="Page.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",
    )


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (
        UniqueConstraint("book_id", "number"),
        CheckConstraint(f"number BETWEEN 1 AND {PAGE_COUNT}", name="number_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(SmallInteger)
    text: Mapped[str] = mapped_column(Text, default="")

    book: Mapped[Book] = relationship(back_populates="pages", lazy="raise")
