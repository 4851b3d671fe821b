"""A sample book in Brazilian Portuguese, with drawings, and a demo teacher with a class,
for trying MagicShelf out."""

from __future__ import annotations

import secrets
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import func, select

from magicshelf.books import codes, service
from magicshelf.books.models import utcnow
from magicshelf.books.schemas import BookCreate, PageIn
from magicshelf.classes.books import add_children
from magicshelf.classes.schemas import ClassCreate
from magicshelf.classes.service import create_class
from magicshelf.illustrations import service as illustrations
from magicshelf.renderer import Renderer
from magicshelf.resources import backends
from magicshelf.settings import Settings
from magicshelf.teachers.models import Teacher
from magicshelf.teachers.passwords import hash_password

DEMO_EMAIL = "demo@magicshelf.example"
DEMO_CHILDREN = ("Maria Eduarda Souza", "João Pedro Lima", "Ana Clara Santos", "Davi Oliveira")

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


@dataclass(frozen=True)
class DemoTeacher:
    email: str
    password: str  # shown once: only its Argon2id hash is stored
    is_admin: bool
    class_id: str


async def create_demo_class(settings: Settings) -> DemoTeacher:
    """The demo teacher (made, or given a new password) and a new class of four children.

    The first child's book has its texts and is published, so both what families see and
    what a draft looks like can be tried at once.
    """
    password = secrets.token_urlsafe(12)
    year = utcnow().year
    password_hash = await hash_password(password)
    async with backends(settings) as (database, _), database.session() as session:
        teacher = await session.scalar(select(Teacher).where(Teacher.email == DEMO_EMAIL))
        if teacher is None:
            # The first account of a school is its admin, whoever makes it (as in sign-up).
            first = not await session.scalar(select(func.count()).select_from(Teacher))
            teacher = Teacher(name="Professora Demo", email=DEMO_EMAIL, is_admin=first)
            session.add(teacher)
        teacher.password_hash = password_hash
        await session.commit()
        school_class = await create_class(
            session=session,
            teacher=teacher,
            data=ClassCreate(name="Turma do Girassol", school="EMEF Monteiro Lobato", year=year),
        )
        made = await add_children(
            session=session, teacher=teacher, school_class=school_class, names=DEMO_CHILDREN
        )
        first_book = await service.find_book(session=session, code=made[0].magic_code)
        for page, text in zip(first_book.pages, STORY, strict=True):
            page.text = text
        first_book.published = True
        await service.touch(session, first_book)
        await session.commit()
        return DemoTeacher(DEMO_EMAIL, password, teacher.is_admin, school_class.id)
