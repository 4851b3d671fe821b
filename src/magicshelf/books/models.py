"""Tables for books and their six pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import true

from magicshelf.db import Base

PAGE_COUNT = 6
# A page's illustration: all of these are set, or none (a CHECK constraint holds to it).
ILLUSTRATION_COLUMNS = (
    "master_key",
    "web_key",
    "thumbnail_key",
    "image_width",
    "image_height",
    "image_content_type",
)
# A page's recording: both set, or neither.
AUDIO_COLUMNS = ("audio_key", "audio_duration_ms")


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
    __table_args__ = (
        CheckConstraint("length(magic_code) = 9", name="magic_code_length"),
        Index("ix_books_class_id", "class_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    magic_code: Mapped[str] = mapped_column(String(9), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    author: Mapped[str] = mapped_column(String(80))
    teacher: Mapped[str] = mapped_column(String(80))
    school: Mapped[str | None] = mapped_column(String(120))
    edit_key_hash: Mapped[str] = mapped_column(String(64))
    # A class's books: their class and place in its roster (a book made alone has neither).
    class_id: Mapped[str | None] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    position: Mapped[int | None] = mapped_column(Integer)
    # A draft is read only by those who may edit it; families get "still being written".
    published: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
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
        CheckConstraint(
            "(master_key IS NULL AND web_key IS NULL AND thumbnail_key IS NULL"
            " AND image_width IS NULL AND image_height IS NULL AND image_content_type IS NULL)"
            " OR (master_key IS NOT NULL AND web_key IS NOT NULL AND thumbnail_key IS NOT NULL"
            " AND image_width > 0 AND image_height > 0 AND image_content_type IS NOT NULL)",
            name="illustration_complete",
        ),
        CheckConstraint(
            "(audio_key IS NULL AND audio_duration_ms IS NULL)"
            " OR (audio_key IS NOT NULL AND audio_duration_ms > 0)",
            name="audio_complete",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(SmallInteger)
    text: Mapped[str] = mapped_column(Text, default="")
    # The illustration, if any: content-addressed blob keys of its renditions, and the
    # print master's size and type. Blobs are shared and never deleted here; `gc` does that.
    master_key: Mapped[str | None] = mapped_column(String(80))
    web_key: Mapped[str | None] = mapped_column(String(80))
    thumbnail_key: Mapped[str | None] = mapped_column(String(80))
    image_width: Mapped[int | None] = mapped_column(Integer)
    image_height: Mapped[int | None] = mapped_column(Integer)
    image_content_type: Mapped[str | None] = mapped_column(String(20))
    # The recording, if any: the processed audio's blob key (AAC in MP4) and its length.
    audio_key: Mapped[str | None] = mapped_column(String(80))
    audio_duration_ms: Mapped[int | None] = mapped_column(Integer)

    book: Mapped[Book] = relationship(back_populates="pages", lazy="raise")
