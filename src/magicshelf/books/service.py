"""What can be done with books. Routes translate HTTP; these functions decide and query."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from magicshelf.books import codes
from magicshelf.books.edit_keys import edit_key_hash, edit_key_matches, new_edit_key
from magicshelf.books.models import PAGE_COUNT, Book, Page, utcnow
from magicshelf.books.schemas import BookCreate, BookUpdate
from magicshelf.db import Base, Database
from magicshelf.errors import BookNotFound, WrongEditKey

log = logging.getLogger(__name__)
CODE_ATTEMPTS = 8


def _is_code_collision(error: IntegrityError) -> bool:
    return "magic_code" in str(error.orig)


def new_book(
    *,
    title: str,
    author: str,
    teacher: str,
    school: str | None,
    texts: dict[int, str],
    edit_key: str | None = None,
) -> tuple[Book, str]:
    """A book with six pages, not yet stored, and its edit key (kept only as a digest)."""
    edit_key = edit_key or new_edit_key()
    now = utcnow()
    book = Book(
        title=title,
        author=author,
        teacher=teacher,
        school=school,
        edit_key_hash=edit_key_hash(edit_key),
        published=True,
        revision=1,
        created_at=now,
        updated_at=now,
        pages=[Page(number=n, text=texts.get(n, "")) for n in range(1, PAGE_COUNT + 1)],
    )
    return book, edit_key


async def store_new_books(
    session: AsyncSession,
    books: list[Book],
    *,
    record: Callable[[list[Book]], Base] | None = None,
) -> None:
    """Give the books fresh magic codes and store them all in one transaction, with
    ``record(books)`` if given (the idempotency row that remembers this answer).

    With N books stored, a fresh code collides with probability N / 31^8 (one in 850,000
    at a million books); the unique constraint is the arbiter and a collision draws again.
    """
    for attempt in range(1, CODE_ATTEMPTS + 1):
        for book in books:
            book.magic_code = codes.new_code()
        session.add_all(books)
        if record is not None:
            session.add(record(books))
        try:
            await session.commit()
        except IntegrityError as error:
            await session.rollback()
            if not _is_code_collision(error) or attempt == CODE_ATTEMPTS:
                raise
            log.warning("magic code collision, drawing again (attempt %d)", attempt)
            continue
        return
    raise AssertionError("unreachable")


async def create_book(
    *,
    session: AsyncSession,
    data: BookCreate,
    edit_key: str | None = None,
    record: Callable[[list[Book]], Base] | None = None,
) -> tuple[Book, str]:
    """Store a new published book; returns it with its edit key, shown only this once."""
    book, edit_key = new_book(
        title=data.title,
        author=data.author,
        teacher=data.teacher,
        school=data.school,
        texts={page.number: page.text for page in data.pages},
        edit_key=edit_key,
    )
    await store_new_books(session, [book], record=record)
    return book, edit_key


async def find_book(*, session: AsyncSession, code: str) -> Book:
    """The book with its pages, to edit or print, in one query; BookNotFound if unknown."""
    # joinedload: books LEFT JOIN pages in one SELECT, where selectinload needs two.
    # unique() reads all the joined rows, so the pages collection is complete.
    result = await session.execute(
        select(Book).where(Book.magic_code == code).options(joinedload(Book.pages))
    )
    book = result.unique().scalar_one_or_none()
    if book is None:
        raise BookNotFound()
    return book


@dataclass(frozen=True, slots=True)
class PageRecord:
    number: int
    text: str
    master_key: str | None
    web_key: str | None
    thumbnail_key: str | None
    image_width: int | None
    image_height: int | None
    image_content_type: str | None
    audio_key: str | None
    audio_duration_ms: int | None


@dataclass(frozen=True, slots=True)
class BookRecord:
    """A book as read for display: plain values, no ORM session, nothing to edit."""

    magic_code: str
    revision: int
    title: str
    author: str
    teacher: str
    school: str | None
    published: bool
    created_at: datetime
    updated_at: datetime
    pages: tuple[PageRecord, ...]


def _field_names(record: type[Any]) -> list[str]:
    return [field.name for field in fields(record) if field.name != "pages"]


# The records' fields name the columns, in order: one list to keep in step, not two.
_BOOK_FIELDS = _field_names(BookRecord)
_PAGE_FIELDS = _field_names(PageRecord)
READ_BOOK = (
    select(
        *(getattr(Book, name) for name in _BOOK_FIELDS),
        *(getattr(Page, name) for name in _PAGE_FIELDS),
    )
    .outerjoin(Page, Page.book_id == Book.id)
    .where(Book.magic_code == bindparam("code"))
    .order_by(Page.number)
)
_PAGE_START = len(_BOOK_FIELDS)


async def read_book(*, database: Database, code: str) -> BookRecord:
    """The book with its pages, for reading: one SELECT, one round trip; BookNotFound if unknown.

    Reading is the hot path (families far outnumber teachers), so it skips the ORM and
    its session: one query (books LEFT JOIN pages) builds plain records.
    """
    rows = await database.read_rows(READ_BOOK, {"code": code})
    if not rows:
        raise BookNotFound()
    return BookRecord(
        **dict(zip(_BOOK_FIELDS, rows[0], strict=False)),
        # A LEFT JOIN row without a page (number NULL) means the book has no pages.
        pages=tuple(PageRecord(*row[_PAGE_START:]) for row in rows if row[_PAGE_START] is not None),
    )


def page_record(page: Page) -> PageRecord:
    return PageRecord(*(getattr(page, name) for name in _PAGE_FIELDS))


def record_of(book: Book) -> BookRecord:
    """An edited book as reads see it, so that one presenter answers for both."""
    return BookRecord(
        **{name: getattr(book, name) for name in _BOOK_FIELDS},
        pages=tuple(page_record(page) for page in book.pages),
    )


@dataclass(frozen=True, slots=True)
class BookRevision:
    """Just enough of a book to compute its ETag, and to know whether it is a draft."""

    magic_code: str
    revision: int
    published: bool


_READ_REVISION = select(Book.magic_code, Book.revision, Book.published).where(
    Book.magic_code == bindparam("code")
)


async def read_revision(*, database: Database, code: str) -> BookRevision:
    """The book's current revision, to answer If-None-Match; BookNotFound if unknown.

    Most reads by a family's browser are revalidations, and one row of two columns costs
    a fraction of the whole book with its pages.
    """
    rows = await database.read_rows(_READ_REVISION, {"code": code})
    if not rows:
        raise BookNotFound()
    return BookRevision(*rows[0])


def authorize(*, book: Book, edit_key: str) -> None:
    if not edit_key_matches(edit_key, book.edit_key_hash):
        raise WrongEditKey()


async def end_read(session: AsyncSession) -> None:
    """Finish the read transaction early, keeping the loaded objects usable.

    Edits that take long before they write (an upload being received and processed) must
    not hold a connection, or on SQLite the write lock, while they wait.
    """
    await session.commit()


async def touch(session: AsyncSession, book: Book) -> None:
    """Mark a change: a new revision (and so a new ETag) and a new updated_at."""
    now = utcnow()
    revision = await session.scalar(
        update(Book)
        .where(Book.id == book.id)
        .values(revision=Book.revision + 1, updated_at=now)
        .returning(Book.revision)
        .execution_options(synchronize_session=False)
    )
    # Computed in SQL so concurrent edits never share a revision; copied back, not re-read.
    set_committed_value(book, "revision", revision)
    set_committed_value(book, "updated_at", now)


async def update_book(*, session: AsyncSession, book: Book, data: BookUpdate) -> Book:
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(book, name, value)
    await touch(session, book)
    await session.commit()
    return book


async def replace_edit_key(*, session: AsyncSession, book: Book) -> str:
    """A new edit key for the book; the old one stops opening it. The code stays."""
    edit_key = new_edit_key()
    book.edit_key_hash = edit_key_hash(edit_key)
    await session.commit()
    return edit_key


async def delete_book(*, session: AsyncSession, book: Book) -> None:
    # The database cascades to pages; an explicit DELETE keeps it one statement.
    await session.execute(delete(Book).where(Book.id == book.id))
    await session.commit()


def page_of(book: Book, number: int) -> Page:
    """The book's page ``number``; the route has already checked it is 1 to 6."""
    return next(page for page in book.pages if page.number == number)


async def set_page_text(*, session: AsyncSession, book: Book, number: int, text: str) -> Page:
    page = page_of(book, number)
    page.text = text
    await touch(session, book)
    await session.commit()
    return page
