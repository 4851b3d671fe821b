"""Pages for people: the landing page, the reader and the teacher's studio.

Routes reuse the books API's lookup (parse → miss limiter → find) and its JSON, so a page
shows exactly what ``GET /api/books/{code}`` returns and counts misses the same way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from magicshelf.books import codes
from magicshelf.books.access import read_book_record
from magicshelf.books.models import PAGE_COUNT
from magicshelf.books.present import book_json
from magicshelf.books.schemas import PageUpdate
from magicshelf.books.service import BookRecord
from magicshelf.deps import ResourcesDep
from magicshelf.errors import BookNotFound, BookNotPublished, InvalidCode, TooManyMisses
from magicshelf.web.render import NO_STORE, render
from magicshelf.web.security import STUDIO_PERMISSIONS_POLICY

router = APIRouter(include_in_schema=False)

# Enough for any way of typing a code; longer input is not echoed back into the page.
TYPED_CODE_ECHO = 40
PAGE_TEXT_LIMIT: int = PageUpdate.model_json_schema()["properties"]["text"]["maxLength"]


@dataclass(frozen=True)
class Notice:
    """A message for the page: a catalog key and the values it needs."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)


def _landing(
    request: Request,
    *,
    typed: str = "",
    error: Notice | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "landing.html",
        status=status,
        headers=headers,
        typed=typed[:TYPED_CODE_ECHO],
        error=error,
    )


async def _find(request: Request, typed: str) -> BookRecord | Response:
    """The book, or the landing page saying kindly why there is none (400, 404 or 429)."""
    if not typed.strip():
        return _landing(request, error=Notice("error.empty_code"), status=400)
    try:
        return await read_book_record(request, typed)
    except (InvalidCode, BookNotFound, BookNotPublished, TooManyMisses) as exc:
        return _landing(
            request, typed=typed, error=_notice(exc), status=exc.status, headers=exc.headers
        )


def _notice(exc: InvalidCode | BookNotFound | BookNotPublished | TooManyMisses) -> Notice:
    if isinstance(exc, TooManyMisses):
        return Notice(
            "error.too_many", {"minutes": math.ceil(int(exc.headers["Retry-After"]) / 60)}
        )
    if isinstance(exc, BookNotFound):
        return Notice("error.unknown_code")
    if isinstance(exc, BookNotPublished):
        return Notice("error.still_writing")
    return Notice("error.invalid_code")


@router.get("/")
async def landing(request: Request) -> Response:
    return _landing(request)


@router.get("/read")
async def open_book(request: Request, code: str = "") -> Response:
    """Target of the landing page's form: ``/read?code=abc def ghj`` → the reader."""
    found = await _find(request, code)
    if isinstance(found, Response):
        return found
    return RedirectResponse(f"/read/{codes.display(found.magic_code)}", status_code=303)


END_PAGE = PAGE_COUNT + 1  # after the story: "Fim", read again, the downloads


def _page_index(page: str) -> int:
    try:
        return min(max(int(page), 0), END_PAGE)
    except ValueError:
        return 0


@router.get("/read/{code}")
async def reader(request: Request, code: str, page: str = "0") -> Response:
    """The book, one page at a time: ``?page=0`` is the cover, then pages 1 to 6, and 7 the
    end page."""
    try:
        canonical = codes.display(codes.parse(code))
    except InvalidCode:
        canonical = code
    if canonical != code:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/read/{canonical}{query}", status_code=308)
    found = await _find(request, code)
    if isinstance(found, Response):
        return found
    return render(request, "reader.html", book=book_json(found), current=_page_index(page))


@router.get("/studio")
async def studio(request: Request, found: ResourcesDep) -> Response:
    settings = found.settings
    return render(
        request,
        "studio.html",
        cache=NO_STORE,
        headers={"Permissions-Policy": STUDIO_PERMISSIONS_POLICY},
        page_count=PAGE_COUNT,
        text_limit=PAGE_TEXT_LIMIT,
        upload_bytes=settings.max_upload_bytes,
        upload_megabytes=_megabytes(settings.max_upload_bytes),
        audio_bytes=settings.max_audio_bytes,
        audio_megabytes=_megabytes(settings.max_audio_bytes),
        audio_seconds=settings.max_audio_seconds,
        audio_limit=_duration(settings.max_audio_seconds),
    )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g}"


def _duration(seconds: int) -> str:
    """``3 min``, ``2 min 30 s``, ``45 s``: the same abbreviations in both languages."""
    minutes, rest = divmod(seconds, 60)
    parts = [f"{minutes} min"] if minutes else []
    if rest or not minutes:
        parts.append(f"{rest} s")
    return " ".join(parts)
