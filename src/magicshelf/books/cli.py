"""``magicshelf book rekey CODE``: a new edit key for a book, from the server's shell."""

from __future__ import annotations

from magicshelf.books import codes, service
from magicshelf.errors import BookNotFound, InvalidCode
from magicshelf.resources import backends
from magicshelf.settings import Settings


async def rekey(settings: Settings, typed_code: str) -> tuple[str, str]:
    """The book's code as shown and its new key; ValueError says in one line why not."""
    try:
        compact = codes.parse(typed_code)
    except InvalidCode:
        raise ValueError(f"{typed_code!r} is not a valid magic code") from None
    async with backends(settings) as (database, _), database.session() as session:
        try:
            book = await service.find_book(session=session, code=compact)
        except BookNotFound:
            raise ValueError(f"no book has the code {codes.display(compact)}") from None
        return codes.display(compact), await service.replace_edit_key(session=session, book=book)
