"""Every error MagicShelf reports on purpose, and how each becomes RFC 9457 problem+json.

Hierarchy (status in brackets)::

    MagicShelfError
    ├── BadRequest [400]            malformed JSON and other unreadable requests
    │   └── InvalidCode [400]       wrong length, foreign symbol or failing check symbol
    ├── MissingEditKey [401]
    ├── WrongEditKey [403]
    ├── NotFound [404]
    │   ├── BookNotFound
    │   ├── PageNotFound
    │   └── MediaNotFound
    ├── PayloadTooLarge [413]       request body or upload over its limit
    ├── UnsupportedImage [415]      not PNG, JPEG or WebP (judged by the bytes)
    ├── InvalidInput [422]          fields that break a rule (carries per-field errors)
    ├── UnprocessableImage [422]    corrupt, truncated or too many pixels
    └── TooManyMisses [429]         too many unknown codes from one client

Routes raise these; ``install_problem_handlers`` is the one place that renders them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

log = logging.getLogger(__name__)
PROBLEM_MEDIA_TYPE = "application/problem+json"


class MagicShelfError(Exception):
    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Something went wrong on our side"

    def __init__(self, detail: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = dict(headers or {})

    def extra(self) -> dict[str, Any]:
        return {}


class BadRequest(MagicShelfError):
    status, slug, title = 400, "bad-request", "The request could not be read"


class InvalidCode(BadRequest):
    slug, title = "invalid-magic-code", "This is not a valid magic code"


class MissingEditKey(MagicShelfError):
    status, slug, title = 401, "edit-key-required", "An edit key is required"

    def __init__(self) -> None:
        super().__init__(
            "Send the book's edit key as 'Authorization: Bearer <edit_key>'.",
            headers={"WWW-Authenticate": 'Bearer realm="magicshelf"'},
        )


class WrongEditKey(MagicShelfError):
    status, slug, title = 403, "wrong-edit-key", "This edit key does not open this book"

    def __init__(self) -> None:
        super().__init__("Check the edit key you saved when the book was created.")


class NotFound(MagicShelfError):
    status, slug, title = 404, "not-found", "Not found"


class BookNotFound(NotFound):
    slug, title = "book-not-found", "No book has this magic code"

    def __init__(self) -> None:
        super().__init__("Check the code on the note from school and try again.")


class PageNotFound(NotFound):
    slug, title = "page-not-found", "A book has pages 1 to 6"


class MediaNotFound(NotFound):
    slug, title = "media-not-found", "No such image"


class PayloadTooLarge(MagicShelfError):
    status, slug, title = 413, "payload-too-large", "Too large"


class UnsupportedImage(MagicShelfError):
    status, slug, title = 415, "unsupported-image", "This file is not a PNG, JPEG or WebP image"


class InvalidInput(MagicShelfError):
    status, slug, title = 422, "invalid-input", "Some fields need fixing"

    def __init__(self, detail: str, errors: Sequence[Mapping[str, str]]) -> None:
        super().__init__(detail)
        self.errors = [dict(e) for e in errors]

    def extra(self) -> dict[str, Any]:
        return {"errors": self.errors}


class UnprocessableImage(MagicShelfError):
    status, slug, title = 422, "unprocessable-image", "This image cannot be used"


class TooManyMisses(MagicShelfError):
    status, slug, title = 429, "too-many-misses", "Too many unknown magic codes"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            f"Too many codes that do not exist were tried from here. "
            f"Please wait about {minutes} minute(s) and try again.",
            headers={"Retry-After": str(retry_after)},
        )


def problem_response(
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    body = {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail}
    body.update(extra or {})
    return Response(
        orjson.dumps(body), status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE
    )


def _field_name(loc: Sequence[str | int]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "path", "query", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _readable(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "is not valid"))
    return message.removeprefix("Value error, ")


def validation_problem(exc: RequestValidationError) -> MagicShelfError:
    """Turn FastAPI's validation errors into a BadRequest (unreadable JSON) or InvalidInput."""
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return BadRequest("The body is not valid JSON. Check quotes, commas and brackets.")
    fields = [{"field": _field_name(e.get("loc", ())), "message": _readable(e)} for e in errors]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return InvalidInput(summary, fields)


def render_problem(exc: MagicShelfError) -> Response:
    return problem_response(
        status=exc.status,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        headers=exc.headers,
        extra=exc.extra(),
    )


def install_problem_handlers(app: FastAPI) -> None:
    async def on_domain(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, MagicShelfError)
        return render_problem(exc)

    async def on_validation(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return render_problem(validation_problem(exc))

    async def on_http(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        titles = {404: "Nothing here", 405: "Method not allowed", 413: "Too large"}
        details = {
            404: "There is no such address. The API lives under /api; see /docs.",
            405: "This address does not accept that method; see /docs.",
        }
        return problem_response(
            status=exc.status_code,
            slug={404: "not-found", 413: "payload-too-large"}.get(
                exc.status_code, f"http-{exc.status_code}"
            ),
            title=titles.get(exc.status_code, "Request failed"),
            detail=details.get(exc.status_code, str(exc.detail)),
            headers=exc.headers,
        )

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return render_problem(
            MagicShelfError("We logged the problem. Please try again in a moment.")
        )

    app.add_exception_handler(MagicShelfError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)
