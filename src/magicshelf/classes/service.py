"""What can be done with classes. A class is seen only by its owner and co-teachers.

Co-teachers are named by email, so a class can be shared before the colleague has an
account; she sees it from her first sign-in on. (Nor does sharing tell anyone which
emails have accounts.)
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from magicshelf.classes.models import CoTeacher, SchoolClass
from magicshelf.classes.schemas import ClassCreate, ClassUpdate
from magicshelf.errors import ClassNotFound, NotClassOwner
from magicshelf.teachers.models import Teacher


@dataclass(frozen=True)
class Sharer:
    email: str
    name: str | None  # None: no account with this email yet
    owner: bool


def _shared_with(teacher: Teacher) -> ColumnElement[bool]:
    shared = select(CoTeacher.class_id).where(CoTeacher.email == teacher.email)
    return or_(SchoolClass.owner_id == teacher.id, SchoolClass.id.in_(shared))


async def create_class(
    *, session: AsyncSession, teacher: Teacher, data: ClassCreate
) -> SchoolClass:
    school_class = SchoolClass(
        id=secrets.token_urlsafe(12),  # 96 bits, 16 characters
        name=data.name,
        school=data.school,
        year=data.year,
        owner_id=teacher.id,
    )
    session.add(school_class)
    await session.commit()
    return school_class


async def classes_of(*, session: AsyncSession, teacher: Teacher) -> list[SchoolClass]:
    found = await session.scalars(
        select(SchoolClass).where(_shared_with(teacher)).order_by(SchoolClass.created_at)
    )
    return list(found)


async def find_class(*, session: AsyncSession, teacher: Teacher, class_id: str) -> SchoolClass:
    """The class, if this teacher shares it; ClassNotFound otherwise (whoever owns it)."""
    found = await session.scalar(
        select(SchoolClass).where(SchoolClass.id == class_id, _shared_with(teacher))
    )
    if found is None:
        raise ClassNotFound()
    return found


async def teaches(*, session: AsyncSession, teacher: Teacher, class_id: str | None) -> bool:
    """Whether the class exists and this teacher owns or shares it."""
    if class_id is None:
        return False
    found = await session.scalar(
        select(SchoolClass.id).where(SchoolClass.id == class_id, _shared_with(teacher))
    )
    return found is not None


async def sharers(*, session: AsyncSession, school_class: SchoolClass) -> list[Sharer]:
    """Who shares the class: the owner first, then co-teachers by email."""
    owner = await session.get_one(Teacher, school_class.owner_id)
    rows = await session.execute(
        select(CoTeacher.email, Teacher.name)
        .outerjoin(Teacher, Teacher.email == CoTeacher.email)
        .where(CoTeacher.class_id == school_class.id)
        .order_by(CoTeacher.email)
    )
    return [Sharer(owner.email, owner.name, True)] + [
        Sharer(email, name, False) for email, name in rows
    ]


async def update_class(
    *, session: AsyncSession, school_class: SchoolClass, data: ClassUpdate
) -> SchoolClass:
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(school_class, name, value)
    await session.commit()
    return school_class


def _owned(teacher: Teacher, school_class: SchoolClass) -> None:
    if school_class.owner_id != teacher.id:
        raise NotClassOwner("Only the teacher who created the class can do this.")


async def delete_class(
    *, session: AsyncSession, teacher: Teacher, school_class: SchoolClass
) -> None:
    _owned(teacher, school_class)
    await session.execute(delete(SchoolClass).where(SchoolClass.id == school_class.id))
    await session.commit()


async def share(
    *, session: AsyncSession, teacher: Teacher, school_class: SchoolClass, email: str
) -> None:
    _owned(teacher, school_class)
    shares = select(CoTeacher).where(
        CoTeacher.class_id == school_class.id, CoTeacher.email == email
    )
    if email == teacher.email or await session.scalar(shares) is not None:
        return  # hers already, or shared already
    session.add(CoTeacher(class_id=school_class.id, email=email))
    try:
        await session.commit()
    except IntegrityError:  # shared meanwhile by a request racing with this one
        await session.rollback()
        await session.refresh(school_class)


async def unshare(
    *, session: AsyncSession, teacher: Teacher, school_class: SchoolClass, email: str
) -> None:
    _owned(teacher, school_class)
    await session.execute(
        delete(CoTeacher).where(CoTeacher.class_id == school_class.id, CoTeacher.email == email)
    )
    await session.commit()
