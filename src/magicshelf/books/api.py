"""HTTP routes for books and page texts under /api/books."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Header, Path, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from magicshelf.books import codes, service
from magicshelf.books.models import PAGE_COUNT, Book
from magicshelf.books.present import BookLike, book_json, etag, etag_matches, page_json
from magicshelf.books.schemas import (
    BookCreate,
    BookCreated,
    BookOut,
    BookUpdate,
    PageOut,
    PageUpdate,
)
from magicshelf.deps import ClientDep, SessionDep, client_address
from magicshelf.errors import BookNotFound, MissingEditKey, PageNotFound, TooManyMisses
from magicshelf.http import JSON
from magicshelf.resources import resources

router = APIRouter(prefix="/api/books", tags=["books"])

CodePath = Annotated[
    str,
    Path(
        description="The magic code, written any way a person types it",
        examples=["ABC-DEF-GHJ", "abc def ghj"],
    ),
]
_bearer = HTTPBearer(auto_error=False, description="The edit key returned when the book was made")


_Found = TypeVar("_Found")


async def _find_counting_misses(
    request: Request, code: str, client: str, find: Callable[[str], Awaitable[_Found]]
) -> _Found:
    """Parse the code, then look it up, counting misses per client (400 → 429 → 404)."""
    compact = codes.parse(code)
    misses = resources(request).misses
    wait = await misses.retry_after(client)
    if wait is not None:
        raise TooManyMisses(wait)
    try:
        return await find(compact)
    except BookNotFound:
        await misses.record_miss(client)
        raise


async def read_book_record(request: Request, code: str) -> service.BookRecord:
    """The book for reading (API, reader page, PDF): one SELECT, no ORM session, misses counted."""
    database = resources(request).database

    async def find(compact: str) -> service.BookRecord:
        return await service.read_book(database=database, code=compact)

    return await _find_counting_misses(request, code, await client_address(request), find)


async def load_editable_book(
    request: Request,
    code: CodePath,
    session: SessionDep,
    client: ClientDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Book:
    codes.parse(code)  # a typo is reported before a missing key
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise MissingEditKey()

    async def find(compact: str) -> Book:
        return await service.find_book(session=session, code=compact)

    book = await _find_counting_misses(request, code, client, find)
    service.authorize(book=book, edit_key=credentials.credentials)
    return book


BookRecordDep = Annotated[service.BookRecord, Depends(read_book_record)]
EditableBookDep = Annotated[Book, Depends(load_editable_book)]


def problem_docs(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for problem+json answers, from status → description."""
    return {
        status: {"description": text, "content": {"application/problem+json": {}}}
        for status, text in descriptions.items()
    }


problems = problem_docs(
    {
        400: "Malformed magic code or body",
        404: "No book has this code",
        422: "A field breaks a rule",
        429: "Too many unknown codes from this client",
    }
)
edit_problems = {**problems, **problem_docs({401: "Edit key missing", 403: "Wrong edit key"})}


def _book_response(book: BookLike) -> JSON:
    return JSON(book_json(book), headers={"ETag": etag(book), "Cache-Control": "no-cache"})


@router.post("", status_code=201, response_model=BookCreated, responses=problems)
async def create_book(data: BookCreate, session: SessionDep) -> Response:
    """Register a new book. The answer holds the magic code and, once only, the edit key."""
    book, edit_key = await service.create_book(session=session, data=data)
    code = codes.display(book.magic_code)
    body = {"magic_code": code, "edit_key": edit_key, "book": book_json(book)}
    headers = {"Location": f"/api/books/{code}", "ETag": etag(book)}
    return JSON(body, status_code=201, headers=headers)


@router.get("/{code}", response_model=BookOut, responses={**problems, 304: {}})
async def read_book(
    request: Request, code: CodePath, if_none_match: Annotated[str | None, Header()] = None
) -> Response:
    """The book with its six pages. Send `If-None-Match` to get 304 when nothing changed."""
    # Served by magicshelf.hot, which calls it directly: no dependencies allowed here.
    database = resources(request).database

    async def find(compact: str) -> Response:
        if if_none_match:
            # A revalidation asks for the revision alone; only a changed book costs a
            # second query, for the whole book.
            tag = etag(await service.read_revision(database=database, code=compact))
            if etag_matches(if_none_match, tag):
                headers = {"ETag": tag, "Cache-Control": "no-cache"}
                return Response(status_code=304, headers=headers)
        return _book_response(await service.read_book(database=database, code=compact))

    return await _find_counting_misses(request, code, await client_address(request), find)


@router.patch("/{code}", response_model=BookOut, responses=edit_problems)
async def update_book(data: BookUpdate, book: EditableBookDep, session: SessionDep) -> Response:
    """Change the title, author, teacher or school (only the fields sent)."""
    return _book_response(await service.update_book(session=session, book=book, data=data))


@router.delete("/{code}", status_code=204, responses=edit_problems)
async def delete_book(book: EditableBookDep, session: SessionDep) -> Response:
    """Delete the book with its pages and drawings. There is no undo."""
    await service.delete_book(session=session, book=book)
    return Response(status_code=204)


def _page_number(number: int) -> int:
    if not 1 <= number <= PAGE_COUNT:
        raise PageNotFound(f"There is no page {number}: a book has pages 1 to {PAGE_COUNT}.")
    return number


PageNumberDep = Annotated[int, Depends(_page_number)]


@router.put("/{code}/pages/{number}", response_model=PageOut, responses=edit_problems)
async def put_page_text(
    number: PageNumberDep, data: PageUpdate, book: EditableBookDep, session: SessionDep
) -> Response:
    """Set the text of one page (up to 1,500 characters)."""
    page = await service.set_page_text(session=session, book=book, number=number, text=data.text)
    return JSON(page_json(page), headers={"ETag": etag(book)})
