"""The children's names of a class, as a teacher has them: JSON, a pasted list or a CSV.

Brazilian schools keep rosters in Excel, which saves CSV with ``;`` between cells (the
comma is the decimal mark) in Windows-1252, or in UTF-8 with a BOM ("CSV UTF-8"), with a
header row or without one. ``read_roster`` works out which, says what it understood
(``Understood``), and returns the names in order. Names are checked one by one, and every
bad line is reported by its number, so the teacher can fix the file and send it again:
nothing is created until all of it is right.

A name is letters of the Latin script (with any accent), spaces, apostrophes, hyphens and
dots: what a Brazilian school writes in a roster, and what prints well on the cover and
on the slips. Emoji, digits and other symbols are refused with the line they are on.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from magicshelf.books.text import within
from magicshelf.errors import FieldError, InvalidInput

# Books per class, and so names per roster: a class of 35 many times over, never a school.
# It also bounds the class's PDF and slips.
ROSTER_LIMIT = 200
NAME_LIMIT = 80  # as a book's author

_LETTERS = r"A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_IN_NAME = _LETTERS + r"\u0300-\u036f'\u2019.\- \u00a0"
# Spelled with escapes both Python and JSON Schema (ECMA-262) read alike: the schema
# states the same rule the server checks with it.
NAME_PATTERN = f"^[{_IN_NAME}]*[{_LETTERS}][{_IN_NAME}]*$"
_NAME = re.compile(NAME_PATTERN)
_NOT_IN_NAME = re.compile(f"[^{_IN_NAME}]")
_SPACES = re.compile(r"[ \u00a0]+")
# "1. Ana", "12) Ana", "3 - Ana": numbered lists pasted from a document.
_NUMBERING = re.compile(r"^\s*\d{1,3}\s*[.)\-\u2013]\s+")
_HEADER_WORDS = {
    "nome",
    "nomes",
    "nome completo",
    "nome do aluno",
    "nome da aluna",
    "nome do(a) aluno(a)",
    "aluno",
    "aluna",
    "alunos",
    "alunas",
    "aluno(a)",
    "estudante",
    "estudantes",
    "crianca",
    "criancas",
    "name",
    "names",
    "full name",
    "student",
    "students",
    "pupil",
    "child",
}
_SOCIAL_NAME = "nome social"  # preferred by Brazilian schools when the roster has one


def clean_name(value: str) -> str:
    """A child's name, tidied (NFC, single spaces); PydanticCustomError if not a name."""
    if not value.strip(" \u00a0"):
        raise PydanticCustomError("empty", "must not be empty")
    if not _NAME.fullmatch(value):
        bad = _NOT_IN_NAME.search(value)
        shown = f"“{bad.group()}”" if bad else "no letter"
        raise PydanticCustomError(
            "invalid_characters",
            "has {found}: a name has letters, spaces, apostrophes, hyphens and dots only",
            {"found": shown},
        )
    return within(_SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip(), NAME_LIMIT)


ChildName = Annotated[
    str,
    AfterValidator(clean_name),
    Field(
        json_schema_extra={"pattern": NAME_PATTERN, "minLength": 1, "maxLength": NAME_LIMIT},
        examples=["Maria Eduarda Souza"],
    ),
]


def non_empty(names: list[str]) -> list[str]:
    if not names:
        raise PydanticCustomError("empty", "must have at least one name")
    return names


@dataclass(frozen=True, slots=True)
class Understood:
    """How the roster was read, shown to the teacher before anything is created."""

    format: Literal["json", "text", "csv"]
    encoding: str | None = None  # of a text or CSV body
    delimiter: str | None = None  # between cells, for a CSV
    header: bool = False  # the first row named the columns and was skipped
    column: int | None = None  # 1-based: the CSV column the names were taken from


@dataclass(frozen=True, slots=True)
class Roster:
    names: tuple[str, ...]
    understood: Understood


def _refuse(field: str, code: str, message: str, **params: int | str) -> InvalidInput:
    return InvalidInput([FieldError(field, code, message, params)])


