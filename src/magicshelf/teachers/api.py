"""HTTP routes for teachers: sign-up, the session cookie, invitations and password resets.

The session is a cookie (``magicshelf_session``): 256 random bits, stored only as a
digest, ``HttpOnly``, ``SameSite=Lax``, ``Secure`` when ``MAGICSHELF_PUBLIC_URL`` is https,
expiring after ``MAGICSHELF_SESSION_DAYS``. Cross-site requests are refused on every
teacher endpoint that changes something (sign-in included, against login CSRF): an
``Origin`` other than the site's own (``MAGICSHELF_PUBLIC_URL``, else the request's own
scheme and host), or, without ``Origin``, ``Sec-Fetch-Site: cross-site``, gets 403.
Clients that are not browsers send neither and are not affected.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import APIKeyCookie

from magicshelf.deps import ClientDep, ResourcesDep, SessionDep
from magicshelf.errors import (
    BadRequest,
    CrossSiteRequest,
    EmailTaken,
    InvalidInput,
    InvitationRequired,
    LinkNotValid,
    NotAdmin,
    NotSignedIn,
    PayloadTooLarge,
    TooManyLogins,
    WrongCredentials,
    documented,
)
from magicshelf.http import JSON
from magicshelf.settings import Settings
from magicshelf.shapes import timestamp
from magicshelf.teachers import service
from magicshelf.teachers.models import Teacher
from magicshelf.teachers.schemas import (
    LinkCreate,
    LinkOut,
    PasswordReset,
    SessionCreate,
    TeacherCreate,
    TeacherOut,
)

SESSION_COOKIE = "magicshelf_session"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def own_origin(request: Request, settings: Settings) -> str:
    return settings.public_url or f"{request.url.scheme}://{request.headers.get('host', '')}"


async def same_site_only(request: Request, held: ResourcesDep) -> None:
    if request.method in _SAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin is not None:
        if origin != own_origin(request, held.settings):
            raise CrossSiteRequest()
    elif request.headers.get("sec-fetch-site") == "cross-site":
        raise CrossSiteRequest()


router = APIRouter(prefix="/api", tags=["teachers"], dependencies=[Depends(same_site_only)])
session_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="Set by POST /api/session"
)


async def current_teacher(
    session: SessionDep, token: Annotated[str | None, Depends(session_cookie)]
) -> Teacher:
    teacher = await service.signed_in(session=session, token=token) if token else None
    if teacher is None:
        raise NotSignedIn()
    return teacher


TeacherDep = Annotated[Teacher, Depends(current_teacher)]
_BODY = (BadRequest, PayloadTooLarge, InvalidInput, CrossSiteRequest)
_SIGNED_IN = (NotSignedIn, CrossSiteRequest)


def _teacher_json(teacher: Teacher) -> dict[str, object]:
    return {
        "id": teacher.id,
        "name": teacher.name,
        "email": teacher.email,
        "is_admin": teacher.is_admin,
    }


def _cookie_rules(settings: Settings) -> dict[str, Any]:
    """What setting and clearing the cookie share (a browser clears only a twin)."""
    secure = settings.public_url.startswith("https://")
    return {"path": "/", "secure": secure, "httponly": True, "samesite": "lax"}


def _signed_in(opened: service.Opened, settings: Settings, status_code: int) -> JSON:
    response = JSON(_teacher_json(opened.teacher), status_code=status_code)
    response.set_cookie(
        SESSION_COOKIE,
        opened.token,
        max_age=settings.session_days * 86400,
        expires=opened.expires_at,
        **_cookie_rules(settings),
    )
    return response


_sets_cookie = {
    "headers": {
        "Set-Cookie": {
            "description": f"{SESSION_COOKIE}: the session (HttpOnly, SameSite=Lax)",
            "schema": {"type": "string"},
        }
    }
}


@router.post(
    "/teachers",
    status_code=201,
    response_model=TeacherOut,
    responses={
        201: _sets_cookie,
        **documented(*_BODY, InvitationRequired, LinkNotValid, EmailTaken),
    },
)
async def sign_up(data: TeacherCreate, session: SessionDep, held: ResourcesDep) -> Response:
    """Create a teacher account and sign in. Whether an invitation is needed depends on
    MAGICSHELF_SIGNUP: the first account of a school is its admin."""
    opened = await service.sign_up(session=session, data=data, settings=held.settings)
    return _signed_in(opened, held.settings, 201)


@router.post(
    "/session",
    response_model=TeacherOut,
    responses={200: _sets_cookie, **documented(*_BODY, WrongCredentials, TooManyLogins)},
)
async def sign_in(
    data: SessionCreate, session: SessionDep, held: ResourcesDep, client: ClientDep
) -> Response:
    """Sign in: sets the session cookie. A wrong password and an unknown email get the
    same answer, after the same time."""
    wait = await held.logins.retry_after(data.email, client)
    if wait is not None:
        raise TooManyLogins(wait)
    try:
        opened = await service.sign_in(
            session=session, email=data.email, password=data.password, settings=held.settings
        )
    except WrongCredentials:
        await held.logins.record_failure(data.email, client)
        raise
    return _signed_in(opened, held.settings, 200)


@router.delete("/session", status_code=204, responses=documented(*_SIGNED_IN))
async def sign_out(
    teacher: TeacherDep,
    session: SessionDep,
    held: ResourcesDep,
    token: Annotated[str | None, Depends(session_cookie)],
) -> Response:
    """End this session (the cookie stops working everywhere)."""
    await service.sign_out(session=session, token=token or "")
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, **_cookie_rules(held.settings))
    return response


@router.get("/me", response_model=TeacherOut, responses=documented(NotSignedIn))
async def me(teacher: TeacherDep) -> Response:
    """Who is signed in."""
    return JSON(_teacher_json(teacher))


@router.post(
    "/invitations",
    status_code=201,
    response_model=LinkOut,
    responses=documented(*_SIGNED_IN, *_BODY, NotAdmin),
)
async def make_link(
    data: LinkCreate,
    teacher: TeacherDep,
    session: SessionDep,
    held: ResourcesDep,
    request: Request,
) -> Response:
    """A one-time link for a teacher: an invitation to sign up, or a password reset (a
    school server often sends no email, so the admin hands the link over)."""
    if not teacher.is_admin:
        raise NotAdmin("Ask the school's admin (the first teacher who signed up).")
    link, token = await service.make_link(
        session=session, email=data.email, purpose=data.purpose, settings=held.settings
    )
    url = service.link_url(own_origin(request, held.settings), link, token)
    body = {
        "purpose": link.purpose,
        "email": link.email,
        "url": url,
        "token": token,
        "expires_at": timestamp(link.expires_at),
    }
    return JSON(body, status_code=201)


@router.post("/password-resets", status_code=204, responses=documented(*_BODY, LinkNotValid))
async def reset_password(data: PasswordReset, session: SessionDep) -> Response:
    """Set a new password with a reset link's token. Every session of the teacher ends."""
    await service.reset_password(session=session, token=data.token, password=data.password)
    return Response(status_code=204)
