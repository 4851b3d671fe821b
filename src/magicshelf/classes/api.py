"""HTTP routes for classes under /api/classes: a signed-in teacher's own and shared ones."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from magicshelf.classes import service
from magicshelf.classes.models import SchoolClass
from magicshelf.classes.schemas import (
    ClassCreate,
    ClassListOut,
    ClassOut,
    ClassUpdate,
    CoTeacherAdd,
)
from magicshelf.deps import SessionDep
from magicshelf.errors import (
    BadRequest,
    ClassNotFound,
    CrossSiteRequest,
    InvalidInput,
    NotClassOwner,
    NotSignedIn,
    PayloadTooLarge,
    documented,
)
from magicshelf.http import JSON
from magicshelf.teachers.api import TeacherDep, same_site_only

router = APIRouter(prefix="/api/classes", tags=["classes"], dependencies=[Depends(same_site_only)])

ClassId = Annotated[str, Path(description="The class's id, as its creation answered")]
_SIGNED_IN = (NotSignedIn, CrossSiteRequest)
_BODY = (BadRequest, PayloadTooLarge, InvalidInput)


async def load_class(class_id: ClassId, teacher: TeacherDep, session: SessionDep) -> SchoolClass:
    return await service.find_class(session=session, teacher=teacher, class_id=class_id)


ClassDep = Annotated[SchoolClass, Depends(load_class)]


async def _class_response(
    session: SessionDep, school_class: SchoolClass, status: int = 200
) -> JSON:
    teachers = await service.sharers(session=session, school_class=school_class)
    body = {
        "id": school_class.id,
        "name": school_class.name,
        "school": school_class.school,
        "year": school_class.year,
        "teachers": [{"email": t.email, "name": t.name, "owner": t.owner} for t in teachers],
    }
    headers = {"Location": f"/api/classes/{school_class.id}"} if status == 201 else None
    return JSON(body, status_code=status, headers=headers)


@router.post(
    "", status_code=201, response_model=ClassOut, responses=documented(*_SIGNED_IN, *_BODY)
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
    """One class. Another teacher's class answers 404, as if it did not exist."""
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
