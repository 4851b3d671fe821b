"""JSON shapes of the teacher endpoints."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from magicshelf.books.text import PersonName
from magicshelf.shapes import Input, Output

# Something@something.tld, without spaces or controls: what a school's addresses look
# like. (Full RFC 5322 is neither needed nor what people type.) The schema says the same.
_NO = r"@\u0000-\u0020\u007f-\u009f"
EMAIL_PATTERN = f"^[^{_NO}]+@[^{_NO}]+\\.[^{_NO}]+$"


def _email(value: str) -> str:
    if not re.fullmatch(EMAIL_PATTERN, value) or len(value) > 254:
        raise PydanticCustomError("invalid", "must be an email address, like ana@escola.br")
    return value.lower()


def _password(value: str) -> str:
    if any(unicodedata.category(ch) == "Cs" for ch in value):
        raise PydanticCustomError("invalid_characters", "must be valid Unicode text")
    return value


Email = Annotated[
    str,
    AfterValidator(_email),
    Field(json_schema_extra={"pattern": EMAIL_PATTERN, "maxLength": 254}),
]
# Long passphrases welcome; the upper bound keeps one hash from costing more than usual.
Password = Annotated[str, Field(min_length=10, max_length=256), AfterValidator(_password)]
# One-time link tokens (tokens.new_token): 43 URL-safe characters.
LinkToken = Annotated[str, Field(pattern="^[A-Za-z0-9_-]{43}$")]


class TeacherCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"name": "Ana Lúcia", "email": "ana@escola.br", "password": "girassol-azul-42"}
            ]
        }
    )

    name: PersonName
    email: Email
    password: Password
    invitation: LinkToken | None = Field(
        default=None, description="The token of the invitation link, when sign-up needs one."
    )


class SessionCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "ana@escola.br", "password": "girassol-azul-42"}]}
    )

    email: Email
    # Any length: a wrong password is a wrong password, whatever the sign-up rules are now.
    password: Annotated[str, Field(min_length=1, max_length=256), AfterValidator(_password)]


class LinkCreate(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"email": "bia@escola.br"}]})

    email: Email
    purpose: Literal["invite", "reset"] = Field(
        default="invite",
        description="invite: a new teacher signs up; reset: a teacher sets a new password.",
    )


class PasswordReset(Input):
    token: LinkToken
    password: Password


class TeacherOut(Output):
    id: int
    name: str
    email: str
    is_admin: bool


class LinkOut(Output):
    purpose: Literal["invite", "reset"]
    email: str
    url: str = Field(description="Hand this to the teacher; it works once.")
    token: str
    expires_at: datetime
