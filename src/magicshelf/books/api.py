"""HTTP routes for books and page texts under /api/books."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import orjson
from fastapi import APIRouter, Depends, Header, Path, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from magicshelf.books import codes, service
from magicshelf.books.misses import MissLimiter
from magicshelf.books.models import PAGE_COUNT, Book
from magicshelf.books.present import book_json, etag, etag_matches, page_json
from magicshelf.books.schemas import (
    EXAMPLE_CODE,
    BookCreate,
    BookCreated,
    BookOut,
    BookUpdate,
    PageOut,
    PageUpdate,
)
from magicshelf.deps import ClientDep, ResourcesDep, SessionDep, client_address
from magicshelf.errors import (
    BadRequest,
    BookNotFound,
    InvalidCode,
    InvalidInput,
    MissingEditKey,
    PageNotFound,
    PayloadTooLarge,
    TooManyMisses,
    WrongEditKey,
    documented,
)
from magicshelf.http import JSON, Prepared, RawHeaders
from magicshelf.resources import resources

router = APIRouter(prefix="/api/books", tags=["books"])

CodePath = Annotated[
    str,
    Path(
        description=(
            "The magic code, written any way a person types it: any case, with spaces or "
            "hyphens anywhere. Nine symbols from `23456789ABCDEFGHJKMNPQRSTUVWXYZ`; the "
            "last is a check symbol (the weighted sum of the nine symbols' positions in "
            "that alphabet, weights 1 to 9, is a multiple of 31), so a typo gets 400 "
            "without any lookup."
        ),
        examples=[EXAMPLE_CODE, EXAMPLE_CODE.lower().replace("-", " ")],
        # Documented only: codes.parse enforces it (with friendlier answers than a 422),
        # the same way for the routed and the hot way in.
        json_schema_extra={"pattern": codes.TYPED_PATTERN, "format": "magic-code"},
    ),
]
_bearer = HTTPBearer(auto_error=False, description="The edit key returned when the book was made")


_Found = TypeVar("_Found")


async def _find_counting_misses(
    misses: MissLimiter, code: str, client: str, find: Callable[[str], Awaitable[_Found]]
) -> _Found:
    """Parse the code, then look it up, counting misses per client (400 → 429 → 404)."""
    compact = codes.parse(code)
    wait = await misses.retry_after(client)
    if wait is not None:
        raise TooManyMisses(wait)
    try:
        return await find(compact)
    except BookNotFound:
        await misses.record_miss(client)
        raise


async def read_book_record(request: Request, code: CodePath) -> service.BookRecord:
    """The book for reading (API, reader page, PDF): one SELECT, no ORM session, misses counted."""
    held = resources(request)

    async def find(compact: str) -> service.BookRecord:
        return await service.read_book(database=held.database, code=compact)

    return await _find_counting_misses(held.misses, code, await client_address(request), find)


async def load_editable_book(
    held: ResourcesDep,
    code: CodePath,
    session: SessionDep,
    client: ClientDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Book:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise MissingEditKey()

    async def find(compact: str) -> Book:
        return await service.find_book(session=session, code=compact)

    try:
        book = await _find_counting_misses(held.misses, code, client, find)
    except BookNotFound:
        # A key is checked before all else, and it opens no book with this code. (Reads
        # of the code say 404; the miss is counted all the same.)
        raise WrongEditKey() from None
    service.authorize(book=book, edit_key=credentials.credentials)
    return book


BookRecordDep = Annotated[service.BookRecord, Depends(read_book_record)]
EditableBookDep = Annotated[Book, Depends(load_editable_book)]


# The problems each kind of operation can answer, for its documented responses.
LOOKUP_PROBLEMS = (InvalidCode, BookNotFound, TooManyMisses)
EDIT_PROBLEMS = (*LOOKUP_PROBLEMS, MissingEditKey, WrongEditKey)
BODY_PROBLEMS = (BadRequest, PayloadTooLarge, InvalidInput)
PAGE_PROBLEMS = (PageNotFound, InvalidInput)  # a page number out of range, or not a number


# What a client can do next with the book it made (OpenAPI links; the fuzzer follows them).
# Changes also need the edit key of the same answer, as `Authorization: Bearer <edit_key>`.
_created_links = {
    operation: {"operationId": operation, "parameters": {"code": "$response.body#/magic_code"}}
    for operation in (
        "read_book",
        "book_pdf",
        "check_access",
        "update_book",
        "delete_book",
        "put_page_text",
        "put_illustration",
        "delete_illustration",
    )
}
_etag = {"ETag": {"description": "The book's revision", "schema": {"type": "string"}}}


def _revalidated(tag: str) -> RawHeaders:
    return [(b"etag", tag.encode()), (b"cache-control", b"no-cache")]


def _book_response(book: service.BookRecord) -> Prepared:
    headers = [*_revalidated(etag(book)), (b"content-type", b"application/json")]
    return Prepared(orjson.dumps(book_json(book)), headers)


@router.post(
    "",
    status_code=201,
    response_model=BookCreated,
    responses={
        201: {
            "links": _created_links,
            "headers": {
                "Location": {"description": "The new book", "schema": {"type": "string"}},
                **_etag,
            },
        },
        **documented(*BODY_PROBLEMS),
    },
)
async def create_book(data: BookCreate, session: SessionDep) -> Response:
    """Register a new book. The answer holds the magic code and, once only, the edit key."""
    book, edit_key = await service.create_book(session=session, data=data)
    code = codes.display(book.magic_code)
    body = {"magic_code": code, "edit_key": edit_key, "book": book_json(service.record_of(book))}
    headers = {"Location": f"/api/books/{code}", "ETag": etag(book)}
    return JSON(body, status_code=201, headers=headers)


@router.get(
    "/{code}",
    response_model=BookOut,
    responses={
        200: {"headers": _etag},
        304: {"description": "Not changed"},
        **documented(*LOOKUP_PROBLEMS),
    },
)
async def read_book(
    request: Request, code: CodePath, if_none_match: Annotated[str | None, Header()] = None
) -> Response:
    """The book with its six pages. Send `If-None-Match` to get 304 when nothing changed."""
    # Served by magicshelf.hot, which calls it directly: no dependencies allowed here.
    held = resources(request)
    database = held.database

    async def find(compact: str) -> Response:
        if if_none_match:
            # A revalidation asks for the revision alone; only a changed book costs a
            # second query, for the whole book.
            tag = etag(await service.read_revision(database=database, code=compact))
            if etag_matches(if_none_match, tag):
                return Prepared(b"", _revalidated(tag), status_code=304)
        return _book_response(await service.read_book(database=database, code=compact))

    return await _find_counting_misses(held.misses, code, await client_address(request), find)


@router.patch(
    "/{code}", response_model=BookOut, responses=documented(*EDIT_PROBLEMS, *BODY_PROBLEMS)
)
async def update_book(data: BookUpdate, book: EditableBookDep, session: SessionDep) -> Response:
    """Change the title, author, teacher or school (only the fields sent)."""
    updated = await service.update_book(session=session, book=book, data=data)
    return _book_response(service.record_of(updated))


@router.get("/{code}/access", status_code=204, responses=documented(*EDIT_PROBLEMS))
async def check_access(book: EditableBookDep) -> Response:
    """Check an edit key without changing anything: 204 when it opens this book."""
    return Response(status_code=204)


@router.delete("/{code}", status_code=204, responses=documented(*EDIT_PROBLEMS))
async def delete_book(book: EditableBookDep, session: SessionDep) -> Response:
    """Delete the book with its pages and drawings. There is no undo."""
    await service.delete_book(session=session, book=book)
    return Response(status_code=204)


async def _page_number(
    number: Annotated[int, Path(json_schema_extra={"minimum": 1, "maximum": PAGE_COUNT})],
) -> int:
    if not 1 <= number <= PAGE_COUNT:
        raise PageNotFound(f"There is no page {number}: a book has pages 1 to {PAGE_COUNT}.")
    return number


PageNumberDep = Annotated[int, Depends(_page_number)]


@router.put(
    "/{code}/pages/{number}",
    response_model=PageOut,
    responses=documented(*EDIT_PROBLEMS, *PAGE_PROBLEMS, *BODY_PROBLEMS),
)
async def put_page_text(
    number: PageNumberDep, data: PageUpdate, book: EditableBookDep, session: SessionDep
) -> Response:
    """Set the text of one page (up to 1,500 characters)."""
    page = await service.set_page_text(session=session, book=book, number=number, text=data.text)
    return JSON(page_json(service.page_record(page)), headers={"ETag": etag(book)})
