"""``magicshelf teacher invite|reset EMAIL``: the admin's links, from the server's shell."""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select

from magicshelf.resources import backends
from magicshelf.settings import Settings
from magicshelf.teachers import service
from magicshelf.teachers.models import Teacher
from magicshelf.teachers.schemas import Email

_EMAIL: TypeAdapter[str] = TypeAdapter(Email)


async def teacher_link(settings: Settings, *, email: str, purpose: service.Purpose) -> str:
    """A one-time link's URL; ValueError says in one line why there is none."""
    try:
        address = _EMAIL.validate_python(email)
    except ValidationError:
        raise ValueError(f"{email!r} is not an email address") from None
    base = settings.public_url or f"http://{settings.host}:{settings.port}"
    async with backends(settings) as (database, _), database.session() as session:
        exists = await session.scalar(select(Teacher.id).where(Teacher.email == address))
        if purpose == "reset" and exists is None:
            raise ValueError(f"no teacher has the email {address}")
        if purpose == "invite" and exists is not None:
            raise ValueError(f"{address} already has an account: 'magicshelf teacher reset'")
        link, token = await service.make_link(
            session=session, email=address, purpose=purpose, settings=settings
        )
    return service.link_url(base, link, token)
