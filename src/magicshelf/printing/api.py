"""GET /api/books/{code}/pdf: the print-ready book."""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Header, Query, Request, Response

from magicshelf.books import codes
from magicshelf.books.api import READ_PROBLEMS, BookRecordDep
from magicshelf.books.present import etag, etag_matches
from magicshelf.books.service import BookRecord
from magicshelf.deps import ResourcesDep
from magicshelf.errors import InvalidInput, documented
from magicshelf.illustrations.storage import BlobStorage
from magicshelf.printing.booklet import render_booklet
from magicshelf.printing.pdf import PrintBook, PrintPage, render_pdf
from magicshelf.teachers.api import own_origin

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/books", tags=["books"])


async def _read(storage: BlobStorage, key: str | None) -> bytes | None:
    if key is None:
        return None
    blob = await storage.open(key)
    if blob is None:  # should not happen: gc never deletes a referenced blob
        log.error("print master %s is missing from storage", key)
        return None
    return b"".join([chunk async for chunk in blob.chunks])


async def printable(book: BookRecord, storage: BlobStorage, origin: str) -> PrintBook:
    """The book with its print masters; its back cover leads to ``origin``'s reader."""
    images = await asyncio.gather(*(_read(storage, page.master_key) for page in book.pages))
    code = codes.display(book.magic_code)
    return PrintBook(
        title=book.title,
        author=book.author,
        teacher=book.teacher,
        school=book.school,
        magic_code=code,
        pages=tuple(
            PrintPage(number=page.number, text=page.text, image=image)
            for page, image in zip(book.pages, images, strict=True)
        ),
        reader_url=f"{origin}/read/{code}",
        has_voices=any(page.audio_key is not None for page in book.pages),
    )


def attachment(title: str) -> str:
    """A Content-Disposition that saves the download under a plain-ASCII ``title``.pdf."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-").lower()[:60] or "livro"
    return f"attachment; filename=\"{name}.pdf\"; filename*=UTF-8''{quote(name)}.pdf"


Layout = Literal["reading", "booklet"]
_LAYOUT = Query(
    description="`reading` (the default): A5 pages in reading order, to read on a screen or "
    "print one page a sheet. `booklet`: two A4 landscape sheets to print on both sides "
    "(flipping on the short edge), the pages imposed for saddle stitching: laid one in "
    "the other, folded and stapled, they are the book. Fold and trim marks included."
)
_RENDER = {"reading": render_pdf, "booklet": render_booklet}
_FILE_SUFFIX = {"reading": "", "booklet": " para dobrar"}


@router.get(
    "/{code}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}},
        304: {"description": "Not changed"},
        **documented(*READ_PROBLEMS, InvalidInput),
    },
)
async def book_pdf(
    request: Request,
    book: BookRecordDep,
    found: ResourcesDep,
    layout: Annotated[Layout, _LAYOUT] = "reading",
    if_none_match: str | None = Header(default=None),
) -> Response:
    """The book as a print-ready PDF: cover, six pages with drawing and text, and a back
    cover with the reader's address; A5 pages, or A4 sheets to fold (`layout=booklet`)."""
    # Each layout is a different file: a cached reading PDF must not answer for a booklet.
    suffix = ".pdf" if layout == "reading" else f".{layout}.pdf"
    tag = etag(book).removesuffix('"') + suffix + '"'
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if etag_matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    document = await printable(book, found.storage, own_origin(request, found.settings))
    pdf = await found.renderer.run(_RENDER[layout], document)
    headers["Content-Disposition"] = attachment(book.title + _FILE_SUFFIX[layout])
    return Response(pdf, media_type="application/pdf", headers=headers)
