"""JSON shapes of the books API: what clients send and what they get back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, field_validator
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from magicshelf.books import codes
from magicshelf.books.models import PAGE_COUNT
from magicshelf.books.text import WHOLE_NUMBER, PageText, PersonName, SchoolName, Title
from magicshelf.partial import Kept, kept_in_schema
from magicshelf.shapes import Input, Output

# The constraints before the validator, so that the schema says minimum and maximum.
PageNumber = Annotated[int, Field(ge=1, le=PAGE_COUNT, description="1 to 6"), WHOLE_NUMBER]
EXAMPLE_CODE = codes.display("ABCDEFGH" + codes.check_symbol("ABCDEFGH"))  # ABC-DEF-GH3
# Each number at most once, as JSON Schema 2020-12 can say it (OpenAPI 3.1).
_DISTINCT_NUMBERS: JsonDict = {
    "allOf": [
        {"contains": {"properties": {"number": {"const": n}}}, "minContains": 0, "maxContains": 1}
        for n in range(1, PAGE_COUNT + 1)
    ]
}

_EXAMPLE_BOOK = {
    "title": "A Árvore que Dançava",
    "author": "Maria Eduarda",
    "teacher": "Professora Ana Lúcia",
    "school": "EMEF Monteiro Lobato",
}


class PageIn(Input):
    number: PageNumber
    text: PageText


class BookCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_EXAMPLE_BOOK,
                    "pages": [
                        {"number": 1, "text": "Era uma vez uma árvore que adorava música."},
                        {"number": 2, "text": "Quando o vento soprava, ela dançava."},
                    ],
                }
            ]
        }
    )

    title: Title
    author: PersonName
    teacher: PersonName
    school: SchoolName | None = None
    pages: list[PageIn] = Field(
        default_factory=list,
        max_length=PAGE_COUNT,
        description="Page texts to start with, each page number at most once.",
        json_schema_extra=_DISTINCT_NUMBERS,
    )

    @field_validator("pages")
    @classmethod
    def _distinct_pages(cls, pages: list[PageIn]) -> list[PageIn]:
        seen: set[int] = set()
        for page in pages:
            if page.number in seen:
                raise PydanticCustomError(
                    "duplicate",
                    "page {value} appears twice: each page number may appear only once",
                    {"value": page.number},
                )
            seen.add(page.number)
        return pages


class BookUpdate(Input):
    """Only the fields sent change; ``school`` may be sent as null to remove it."""

    model_config = ConfigDict(
        json_schema_extra=kept_in_schema(
            "title",
            "author",
            "teacher",
            "published",
            example={"title": "A Árvore que Cantava"},
        )
    )

    title: Kept[Title] = None
    author: Kept[PersonName] = None
    teacher: Kept[PersonName] = None
    school: SchoolName | None = None
    published: Kept[bool] = Field(
        default=None,
        description="true: families can read it; false: a draft, seen only by its editors",
    )


class PageUpdate(Input):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"text": "E todos os pássaros vieram ouvir."}]}
    )

    text: PageText


class IllustrationOut(Output):
    url: str
    thumbnail_url: str
    width: int
    height: int
    content_type: str


class AudioOut(Output):
    url: str
    content_type: str = Field(description="Always audio/mp4: AAC-LC, mono, index first")
    duration_seconds: float = Field(description="How long the recording plays, in seconds")


class PageOut(Output):
    number: int
    text: str
    illustration: IllustrationOut | None
    audio: AudioOut | None = Field(description="The child reading the page aloud, if recorded")


class LinksOut(Output):
    reader: str
    pdf: str


class BookOut(Output):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "magic_code": EXAMPLE_CODE,
                    **_EXAMPLE_BOOK,
                    "published": True,
                    "created_at": "2026-11-27T13:00:00Z",
                    "updated_at": "2026-11-27T13:05:00Z",
                    "pages": [
                        {
                            "number": n,
                            "text": "Era uma vez…" if n == 1 else "",
                            "illustration": None,
                            "audio": None,
                        }
                        for n in range(1, PAGE_COUNT + 1)
                    ],
                    "links": {
                        "reader": f"/read/{EXAMPLE_CODE}",
                        "pdf": f"/api/books/{EXAMPLE_CODE}/pdf",
                    },
                }
            ]
        },
    )

    magic_code: str
    title: str
    author: str
    teacher: str
    school: str | None
    published: bool = Field(description="false: a draft, which families cannot open yet")
    created_at: datetime
    updated_at: datetime
    pages: list[PageOut]
    links: LinksOut


class EditKeyOut(Output):
    edit_key: str = Field(
        description="Shown only once: the new key. The old one no longer opens the book.",
        examples=["7KQ2-M9XD-4TPA-1B0C-ZZ55-HJKM-NPQR"],
    )


class BookCreated(Output):
    magic_code: str
    edit_key: str = Field(
        description=(
            "Shown only once: save it to edit the book later. 28 symbols in groups of "
            "four, typed back in any case, with or without spaces and hyphens."
        ),
        examples=["7KQ2-M9XD-4TPA-1B0C-ZZ55-HJKM-NPQR"],
    )
    book: BookOut
