"""Tables for classes and the teachers who share them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from magicshelf.books.models import UTCDateTime, utcnow
from magicshelf.db import Base


class SchoolClass(Base):
    __tablename__ = "classes"

    # Random, not a counter: an id in a URL says nothing about other classes.
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    school: Mapped[str | None] = mapped_column(String(120))
    year: Mapped[int | None] = mapped_column(SmallInteger)
    owner_id: Mapped[int] = mapped_column(ForeignKey("teachers.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CoTeacher(Base):
    """A teacher who shares a class she does not own, by email: she may sign up later."""

    __tablename__ = "class_teachers"

    class_id: Mapped[str] = mapped_column(
        ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(254), primary_key=True)  # lower-case
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
