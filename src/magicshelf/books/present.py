"""Books as the JSON the API promises (``schemas.BookOut``), built straight from records.

Reads get their records from one SQL query (``service.read_book``) and edits from the
ORM objects they changed (``service.record_of``), so one builder makes every answer.
It is plain dicts for speed (the read path is hot); tests/contract/wire.py checks every
answer of the test suite against the documented schema.
"""

from __future__ import annotations

from typing import Any, Protocol

from magicshelf.books import codes
from magicshelf.books.service import BookRecord, PageRecord
from magicshelf.illustrations.storage import content_type_for
from magicshelf.shapes import timestamp


def illustration_json(page: PageRecord) -> dict[str, Any] | None:
    if page.master_key is None:
        return None
    return {
        "url": f"/media/{page.web_key}",
        "thumbnail_url": f"/media/{page.thumbnail_key}",
        "width": page.image_width,
        "height": page.image_height,
        "content_type": page.image_content_type,
    }


def audio_json(page: PageRecord) -> dict[str, Any] | None:
    if page.audio_key is None or page.audio_duration_ms is None:
        return None
    return {
        "url": f"/media/{page.audio_key}",
        "content_type": content_type_for(page.audio_key),
        "duration_seconds": page.audio_duration_ms / 1000,
    }


def page_json(page: PageRecord) -> dict[str, Any]:
    return {
        "number": page.number,
        "text": page.text,
        "illustration": illustration_json(page),
        "audio": audio_json(page),
    }


def book_json(book: BookRecord) -> dict[str, Any]:
    code = codes.display(book.magic_code)
    return {
        "magic_code": code,
        "title": book.title,
        "author": book.author,
        "teacher": book.teacher,
        "school": book.school,
        "published": book.published,
        "created_at": timestamp(book.created_at),
        "updated_at": timestamp(book.updated_at),
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
