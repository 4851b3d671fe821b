"""Books as the JSON the API promises (see DESIGN.md), built straight from the rows.

The functions take anything shaped like a book: the ORM objects an edit works on, or the
plain records the read path builds from one SQL query (``service.read_book``). One
builder for both keeps every answer byte for byte the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from magicshelf.books import codes


class PageLike(Protocol):
    @property
    def number(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def master_key(self) -> str | None: ...
    @property
    def web_key(self) -> str | None: ...
    @property
    def thumbnail_key(self) -> str | None: ...
    @property
    def image_width(self) -> int | None: ...
    @property
    def image_height(self) -> int | None: ...
    @property
    def image_content_type(self) -> str | None: ...


class BookLike(Protocol):
    @property
    def magic_code(self) -> str: ...
    @property
    def revision(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def author(self) -> str: ...
    @property
    def teacher(self) -> str: ...
    @property
    def school(self) -> str | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def pages(self) -> Sequence[PageLike]: ...


def _timestamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def illustration_json(page: PageLike) -> dict[str, Any] | None:
    if page.master_key is None:
        return None
    return {
        "url": f"/media/{page.web_key}",
        "thumbnail_url": f"/media/{page.thumbnail_key}",
        "width": page.image_width,
        "height": page.image_height,
        "content_type": page.image_content_type,
    }


def page_json(page: PageLike) -> dict[str, Any]:
    return {"number": page.number, "text": page.text, "illustration": illustration_json(page)}


def book_json(book: BookLike) -> dict[str, Any]:
    code = codes.display(book.magic_code)
    return {
        "magic_code": code,
        "title": book.title,
        "author": book.author,
        "teacher": book.teacher,
        "school": book.school,
        "created_at": _timestamp(book.created_at),
        "updated_at": _timestamp(book.updated_at),
        "pages": [page_json(page) for page in book.pages],
        "links": {"reader": f"/read/{code}", "pdf": f"/api/books/{code}/pdf"},
    }


class Revisioned(Protocol):
    @property
    def magic_code(self) -> str: ...
    @property
    def revision(self) -> int: ...


def etag(book: Revisioned) -> str:
    """Strong validator: the revision changes with every edit of the book or a page."""
    return f'"{book.magic_code}.{book.revision}"'


def etag_matches(if_none_match: str | None, current: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or current in candidates
