"""HTTP routes for classes under /api/classes: a signed-in teacher's own and shared ones."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from magicshelf.books import codes
from magicshelf.books.models import Book
from magicshelf.classes import service
from magicshelf.classes.books import (
    ClassBook,
    add_children,
    class_books,
    new_class_book,
    publish_all,
)
from magicshelf.classes.models import SchoolClass
from magicshelf.classes.roster import Roster, Understood, read_text
from magicshelf.classes.schemas import (
    ClassCreate,
    ClassListOut,
    ClassOut,
    ClassUpdate,
    CoTeacherAdd,
    RosterIn,
    RosterOut,
)
from magicshelf.deps import SessionDep, WriteBudget
from magicshelf.errors import (
    BadRequest,
    ClassNotFound,
    CrossSiteRequest,
    FieldError,
    IdempotencyKeyReused,
    InvalidInput,
    NotClassOwner,
    NotSignedIn,
    PayloadTooLarge,
    TooManyWrites,
    UnsupportedMediaType,
    documented,
    validation_problem,
)
from magicshelf.http import JSON
from magicshelf.idempotency import Claim, IdempotentRequest, KeyHeader, at_most_once, remember
from magicshelf.teachers.api import TeacherDep, same_site_only

router = APIRouter(prefix="/api/classes", tags=["classes"], dependencies=[Depends(same_site_only)])

ClassId = Annotated[str, Path(description="The class's id, as its creation answered")]
_SIGNED_IN = (NotSignedIn, CrossSiteRequest)
_BODY = (BadRequest, PayloadTooLarge, InvalidInput)


async def load_class(class_id: ClassId, teacher: TeacherDep, session: SessionDep) -> SchoolClass:
    return await service.find_class(session=session, teacher=teacher, class_id=class_id)


ClassDep = Annotated[SchoolClass, Depends(load_class)]


def _class_book_json(book: ClassBook) -> dict[str, object]:
    code = codes.display(book.magic_code)
    return {
        "magic_code": code,
        "title": book.title,
        "author": book.author,
        "published": book.published,
        "pages": [
            {
                "number": p.number,
                "has_text": p.has_text,
                "has_drawing": p.has_drawing,
                "has_audio": p.has_audio,
            }
            for p in book.pages
        ],
        "links": {"reader": f"/read/{code}", "book": f"/api/books/{code}"},
    }


async def _class_response(
    session: SessionDep, school_class: SchoolClass, status: int = 200
) -> JSON:
    teachers = await service.sharers(session=session, school_class=school_class)
    books = await class_books(session=session, school_class=school_class)
    path = f"/api/classes/{school_class.id}"
    body = {
        "id": school_class.id,
        "name": school_class.name,
        "school": school_class.school,
        "year": school_class.year,
        "teachers": [{"email": t.email, "name": t.name, "owner": t.owner} for t in teachers],
        "books": [_class_book_json(book) for book in books],
        "links": {"slips": f"{path}/slips.pdf", "books_pdf": f"{path}/books.pdf"},
    }
    headers = {"Location": f"/api/classes/{school_class.id}"} if status == 201 else None
    return JSON(body, status_code=status, headers=headers)


# What a teacher can do next with the class she made (OpenAPI links; the fuzzer follows them).
_created_links = {
    operation: {"operationId": operation, "parameters": {"class_id": "$response.body#/id"}}
    for operation in (
        "read_class",
        "update_class",
        "delete_class",
        "add_co_teacher",
        "add_roster",
        "publish_class",
        "class_slips",
        "class_books_pdf",
    )
}


@router.post(
    "",
    status_code=201,
    response_model=ClassOut,
    responses={201: {"links": _created_links}, **documented(*_SIGNED_IN, *_BODY, TooManyWrites)},
    dependencies=[WriteBudget],
)
async def create_class(data: ClassCreate, teacher: TeacherDep, session: SessionDep) -> Response:
    """Create a class of the signed-in teacher."""
    made = await service.create_class(session=session, teacher=teacher, data=data)
    return await _class_response(session, made, 201)


@router.get("", response_model=ClassListOut, responses=documented(*_SIGNED_IN))
async def list_classes(teacher: TeacherDep, session: SessionDep) -> Response:
    """The classes the signed-in teacher owns or shares, oldest first."""
    found = await service.classes_of(session=session, teacher=teacher)
    summaries = [
        {
            "id": c.id,
            "name": c.name,
            "school": c.school,
            "year": c.year,
            "owner": c.owner_id == teacher.id,
        }
        for c in found
    ]
    return JSON({"classes": summaries})


@router.get(
    "/{class_id}", response_model=ClassOut, responses=documented(*_SIGNED_IN, ClassNotFound)
)
async def read_class(school_class: ClassDep, session: SessionDep) -> Response:
    """One class with its books, in roster order, and what each page has: the overview of
    what is missing. Another teacher's class answers 404, as if it did not exist."""
    return await _class_response(session, school_class)


