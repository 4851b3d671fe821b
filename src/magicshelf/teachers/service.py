"""What can be done with teacher accounts. Routes translate HTTP; these decide and query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from magicshelf.books.models import utcnow
from magicshelf.errors import EmailTaken, InvitationRequired, LinkNotValid, WrongCredentials
from magicshelf.settings import Settings
from magicshelf.teachers.models import Link, Teacher, TeacherSession
from magicshelf.teachers.passwords import hash_password, password_matches
from magicshelf.teachers.schemas import TeacherCreate
from magicshelf.tokens import new_token, token_hash

Purpose = Literal["invite", "reset"]


@dataclass(frozen=True)
class Opened:
    """A new session: the teacher, and the cookie value (shown once, stored as a digest)."""

    teacher: Teacher
    token: str
    expires_at: datetime


async def _open_session(session: AsyncSession, teacher: Teacher, settings: Settings) -> Opened:
    token = new_token()
    expires_at = utcnow() + timedelta(days=settings.session_days)
    session.add(
        TeacherSession(token_hash=token_hash(token), teacher_id=teacher.id, expires_at=expires_at)
    )
    await session.commit()
    return Opened(teacher, token, expires_at)


async def _usable_link(session: AsyncSession, token: str, purpose: Purpose) -> Link:
    link = await session.scalar(
        select(Link).where(Link.token_hash == token_hash(token), Link.purpose == purpose)
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise LinkNotValid()
    return link


async def _use(session: AsyncSession, link: Link) -> None:
    # Conditional, so two requests racing with one link cannot both use it.
    used = await session.execute(
        update(Link).where(Link.id == link.id, Link.used_at.is_(None)).values(used_at=utcnow())
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkNotValid()


# Any constant: the one advisory lock that orders first sign-ups in a PostgreSQL database.
_FIRST_SIGN_UP_LOCK = 0x6D61_6769_6373_6866


async def _nobody_signed_up(session: AsyncSession) -> bool:
    """True while the school has no teacher yet; then the caller is the only one deciding.

    Two replicas taking two first sign-ups at once would each count zero teachers and make
    two admins, the second without an invitation. On PostgreSQL the second waits here, until
    the first commits, and counts again; SQLite's transactions already run one at a time
    (``BEGIN IMMEDIATE``, db.py).
    """
    count = select(func.count()).select_from(Teacher)
    if await session.scalar(count):
        return False
    if session.get_bind().dialect.name != "postgresql":
        return True
    await session.execute(select(func.pg_advisory_xact_lock(_FIRST_SIGN_UP_LOCK)))
    return not await session.scalar(count)


async def sign_up(*, session: AsyncSession, data: TeacherCreate, settings: Settings) -> Opened:
    """Create a teacher (the first one may be the school's admin) and sign her in."""
    # Hashed before any query: no connection (on SQLite, no write lock) waits for it.
    password_hash = await hash_password(data.password)
    first = await _nobody_signed_up(session)
    free = settings.signup == "open" or (settings.signup == "first" and first)
    if data.invitation is not None:
        link = await _usable_link(session, data.invitation, "invite")
        if link.email != data.email:
            raise LinkNotValid()
        await _use(session, link)
    elif not free:
        raise InvitationRequired(
            "Ask the school's admin for an invitation link and sign up from it."
        )
    teacher = Teacher(
        name=data.name,
        email=data.email,
        password_hash=password_hash,
        is_admin=first,
    )
    session.add(teacher)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        raise EmailTaken() from None
    return await _open_session(session, teacher, settings)


async def sign_in(
    *, session: AsyncSession, email: str, password: str, settings: Settings
) -> Opened:
    teacher = await session.scalar(select(Teacher).where(Teacher.email == email))
    await session.commit()  # hold no connection while the password is checked
    stored = teacher.password_hash if teacher is not None else None
    if teacher is None or not await password_matches(stored, password):
        raise WrongCredentials()
    return await _open_session(session, teacher, settings)


async def signed_in(*, session: AsyncSession, token: str) -> Teacher | None:
    """The teacher whose unexpired session this cookie value is, if any."""
    return await session.scalar(
        select(Teacher)
        .join(TeacherSession, TeacherSession.teacher_id == Teacher.id)
        .where(TeacherSession.token_hash == token_hash(token), TeacherSession.expires_at > utcnow())
    )


async def sign_out(*, session: AsyncSession, token: str) -> None:
    await session.execute(
        delete(TeacherSession).where(TeacherSession.token_hash == token_hash(token))
    )
    await session.commit()


async def make_link(
    *, session: AsyncSession, email: str, purpose: Purpose, settings: Settings
) -> tuple[Link, str]:
    """A one-time link for this email; the token is returned once and stored as a digest."""
    token = new_token()
    link = Link(
        token_hash=token_hash(token),
        purpose=purpose,
        email=email,
        expires_at=utcnow() + timedelta(hours=settings.invitation_hours),
    )
    session.add(link)
    await session.commit()
    return link, token


async def reset_password(*, session: AsyncSession, token: str, password: str) -> None:
    """Set a new password from a reset link; every session of that teacher ends."""
    password_hash = await hash_password(password)
    link = await _usable_link(session, token, "reset")
    teacher = await session.scalar(select(Teacher).where(Teacher.email == link.email))
    if teacher is None:
        raise LinkNotValid()
    await _use(session, link)
    teacher.password_hash = password_hash
    await session.execute(delete(TeacherSession).where(TeacherSession.teacher_id == teacher.id))
    await session.commit()


def link_url(base: str, link: Link, token: str) -> str:
    return f"{base}/studio?{'invitation' if link.purpose == 'invite' else 'reset'}={token}"
