"""HTTP routes for books and page texts under /api/books."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Header, Path, Request, Response

from magicshelf.books import codes, service
from magicshelf.books.access import (
    BearerDep,
    CodePath,
    find_counting_misses,
    load_editable_book,
    read_book_record,
    refuse_hidden_draft,
)
from magicshelf.books.edit_keys import derived_edit_key, shown
from magicshelf.books.models import PAGE_COUNT, Book
from magicshelf.books.present import book_json, etag, etag_matches, page_json
from magicshelf.books.schemas import (
    BookCreate,
    BookCreated,
    BookOut,
    BookUpdate,
    EditKeyOut,
    PageOut,
    PageUpdate,
)
from magicshelf.deps import ResourcesDep, SessionDep, WriteBudget, client_address
from magicshelf.errors import (
    BadRequest,
    BookNotFound,
    BookNotPublished,
    IdempotencyKeyReused,
    InvalidCode,
    InvalidInput,
    MissingEditKey,
    PageNotFound,
    PayloadTooLarge,
    TooManyMisses,
    TooManyWrites,
    WrongEditKey,
    documented,
)
from magicshelf.http import JSON, Prepared, RawHeaders
from magicshelf.idempotency import (
    REPLAYED,
    Claim,
    IdempotentRequest,
    KeyHeader,
    at_most_once,
    remember,
    server_secret,
)
from magicshelf.printing.key_card import render_key_card
from magicshelf.resources import resources

router = APIRouter(prefix="/api/books", tags=["books"])

BookRecordDep = Annotated[service.BookRecord, Depends(read_book_record)]
EditableBookDep = Annotated[Book, Depends(load_editable_book)]


# The problems each kind of operation can answer, for its documented responses.
LOOKUP_PROBLEMS = (InvalidCode, BookNotFound, TooManyMisses)
READ_PROBLEMS = (*LOOKUP_PROBLEMS, BookNotPublished)
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


def _revalidated(tag: str, *, published: bool) -> RawHeaders:
    # A draft is shown only to its editors: no shared cache may keep it for others.
    cache = b"no-cache" if published else b"private, no-cache"
    return [(b"etag", tag.encode()), (b"cache-control", cache)]


def _book_response(book: service.BookRecord) -> Prepared:
    headers = [
        *_revalidated(etag(book), published=book.published),
        (b"content-type", b"application/json"),
    ]
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
                REPLAYED: {
                    "description": "true when this is the first answer to an Idempotency-Key",
                    "schema": {"type": "string"},
                },
            },
        },
        **documented(*BODY_PROBLEMS, IdempotencyKeyReused, TooManyWrites),
    },
    dependencies=[WriteBudget],
)
async def create_book(
    data: BookCreate, session: SessionDep, idempotency_key: KeyHeader = ""
) -> Response:
    """Register a new book. The answer holds the magic code and, once only, the edit key.

    With `Idempotency-Key`, sending the same request again within 24 hours answers the
    first result (the same code and edit key, `Idempotent-Replayed: true`) and makes no
    second book; the same key with another request gets 409."""
    claim = Claim.of("books", idempotency_key, data.model_dump(mode="json"))
    if claim is None:
        return _created(*await service.create_book(session=session, data=data))
    edit_key = derived_edit_key(await server_secret(session), claim.purpose)

    def remembered(books: list[Book]) -> IdempotentRequest:
        return remember(claim, 201, _created_body(books[0]), _location(books[0]))

    async def create() -> Response:
        made = await service.create_book(
            session=session, data=data, edit_key=edit_key, record=remembered
        )
        return _created(*made)

    return await at_most_once(session, claim, create, edit_key=edit_key)


def _location(book: Book) -> str:
    return f"/api/books/{codes.display(book.magic_code)}"


def _created_body(book: Book) -> dict[str, Any]:
    """The answer to a create, but the edit key (which no row may keep)."""
    return {
        "magic_code": codes.display(book.magic_code),
        "book": book_json(service.record_of(book)),
    }


def _created(book: Book, edit_key: str) -> Response:
    body = {**_created_body(book), "edit_key": edit_key}
    headers = {"Location": _location(book), "ETag": etag(book)}
    return JSON(body, status_code=201, headers=headers)


@router.get(
    "/{code}",
    response_model=BookOut,
    responses={
        200: {"headers": _etag},
        304: {"description": "Not changed"},
        **documented(*READ_PROBLEMS),
    },
)
async def read_book(
    request: Request, code: CodePath, if_none_match: Annotated[str | None, Header()] = None
) -> Response:
    """The book with its six pages. Send `If-None-Match` to get 304 when nothing changed.

    A draft (`published: false`) is read only with its edit key or a session of a
    teacher of its class; others get 404 book-not-published."""
    # Served by magicshelf.hot, which calls it directly: no dependencies allowed here.
    held = resources(request)
    database = held.database

    async def find(compact: str) -> Response:
        draft_allowed = False
        if if_none_match:
            # A revalidation asks for the revision alone; only a changed book costs a
            # second query, for the whole book.
            revision = await service.read_revision(database=database, code=compact)
            if not revision.published:
                await refuse_hidden_draft(request, held, compact)
                draft_allowed = True
            tag = etag(revision)
            if etag_matches(if_none_match, tag):
                headers = _revalidated(tag, published=revision.published)
                return Prepared(b"", headers, status_code=304)
        book = await service.read_book(database=database, code=compact)
        if not (book.published or draft_allowed):
            await refuse_hidden_draft(request, held, compact)
        return _book_response(book)

    return await find_counting_misses(held.misses, code, await client_address(request), find)


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


@router.post("/{code}/edit-key", response_model=EditKeyOut, responses=documented(*EDIT_PROBLEMS))
async def replace_edit_key(book: EditableBookDep, session: SessionDep) -> Response:
    """Replace a lost edit key: the answer holds the new one, once; the old one stops
    working. The magic code stays, so families are not affected. For a teacher of the
    book's class (her session) or whoever holds the current key."""
    return JSON({"edit_key": await service.replace_edit_key(session=session, book=book)})


@router.get(
    "/{code}/key-card.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **documented(*EDIT_PROBLEMS)},
)
async def key_card(book: EditableBookDep, credentials: BearerDep, held: ResourcesDep) -> Response:
    """The edit key sent (`Authorization: Bearer`) on a card to print and keep, with the
    book's title and code. Never cached anywhere."""
    if credentials is None:  # a teacher's session opens the book, but there is no key to print
        raise MissingEditKey()
    pdf = await held.renderer.run(
        render_key_card,
        title=book.title,
        magic_code=codes.display(book.magic_code),
        edit_key=shown(credentials.credentials),
    )
    headers = {
        "Cache-Control": "no-store",
        "Content-Disposition": 'attachment; filename="chave.pdf"',
    }
    return Response(pdf, media_type="application/pdf", headers=headers)
