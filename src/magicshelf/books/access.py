"""Who may open a book: anyone once it is published; to edit it (or read it as a draft),
the holder of its edit key or a signed-in teacher of its class.

The edit key comes as ``Authorization: Bearer`` and always wins when sent. Without it, the
teacher's session cookie is the authority, for the books of the classes she owns or
shares; since a browser sends that cookie by itself, edits made with it pass the same
cross-site rule as the teacher endpoints. A book outside her classes answers as if she
had sent no key at all (401), so a session reveals nothing about other books.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from magicshelf.books import codes, service
from magicshelf.books.edit_keys import edit_key_matches
from magicshelf.books.models import Book
from magicshelf.books.schemas import EXAMPLE_CODE
from magicshelf.classes.service import teaches
from magicshelf.deps import ClientDep, ResourcesDep, SessionDep, client_address
from magicshelf.errors import (
    BookNotFound,
    BookNotPublished,
    MissingEditKey,
    TooManyMisses,
    WrongEditKey,
)
from magicshelf.limits.window import Window
from magicshelf.resources import Resources, resources
from magicshelf.teachers.api import same_site_only, session_cookie
from magicshelf.teachers.service import signed_in

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
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
SessionTokenDep = Annotated[str | None, Depends(session_cookie)]

_Found = TypeVar("_Found")


async def find_counting_misses(
    misses: Window, code: str, client: str, find: Callable[[str], Awaitable[_Found]]
) -> _Found:
    """Parse the code, then look it up, counting misses per client (400 → 429 → 404).

    Once a client is over the limit, every lookup it makes gets 429, hits included:
    answering hits normally would still tell a guesser which codes exist.
    """
    compact = codes.parse(code)
    wait = await misses.retry_after(client)
    if wait is not None:
        raise TooManyMisses(wait)
    try:
        return await find(compact)
    except BookNotFound:
        await misses.record(client)
        raise


async def _teaches_book(session: AsyncSession, token: str, book: Book) -> bool:
    teacher = await signed_in(session=session, token=token)
    return teacher is not None and await teaches(
        session=session, teacher=teacher, class_id=book.class_id
    )


async def may_see_draft(request: Request, held: Resources, compact: str) -> bool:
    """Whether this request could edit the book, which lets it read the book as a draft."""
    credentials = await _bearer(request)
    token = await session_cookie(request)
    if credentials is None and not token:
        return False
    async with held.database.session() as session:
        try:
            book = await service.find_book(session=session, code=compact)
        except BookNotFound:  # deleted meanwhile
            return False
        if credentials is not None:
            return edit_key_matches(credentials.credentials, book.edit_key_hash)
        return token is not None and await _teaches_book(session, token, book)


async def refuse_hidden_draft(request: Request, held: Resources, compact: str) -> None:
    """A draft answers 404 book-not-published to all but its editors (not a miss)."""
    if not await may_see_draft(request, held, compact):
        raise BookNotPublished()


async def read_book_record(request: Request, code: CodePath) -> service.BookRecord:
    """The book for reading (API, reader page, PDF): one SELECT, no ORM session, misses counted."""
    held = resources(request)

    async def find(compact: str) -> service.BookRecord:
        record = await service.read_book(database=held.database, code=compact)
        if not record.published:
            await refuse_hidden_draft(request, held, compact)
        return record

    return await find_counting_misses(held.misses, code, await client_address(request), find)


async def load_editable_book(
    request: Request,
    held: ResourcesDep,
    code: CodePath,
    session: SessionDep,
    client: ClientDep,
    credentials: BearerDep,
    token: SessionTokenDep,
) -> Book:
    # HTTPBearer answers None unless a bearer scheme with a non-empty key was sent.
    key = credentials.credentials if credentials is not None else None
    if key is None:
        if not token:
            raise MissingEditKey()
        await same_site_only(request, held)

    async def find(compact: str) -> Book:
        return await service.find_book(session=session, code=compact)

    try:
        book = await find_counting_misses(held.misses, code, client, find)
    except BookNotFound:
        # A key is checked before all else, and it opens no book with this code. (Reads
        # of the code say 404; the miss is counted all the same.)
        raise (WrongEditKey() if key is not None else MissingEditKey()) from None
    if key is not None:
        service.authorize(book=book, edit_key=key)
    elif not (token and await _teaches_book(session, token, book)):
        raise MissingEditKey()
    return book