@router.patch(
    "/{class_id}",
    response_model=ClassOut,
    responses=documented(*_SIGNED_IN, *_BODY, ClassNotFound),
)
async def update_class(data: ClassUpdate, school_class: ClassDep, session: SessionDep) -> Response:
    """Change the name, school or year (only the fields sent)."""
    changed = await service.update_class(session=session, school_class=school_class, data=data)
    return await _class_response(session, changed)


@router.delete(
    "/{class_id}",
    status_code=204,
    responses=documented(*_SIGNED_IN, ClassNotFound, NotClassOwner),
)
async def delete_class(
    school_class: ClassDep, teacher: TeacherDep, session: SessionDep
) -> Response:
    """Delete the class (its owner only). There is no undo."""
    await service.delete_class(session=session, teacher=teacher, school_class=school_class)
    return Response(status_code=204)


@router.post(
    "/{class_id}/teachers",
    response_model=ClassOut,
    responses=documented(*_SIGNED_IN, *_BODY, ClassNotFound, NotClassOwner),
)
async def add_co_teacher(
    data: CoTeacherAdd, school_class: ClassDep, teacher: TeacherDep, session: SessionDep
) -> Response:
    """Share the class with another teacher, by email. She need not have an account yet:
    she sees the class once she signs up with that email."""
    await service.share(
        session=session, teacher=teacher, school_class=school_class, email=data.email
    )
    return await _class_response(session, school_class)


@router.delete(
    "/{class_id}/teachers/{email}",
    status_code=204,
    responses=documented(*_SIGNED_IN, ClassNotFound, NotClassOwner),
)
async def remove_co_teacher(
    email: str, school_class: ClassDep, teacher: TeacherDep, session: SessionDep
) -> Response:
    """Stop sharing the class with a co-teacher (a no-op for an email it is not shared with)."""
    await service.unshare(
        session=session, teacher=teacher, school_class=school_class, email=email.lower()
    )
    return Response(status_code=204)


_TEXT_TYPES = {"text/plain": False, "text/csv": True, "application/csv": True}
_FILE_FIELD = "file"
_NO_FILE = "Put the CSV or text file in a field named file."
_roster_body = {
    "requestBody": {
        "required": True,
        "description": (
            "The names as JSON, as a pasted list (one name per line), or as a CSV file as "
            "Excel saves it (; or tab between cells, Windows-1252 or UTF-8 with or without "
            "BOM, with or without a header row: a column named Nome, Aluno or Nome social "
            "is taken, else the first column of words). For example `Maria Eduarda Souza\\n"
            "João Pedro Lima`, or `Nº;Nome;Nascimento\\n1;Maria Eduarda Souza;12/03/2018`."
        ),
        "content": {
            "application/json": {"schema": RosterIn.model_json_schema()},
            # No examples here: the fuzzer draws realistic rosters (tests/contract/hooks.py).
            "text/plain": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [_FILE_FIELD],
                    "properties": {_FILE_FIELD: {"type": "string", "format": "binary"}},
                    "additionalProperties": False,
                },
                "encoding": {_FILE_FIELD: {"contentType": "text/csv, text/plain"}},
            },
        },
    }
}