def decode(data: bytes, field: str) -> tuple[str, str]:
    """The text and the name of its encoding: a BOM decides, else UTF-8, else Windows-1252."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),  # Excel's "Unicode text"
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                return data.decode("cp1252"), "windows-1252"
            except UnicodeDecodeError:
                pass
    raise _refuse(
        field,
        "wrong_encoding",
        "This is not text in UTF-8 or Windows-1252. In Excel, save it as “CSV (separado "
        "por vírgulas)” or “CSV UTF-8”, or paste the names as plain text.",
    )


def _folded(cell: str) -> str:
    plain = unicodedata.normalize("NFKD", cell).encode("ascii", "ignore").decode()
    return " ".join(plain.casefold().split())


def _header_column(row: Sequence[str]) -> int | None:
    folded = [_folded(cell) for cell in row]
    if _SOCIAL_NAME in folded:
        return folded.index(_SOCIAL_NAME)
    return next(
        (i for i, cell in enumerate(folded) if cell in _HEADER_WORDS or cell.startswith("nome ")),
        None,
    )


def _names_column(rows: Sequence[Sequence[str]]) -> int:
    """Without a header: the first column whose cells are mostly words, not numbers."""
    width = max(len(row) for row in rows)
    for column in range(width):
        cells = [row[column].strip() for row in rows if column < len(row) and row[column].strip()]
        wordy = sum(1 for cell in cells if any(ch.isalpha() for ch in cell))
        if cells and wordy * 2 > len(cells):
            return column
    return 0


def _delimiter(lines: Sequence[str], csv_declared: bool) -> str | None:
    filled = [line for line in lines if line.strip()]
    for candidate in (";", "\t"):
        if any(candidate in line for line in filled):
            return candidate
    # A comma also sits inside names ("Souza, Ana"): it separates cells only in what was
    # sent as CSV, and only when every line has as many.
    counts = {line.count(",") for line in filled}
    if csv_declared and len(counts) == 1 and counts != {0}:
        return ","
    return None


def read_text(data: bytes, *, csv_declared: bool, field: str) -> Roster:
    """A pasted list (one name per line) or a CSV file, checked line by line."""
    text, encoding = decode(data, field)
    lines = text.splitlines()
    delimiter = _delimiter(lines, csv_declared)
    if delimiter is None:
        rows = [[_NUMBERING.sub("", line, count=1)] for line in lines]
    else:
        rows = list(csv.reader(lines, delimiter=delimiter))
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(c.strip() for c in row)]
    header = False
    column = 0
    if numbered:
        found = _header_column(numbered[0][1])
        if found is not None:
            header, column = True, found
            numbered = numbered[1:]
        elif delimiter is not None:
            column = _names_column([row for _, row in numbered])
    cells = [(n, row[column] if column < len(row) else "") for n, row in numbered]
    names = _checked((f"line {n}", cell) for n, cell in cells if cell.strip(" \u00a0\t"))
    understood = Understood(
        format="csv" if delimiter is not None else "text",
        encoding=encoding,
        delimiter=delimiter,
        header=header,
        column=column + 1 if delimiter is not None else None,
    )
    return Roster(names, understood)


def _checked(entries: Iterator[tuple[str, str]]) -> tuple[str, ...]:
    names: list[str] = []
    errors: list[FieldError] = []
    for where, raw in entries:
        try:
            names.append(clean_name(raw))
        except PydanticCustomError as error:
            context: dict[str, Any] = error.context or {}
            params = {k: v for k, v in context.items() if isinstance(v, int | str)}
            errors.append(FieldError(where, error.type, error.message(), params))
    if errors:
        raise InvalidInput(errors)
    return limited(names)


def limited(names: Sequence[str], *, already: int = 0) -> tuple[str, ...]:
    """The names, if there are some and the class (with ``already`` books) has room."""
    if not names:
        raise _refuse(
            "names", "empty", "The roster has no names. Paste one name per line, or a CSV file."
        )
    total = already + len(names)
    if total > ROSTER_LIMIT:
        raise _refuse(
            "names",
            "too_many",
            f"A class has at most {ROSTER_LIMIT} children, and this would make {total}. "
            "Send each class on its own.",
            limit=ROSTER_LIMIT,
            actual=total,
        )
    return tuple(names)
