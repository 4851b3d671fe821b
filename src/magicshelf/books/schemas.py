"""JSON shapes of the books API: what clients send and what they get back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from magicshelf.books.models import PAGE_COUNT
from magicshelf.books.text import PageText, PersonName, SchoolName, Title

PageNumber = Annotated[int, Field(ge=1, le=PAGE_COUNT, description="1 to 6")]

_EXAMPLE_BOOK = {
    "title": "A Árvore que Dançava",
    "author": "Maria Eduarda",
    "teacher": "Professora Ana Lúcia",
    "school": "EMEF Monteiro Lobato",
}


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PageIn(_Input):
    number: PageNumber
    text: PageText


class BookCreate(_Input):
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
    pages: list[PageIn] = Field(default_factory=list, max_length=PAGE_COUNT)

    @model_validator(mode="after")
    def _distinct_pages(self) -> BookCreate:
        numbers = [page.number for page in self.pages]
        if len(numbers) != len(set(numbers)):
            raise ValueError("each page number may appear only once")
        return self


class BookUpdate(_Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"title": "A Árvore que Cantava"}]})

    title: Title | None = None
    author: PersonName | None = None
    teacher: PersonName | None = None
    school: SchoolName | None = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> BookUpdate:
        for name in ("title", "author", "teacher"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be removed, only changed")
        return self


class PageUpdate(_Input):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"text": "E todos os pássaros vieram ouvir."}]}
    )

    text: PageText


class IllustrationOut(BaseModel):
    url: str
    thumbnail_url: str
    width: int
    height: int
    content_type: str


class PageOut(BaseModel):
    number: int
    text: str
    illustration: IllustrationOut | None


class LinksOut(BaseModel):
    reader: str
    pdf: str


class BookOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "magic_code": "ABC-DEF-GHJ",
                    **_EXAMPLE_BOOK,
                    "created_at": "2026-11-27T13:00:00Z",
                    "updated_at": "2026-11-27T13:05:00Z",
                    "pages": [
                        {
                            "number": n,
                            "text": "Era uma vez…" if n == 1 else "",
                            "illustration": None,
                        }
                        for n in range(1, PAGE_COUNT + 1)
                    ],
                    "links": {"reader": "/read/ABC-DEF-GHJ", "pdf": "/api/books/ABC-DEF-GHJ/pdf"},
                }
            ]
        }
    )

    magic_code: str
    title: str
    author: str
    teacher: str
    school: str | None
    created_at: datetime
    updated_at: datetime
    pages: list[PageOut]
    links: LinksOut


class BookCreated(BaseModel):
    magic_code: str
    edit_key: str = Field(description="Shown only once: save it to edit the book later.")
    book: BookOut