async def _read_roster(request: Request) -> Roster:
    """The roster from the body, whichever of the four ways it came."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json":
        try:
            names = RosterIn.model_validate_json(await request.body()).names
        except ValidationError as error:
            raise validation_problem(RequestValidationError(error.errors())) from None
        return Roster(tuple(names), Understood(format="json"))
    if media_type in _TEXT_TYPES:
        return read_text(await request.body(), csv_declared=_TEXT_TYPES[media_type], field="body")
    if media_type == "multipart/form-data":
        async with request.form(max_files=1, max_fields=4) as form:
            unknown = sorted(set(form.keys()) - {_FILE_FIELD})
            if unknown:
                raise InvalidInput(
                    [
                        FieldError(name, "unknown_field", "is not a field of this request")
                        for name in unknown
                    ]
                )
            upload = form.get(_FILE_FIELD)
            if not isinstance(upload, UploadFile):
                raise InvalidInput([FieldError(_FILE_FIELD, "required", _NO_FILE)])
            is_csv = _TEXT_TYPES.get(upload.content_type or "", False) or (
                upload.filename or ""
            ).lower().endswith(".csv")
            return read_text(await upload.read(), csv_declared=is_csv, field=_FILE_FIELD)
    raise UnsupportedMediaType(
        'Send the names as application/json {"names": [...]}, as text/plain or text/csv, '
        "or as a multipart/form-data file."
    )


@router.post(
    "/{class_id}/roster",
    status_code=201,
    response_model=RosterOut,
    responses={
        200: {
            "description": "With ?preview=true: what was understood; nothing is made",
            "model": RosterOut,
        },
        **documented(
            *_SIGNED_IN,
            *_BODY,
            UnsupportedMediaType,
            ClassNotFound,
            IdempotencyKeyReused,
            TooManyWrites,
        ),
    },
    openapi_extra=_roster_body,
    dependencies=[WriteBudget],
)
async def add_roster(
    request: Request,
    school_class: ClassDep,
    teacher: TeacherDep,
    session: SessionDep,
    preview: Annotated[
        bool, Query(description="true: answer what was understood, and make nothing")
    ] = False,
    idempotency_key: KeyHeader = "",
) -> Response:
    """Make one draft book per child, after the class's books: `author` is the child,
    `teacher` the signed-in teacher, `school` the class's, and the title provisional.
    Two children of the same name are two books. A bad line names its line in a field
    error, and then nothing is made. With `Idempotency-Key`, the same roster sent again
    within 24 hours answers the first result and makes nothing more."""
    roster = await _read_roster(request)
    if preview:
        return JSON(_roster_json(roster, []))
    claim = Claim.of(f"roster:{school_class.id}", idempotency_key, roster.names)

    def remembered(books: list[Book]) -> IdempotentRequest:
        assert claim is not None
        made = [new_class_book(book) for book in books]
        return remember(claim, 201, _roster_json(roster, made), None)

    async def create() -> Response:
        made = await add_children(
            session=session,
            teacher=teacher,
            school_class=school_class,
            names=roster.names,
            record=remembered if claim is not None else None,
        )
        return JSON(_roster_json(roster, made), status_code=201)

    return await create() if claim is None else await at_most_once(session, claim, create)


def _roster_json(roster: Roster, made: list[ClassBook]) -> dict[str, object]:
    return {
        "names": list(roster.names),
        "understood": dataclasses.asdict(roster.understood),
        "books": [_class_book_json(book) for book in made],
    }


@router.post(
    "/{class_id}/publish",
    response_model=ClassOut,
    responses=documented(*_SIGNED_IN, ClassNotFound),
)
async def publish_class(school_class: ClassDep, session: SessionDep) -> Response:
    """Publish every book of the class at once: families can open them from now on."""
    await publish_all(session=session, school_class=school_class)
    return await _class_response(session, school_class)
