"""A sample book in Brazilian Portuguese, with drawings, for trying MagicShelf out."""

from __future__ import annotations

import tempfile
from contextlib import closing
from pathlib import Path

from PIL import Image, ImageDraw

from magicshelf.books import codes, service
from magicshelf.books.schemas import BookCreate, PageIn
from magicshelf.illustrations import service as illustrations
from magicshelf.renderer import Renderer
from magicshelf.resources import backends
from magicshelf.settings import Settings

STORY = (
    "Era uma vez uma árvore que adorava música.",
    "Quando o vento soprava, ela balançava os galhos e dançava.",
    "Os passarinhos vieram ver o que estava acontecendo.",
    "O sabiá cantou, o bem-te-vi assobiou e a coruja bateu as asas.",
    "Logo a floresta inteira estava dançando junto com a árvore.",
    "E desde então, toda noite, há uma festa na floresta. Fim!",
)
SKIES = ((135, 206, 235), (255, 204, 153), (173, 216, 230), (255, 182, 193), (144, 238, 144))


def _scene(page: int, path: Path) -> None:
    """A crayon-style tree that leans a little more on every page, as if dancing."""
    image = Image.new("RGB", (1600, 1200), SKIES[page % len(SKIES)] if page < 6 else (25, 25, 80))
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 900, 1600, 1200), fill=(90, 170, 70))
    lean = (page - 3) * 40
    pen.line((800, 1000, 800 + lean, 600), fill=(110, 70, 30), width=60)
    pen.ellipse(
        (560 + lean, 280, 1040 + lean, 700), fill=(40, 140, 60), outline=(20, 80, 30), width=8
    )
    pen.ellipse((1250, 100, 1450, 300), fill=(255, 220, 0) if page < 6 else (240, 240, 200))
    for bird in range(page):
        x = 200 + bird * 170
        pen.arc((x, 200, x + 80, 260), 200, 340, fill=(40, 40, 40), width=8)
    image.save(path, "PNG")


async def create_demo_book(settings: Settings) -> tuple[str, str]:
    """Store the sample book with six drawings; returns its magic code and edit key."""
    data = BookCreate(
        title="A Árvore que Dançava",
        author="Maria Eduarda",
        teacher="Professora Ana Lúcia",
        school="EMEF Monteiro Lobato",
        pages=[PageIn(number=n, text=text) for n, text in enumerate(STORY, start=1)],
    )
    async with backends(settings) as (database, storage), database.session() as session:
        book, edit_key = await service.create_book(session=session, data=data)
        # One picture at a time: a command, not a server.
        with closing(Renderer(slots=1)) as renderer, tempfile.TemporaryDirectory() as folder:
            for number in range(1, len(STORY) + 1):
                path = Path(folder) / f"{number}.png"
                _scene(number, path)
                await illustrations.add_drawing(
                    session=session,
                    storage=storage,
                    book=book,
                    number=number,
                    path=path,
                    max_pixels=settings.max_image_pixels,
                    renderer=renderer,
                )
    return codes.display(book.magic_code), edit_key
