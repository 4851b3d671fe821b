"""A class in print: its take-home slips, and all its published books in one file.

Both are the signed-in teacher's (another teacher's class answers 404), both answer 409
problem+json rather than an empty PDF when there is nothing to print, and both draw on the
app's render threads, so a class's PDF waits its turn like any other.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from functools import partial
from typing import IO, TYPE_CHECKING

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from magicshelf.books import codes
from magicshelf.books.service import read_book
from magicshelf.classes.api import ClassDep
from magicshelf.classes.books import ClassBook, class_books
from magicshelf.classes.models import SchoolClass
from magicshelf.deps import ResourcesDep, SessionDep
from magicshelf.errors import ClassNotFound, NotFound, NothingToPrint, NotSignedIn, documented
from magicshelf.printing.api import attachment, printable
from magicshelf.printing.pdf import render_pdf
from magicshelf.printing.slips import Slip, render_slips
from magicshelf.resources import Resources
from magicshelf.teachers.api import TeacherDep, own_origin

if TYPE_CHECKING:
    from magicshelf.printing.stitch import PdfStitcher

router = APIRouter(prefix="/api/classes", tags=["classes"])

_RESPONSES = {
    200: {"content": {"application/pdf": {}}},
    **documented(NotSignedIn, ClassNotFound, NothingToPrint),
}
# The class's PDF stays in memory up to this size and goes to a temporary file beyond it:
# a class of 30 with six 3000-px drawings each is ~440 MB (bench/NOTES.md, part h).
_IN_MEMORY_BYTES = 8 * 1024 * 1024
_CHUNK_BYTES = 1024 * 1024
# Children's names: for the signed-in teacher only, never kept by a shared cache.
_PRIVATE = {"Cache-Control": "private, no-store"}


def _typed_address(origin: str) -> str:
    """The site as a family types it: browsers add https:// themselves, not http://."""
    return origin.removeprefix("https://")


@router.get("/{class_id}/slips.pdf", response_class=Response, responses=_RESPONSES)
async def class_slips(
    request: Request,
    school_class: ClassDep,
    teacher: TeacherDep,
    session: SessionDep,
    found: ResourcesDep,
) -> Response:
    """A4 sheets of take-home slips, eight a sheet, one per book in roster order: the
    child's name and title, the magic code and a QR code that opens the book, in Portuguese.
    Drafts get their slip too: their code works the moment the book is published."""
    books = await class_books(session=session, school_class=school_class)
    if not books:
        raise NothingToPrint("The class has no books yet: add its roster first.")
    origin = own_origin(request, found.settings)
    slips = [
        Slip(
            author=book.author,
            title=book.title,
            magic_code=codes.display(book.magic_code),
            url=f"{origin}/read/{codes.display(book.magic_code)}",
        )
        for book in books
    ]
    pdf = await found.renderer.run(
        render_slips,
        slips,
        sheet_title=school_class.name,
        author=teacher.name,
        address=_typed_address(origin),
    )
    headers = {**_PRIVATE, "Content-Disposition": attachment(f"{school_class.name} bilhetes")}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.get("/{class_id}/books.pdf", response_class=Response, responses=_RESPONSES)
async def class_books_pdf(
    request: Request,
    school_class: ClassDep,
    teacher: TeacherDep,
    session: SessionDep,
    found: ResourcesDep,
) -> Response:
    """Every published book of the class in one print-ready A5 file, in roster order, each
    exactly as its own PDF (cover, six pages, back cover). Drafts are left out."""
    published = [
        b for b in await class_books(session=session, school_class=school_class) if b.published
    ]
    if not published:
        raise NothingToPrint("No book of the class is published yet: publish them first.")
    # Rendering takes seconds: its database connection goes back to the pool meanwhile
    # (the class and the teacher stay loaded, as plain objects).
    await session.close()
    origin = own_origin(request, found.settings)
    output = await _print_class(found, school_class, teacher.name, published, origin)
    size = output.tell()
    output.seek(0)
    headers = {
        **_PRIVATE,
        "Content-Length": str(size),
        "Content-Disposition": attachment(f"{school_class.name} livros"),
    }
    return StreamingResponse(_chunks(output), media_type="application/pdf", headers=headers)


async def _print_class(
    found: Resources,
    school_class: SchoolClass,
    teacher: str,
    books: list[ClassBook],
    origin: str,
) -> IO[bytes]:
    """The books stitched into a spooled file, one book read and rendered at a time."""
    # Imported only when used: pypdf costs each worker ~7 MB (13 where `cryptography` is
    # installed, which pypdf then loads too).
    from magicshelf.printing.stitch import PdfStitcher

    output = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY_BYTES)  # noqa: SIM115 - returned
    try:
        stitcher = PdfStitcher(output)
        for book in books:
            await _print_book(found, stitcher, book.magic_code, origin)
        if not stitcher.page_count:
            raise NothingToPrint("The class's books were unpublished or deleted meanwhile.")
        await found.renderer.run(
            stitcher.finish, title=f"{school_class.name} — livros da turma", author=teacher
        )
    except BaseException:
        output.close()
        raise
    return output


async def _print_book(found: Resources, stitcher: PdfStitcher, code: str, origin: str) -> None:
    """Read one book with its drawings and append it; its bytes are dropped on return.

    A book deleted or unpublished since the list was read is left out.
    """
    try:
        record = await read_book(database=found.database, code=code)
    except NotFound:
        return
    if record.published:
        document = await printable(record, found.storage, origin)
        await found.renderer.run(stitcher.append_made, partial(render_pdf, document))


def _chunks(output: IO[bytes]) -> Iterator[bytes]:
    # A plain iterator: Starlette reads it on its thread pool, off the event loop.
    with output:
        while chunk := output.read(_CHUNK_BYTES):
            yield chunk
