"""A class's books: the overview, in roster order, and publishing them together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from magicshelf.books.models import PAGE_COUNT, Book, Page, utcnow
from magicshelf.books.service import new_book, store_new_books
from magicshelf.classes.models import SchoolClass
from magicshelf.classes.roster import limited
from magicshelf.db import Base
from magicshelf.teachers.models import Teacher


@dataclass(frozen=True, slots=True)
class PageProgress:
    number: int
    has_text: bool
    has_drawing: bool
    has_audio: bool


@dataclass(frozen=True, slots=True)
class ClassBook:
    """One child's book as the class overview shows it."""

    magic_code: str
    title: str
    author: str
    published: bool
    pages: tuple[PageProgress, ...]


def provisional_title(name: str) -> str:
    return f"O livro de {name}"  # in the book's language: it goes on the cover


def new_class_book(book: Book) -> ClassBook:
    """A book just made for a child, as the overview shows it: nothing on its pages yet."""
    empty = tuple(PageProgress(n, False, False, False) for n in range(1, PAGE_COUNT + 1))
    return ClassBook(book.magic_code, book.title, book.author, book.published, empty)


async def add_children(
    *,
    session: AsyncSession,
    teacher: Teacher,
    school_class: SchoolClass,
    names: Sequence[str],
    record: Callable[[list[Book]], Base] | None = None,
) -> list[ClassBook]:
    """One draft book per child, after the class's last one, all stored or none.

    The edit keys are not shown: the class's teachers edit with their session.
    """
    count, last = (
        await session.execute(
            select(func.count(), func.max(Book.position)).where(Book.class_id == school_class.id)
        )
    ).one()
    limited(names, already=count)
    books: list[Book] = []
    for offset, name in enumerate(names, start=1):
        book, _ = new_book(
            title=provisional_title(name),
            author=name,
            teacher=teacher.name,
            school=school_class.school,
            texts={},
        )
        book.class_id, book.position, book.published = school_class.id, (last or 0) + offset, False
        books.append(book)
    await store_new_books(session, books, record=record)
    return [new_class_book(book) for book in books]


async def class_books(*, session: AsyncSession, school_class: SchoolClass) -> list[ClassBook]:
    """Every book of the class with what each page has, in one query."""
    rows = await session.execute(
        select(
            Book.id,
            Book.magic_code,
            Book.title,
            Book.author,
            Book.published,
            Page.number,
            func.length(Page.text) > 0,
            Page.master_key.is_not(None),
            Page.audio_key.is_not(None),
        )
        .join(Page, Page.book_id == Book.id)
        .where(Book.class_id == school_class.id)
        .order_by(Book.position, Book.id, Page.number)
    )
    books: dict[int, tuple[tuple[str, str, str, bool], list[PageProgress]]] = {}
    for book_id, code, title, author, published, number, text, drawing, audio in rows:
        entry = books.setdefault(book_id, ((code, title, author, published), []))
        entry[1].append(PageProgress(number, bool(text), bool(drawing), bool(audio)))
    return [ClassBook(*head, pages=tuple(pages)) for head, pages in books.values()]


async def publish_all(*, session: AsyncSession, school_class: SchoolClass) -> None:
    """Publish every draft of the class; each one it changes gets a new revision."""
    await session.execute(
        update(Book)
        .where(Book.class_id == school_class.id, Book.published.is_(False))
        .values(published=True, revision=Book.revision + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.commit()
