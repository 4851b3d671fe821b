"""GET /api/books/{code}/pdf: the print-ready book."""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from urllib.parse import quote

from fastapi import APIRouter, Header, Request, Response

from magicshelf.books import codes
from magicshelf.books.api import READ_PROBLEMS, BookRecordDep
from magicshelf.books.present import etag, etag_matches
from magicshelf.books.service import BookRecord
from magicshelf.deps import ResourcesDep
from magicshelf.errors import documented
from magicshelf.illustrations.storage import BlobStorage
from magicshelf.printing.pdf import PrintBook, PrintPage, render_pdf

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


async def printable(book: BookRecord, storage: BlobStorage) -> PrintBook:
    images = await asyncio.gather(*(_read(storage, page.master_key) for page in book.pages))
    return PrintBook(
        title=book.title,
        author=book.author,
        teacher=book.teacher,
        school=book.school,
        magic_code=codes.display(book.magic_code),
        pages=tuple(
            PrintPage(number=page.number, text=page.text, image=image)
            for page, image in zip(book.pages, images, strict=True)
        ),
    )


def attachment(title: str) -> str:
    """A Content-Disposition that saves the download under a plain-ASCII ``title``.pdf."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-").lower()[:60] or "livro"
    return f"attachment; filename=\"{name}.pdf\"; filename*=UTF-8''{quote(name)}.pdf"


@router.get(
    "/{code}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}},
        304: {"description": "Not changed"},
        **documented(*READ_PROBLEMS),
    },
)
async def book_pdf(
    request: Request,
    book: BookRecordDep,
    found: ResourcesDep,
    if_none_match: str | None = Header(default=None),
) -> Response:
    """The book as a print-ready A5 PDF: cover, then six pages with drawing and text."""
    tag = etag(book).removesuffix('"') + '.pdf"'
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if etag_matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    document = await printable(book, found.storage)
    pdf = await found.renderer.run(render_pdf, document)
    headers["Content-Disposition"] = attachment(book.title)
    return Response(pdf, media_type="application/pdf", headers=headers)
