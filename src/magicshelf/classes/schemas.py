"""JSON shapes of the class endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field

from magicshelf.books.text import WHOLE_NUMBER, PersonName, SchoolName
from magicshelf.classes.roster import ROSTER_LIMIT, ChildName, non_empty
from magicshelf.partial import Kept, kept_in_schema
from magicshelf.shapes import Input, Output
from magicshelf.teachers.schemas import Email

ClassName = PersonName  # "3º ano B", "Turma do Girassol": up to 80 characters
Year = Annotated[
    int, Field(ge=2000, le=2100, description="The school year, e.g. 2026"), WHOLE_NUMBER
]


class ClassCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "3º ano B", "school": "EMEF Monteiro Lobato", "year": 2026}]
        }
    )

    name: ClassName
    school: SchoolName | None = None
    year: Year | None = None


class ClassUpdate(Input):
    """Only the fields sent change; school and year may be sent as null to remove them."""

    model_config = ConfigDict(
        json_schema_extra=kept_in_schema("name", example={"name": "3º ano C"})
    )

    name: Kept[ClassName] = None
    school: SchoolName | None = None
    year: Year | None = None


class CoTeacherAdd(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"email": "bia@escola.br"}]})

    email: Email


class ClassTeacherOut(Output):
    email: str
    name: str | None = Field(description="null until a teacher signs up with this email")
    owner: bool


class ClassLinksOut(Output):
    slips: str = Field(description="The take-home slips, as a PDF to print and cut")
    books_pdf: str = Field(description="Every published book of the class, in one PDF")


class ClassOut(Output):
    id: str
    name: str
    school: str | None
    year: int | None
    teachers: list[ClassTeacherOut] = Field(description="The owner first, then co-teachers")
    books: list[ClassBookOut] = Field(description="One per child, in roster order")
    links: ClassLinksOut


class ClassSummaryOut(Output):
    id: str
    name: str
    school: str | None
    year: int | None
    owner: bool = Field(description="Whether the signed-in teacher owns the class")


class ClassListOut(Output):
    classes: list[ClassSummaryOut]


class PageProgressOut(Output):
    number: int
    has_text: bool
    has_drawing: bool
    has_audio: bool = Field(description="Whether the child's reading of the page is recorded")


class ClassBookLinksOut(Output):
    reader: str
    book: str = Field(description="The book in the API, which the class's teachers edit")


class ClassBookOut(Output):
    magic_code: str
    title: str
    author: str = Field(description="The child")
    published: bool
    pages: list[PageProgressOut] = Field(description="What each of the six pages has")
    links: ClassBookLinksOut


class RosterIn(Input):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"names": ["Maria Eduarda Souza", "João Pedro Lima"]}]}
    )

    names: Annotated[
        list[ChildName],
        AfterValidator(non_empty),
        Field(max_length=ROSTER_LIMIT, json_schema_extra={"minItems": 1}),
    ]


class UnderstoodOut(Output):
    format: Literal["json", "text", "csv"]
    encoding: str | None = Field(description="utf-8, utf-8-sig, utf-16 or windows-1252")
    delimiter: str | None = Field(description="Between a CSV's cells: ; or a tab or ,")
    header: bool = Field(description="Whether the first row named the columns (and was skipped)")
    column: int | None = Field(description="The CSV column the names came from, from 1")


class RosterOut(Output):
    names: list[str] = Field(description="The names understood, in order, tidied")
    understood: UnderstoodOut
    books: list[ClassBookOut] = Field(description="The books made, one per name (none in preview)")
