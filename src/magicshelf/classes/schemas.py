"""JSON shapes of the class endpoints."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field

from magicshelf.books.text import WHOLE_NUMBER, PersonName, SchoolName
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


class ClassOut(Output):
    id: str
    name: str
    school: str | None
    year: int | None
    teachers: list[ClassTeacherOut] = Field(description="The owner first, then co-teachers")


class ClassSummaryOut(Output):
    id: str
    name: str
    school: str | None
    year: int | None
    owner: bool = Field(description="Whether the signed-in teacher owns the class")


class ClassListOut(Output):
    classes: list[ClassSummaryOut]
