"""A sample book in Brazilian Portuguese, for trying MagicShelf out."""

from __future__ import annotations

from magicshelf.books import codes, service
from magicshelf.books.schemas import BookCreate, PageIn
from magicshelf.db import Database
from magicshelf.settings import Settings

STORY = (
    "Era uma vez uma árvore que adorava música.",
    "Quando o vento soprava, ela balançava os galhos e dançava.",
    "Os passarinhos vieram ver o que estava acontecendo.",
    "O sabiá cantou, o bem-te-vi assobiou e a coruja bateu as asas.",
    "Logo a floresta inteira estava dançando junto com a árvore.",
    "E desde então, toda noite, há uma festa na floresta. Fim!",
)


async def create_demo_book(settings: Settings) -> tuple[str, str]:
    """Store the sample book; returns its magic code (display form) and edit key."""
    data = BookCreate(
        title="A Árvore que Dançava",
        author="Maria Eduarda",
        teacher="Professora Ana Lúcia",
        school="EMEF Monteiro Lobato",
        pages=[PageIn(number=n, text=text) for n, text in enumerate(STORY, start=1)],
    )
    database = Database(settings)
    try:
        async with database.session() as session:
            book, edit_key = await service.create_book(session=session, data=data)
    finally:
        await database.close()
    return codes.display(book.magic_code), edit_key
