"""Every error MagicShelf reports on purpose, and how each becomes RFC 9457 problem+json.

Hierarchy (status in brackets)::

    MagicShelfError
    ├── BadRequest [400]            malformed JSON and other unreadable requests
    │   └── InvalidCode [400]       wrong length, foreign symbol or failing check symbol
    ├── MissingEditKey [401]
    ├── NotSignedIn [401]           no valid session cookie on a teacher endpoint
    ├── WrongCredentials [401]      email or password wrong (the same answer for both)
    ├── WrongEditKey [403]
    ├── CrossSiteRequest [403]      a teacher request whose Origin is another site
    ├── NotAdmin [403]              only the school's admin may do this
    ├── NotClassOwner [403]         only the class's own teacher may do this
    ├── InvitationRequired [403]    sign-up needs a valid invitation (MAGICSHELF_SIGNUP)
    ├── LinkNotValid [403]          unknown, used, expired or someone else's one-time link
    ├── NotFound [404]              no such address
    │   ├── BookNotFound
    │   ├── BookNotPublished        a draft: not counted as a miss, seen by its editors only
    │   ├── PageNotFound
    │   ├── MediaNotFound
    │   └── ClassNotFound           also a class the teacher does not share
    ├── MethodNotAllowed [405]      the address exists, the method does not (Allow says which)
    ├── EmailTaken [409]            a teacher already has this email
    ├── IdempotencyKeyReused [409]  an Idempotency-Key sent again with another request
    ├── NothingToPrint [409]        a class without books (slips) or published books (PDF)
    ├── PayloadTooLarge [413]       request body or upload over its limit
    ├── UnsupportedImage [415]      not PNG, JPEG or WebP (judged by the bytes)
    ├── UnsupportedMediaType [415]  a body of a type the operation does not take
    ├── RangeNotSatisfiable [416]   a byte range that starts past the end of a media file
    ├── InvalidInput [422]          fields that break a rule (carries per-field errors)
    ├── UnprocessableImage [422]    corrupt, truncated or too many pixels
    ├── TooManyMisses [429]         too many unknown codes from one client
    ├── TooManyLogins [429]         too many failed sign-ins for an account or an address
    ├── TooManyWrites [429]         too many creates, uploads and rosters from one address
    ├── ServiceUnavailable [503]    the database or the blob storage cannot be reached in time
    └── StorageFull [507]           no space left where the drawings are stored

Each class is the one definition of its problem: status, type and title. Routes raise
these; Starlette's own HTTP errors (unknown address, wrong method, a body cut off at its
limit) are turned into them; ``install_problem_handlers`` is the one place that renders.
Field errors carry a stable ``code`` from ``FIELD_ERROR_CODES`` for programs, and an
English ``message`` for people.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute, Match

from magicshelf import request_ids
from magicshelf.logs import route_template

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


class NotSignedIn(MagicShelfError):
    status, slug, title = 401, "sign-in-required", "Please sign in"
    detail_text: ClassVar[str] = (
        "Sign in with POST /api/session; the session cookie it sets does the rest."
    )

    def __init__(self) -> None:
        challenge = {"WWW-Authenticate": 'Cookie realm="magicshelf"'}
        super().__init__(self.detail_text, headers=challenge)


class WrongCredentials(NotSignedIn):
    slug, title = "wrong-credentials", "Wrong email or password"
    detail_text = (
        "Check the email and the password. A forgotten password can be reset by the school's admin."
    )


class CrossSiteRequest(MagicShelfError):
    status, slug, title = 403, "cross-site-request", "This request came from another site"

    def __init__(self) -> None:
        super().__init__("Teacher requests are only taken from MagicShelf's own pages.")


class NotAdmin(MagicShelfError):
    status, slug, title = 403, "admin-only", "Only the school's admin can do this"


class NotClassOwner(MagicShelfError):
    status, slug, title = 403, "class-owner-only", "Only the class's own teacher can do this"


class InvitationRequired(MagicShelfError):
    status, slug, title = 403, "invitation-required", "Sign-up needs an invitation"


class LinkNotValid(MagicShelfError):
    status, slug, title = 403, "link-not-valid", "This link does not work"

    def __init__(self) -> None:
        super().__init__(
            "The link is unknown, already used, expired, or for another email. Ask the "
            "school's admin for a new one."
        )


class EmailTaken(MagicShelfError):
    status, slug, title = 409, "email-taken", "A teacher already has this email"

    def __init__(self) -> None:
        super().__init__("Sign in instead, or ask the school's admin to reset the password.")


class NothingToPrint(MagicShelfError):
    status, slug, title = 409, "nothing-to-print", "There is nothing to print yet"


class WrongEditKey(MagicShelfError):
    status, slug, title = 403, "wrong-edit-key", "This edit key does not open this book"

    def __init__(self) -> None:
        super().__init__("Check the edit key you saved when the book was created.")


class NotFound(MagicShelfError):
    status, slug, title = 404, "not-found", "Nothing here"


class BookNotFound(NotFound):
    slug, title = "book-not-found", "No book has this magic code"

    def __init__(self) -> None:
        super().__init__("Check the code on the note from school and try again.")


class BookNotPublished(NotFound):
    # Not a BookNotFound: the code is right, so it must not count as a guess.
    slug, title = "book-not-published", "This book is still being written"

    def __init__(self) -> None:
        super().__init__("The code is right: come back when the teacher has published it.")


class PageNotFound(NotFound):
    slug, title = "page-not-found", "A book has pages 1 to 6"


class MediaNotFound(NotFound):
    slug, title = "media-not-found", "No such image"


class ClassNotFound(NotFound):
    slug, title = "class-not-found", "No such class"

    def __init__(self) -> None:
        super().__init__("There is no class with this id among yours.")


class MethodNotAllowed(MagicShelfError):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"


class IdempotencyKeyReused(MagicShelfError):
    status, slug, title = (
        409,
        "idempotency-key-reused",
        "This Idempotency-Key was used for another request",
    )

    def __init__(self) -> None:
        super().__init__(
            "An Idempotency-Key stands for one request: send a new key with a new request."
        )


class PayloadTooLarge(MagicShelfError):
    status, slug, title = 413, "payload-too-large", "Too large"

    @classmethod
    def over(cls, limit: int, what: str, advice: str) -> PayloadTooLarge:
        size = f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit // 1000} KB"
        return cls(f"{what} is larger than {size}. {advice}".strip())


class UnsupportedImage(MagicShelfError):
    status, slug, title = 415, "unsupported-image", "This file is not a PNG, JPEG or WebP image"


class UnsupportedAudio(MagicShelfError):
    status, slug, title = (
        415,
        "unsupported-audio",
        "This file is not a WebM, MP4, Ogg, MP3 or WAV recording",
    )


class UnsupportedMediaType(MagicShelfError):
    status, slug, title = 415, "unsupported-media-type", "This kind of body is not taken here"


# What ``errors[].code`` can say; the README lists them with their parameters.
FIELD_ERROR_CODES = {
    "required": "the field is missing",
    "empty": "the text is empty or only spaces",
    "too_short": "the text has fewer than `limit` characters (`actual`)",
    "too_long": "the text has more than `limit` characters (`actual`)",
    "too_many": "the list has more than `limit` entries (`actual`)",
    "control_characters": "the text has control characters (page texts may break lines)",
    "invalid_characters": "the text has a character the field does not take (`found`, if any)",
    "wrong_encoding": "a file is not text in an encoding MagicShelf reads",
    "cannot_remove": "a required field was sent as null",
    "duplicate": "the same `value` appears twice where each must be unique",
    "out_of_range": "the number is below `min` or above `max`",
    "wrong_type": "the value is not of the `expected` JSON type",
    "unknown_field": "the field is not part of this request",
    "invalid": "any other broken rule (the message says which)",
}


@dataclasses.dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    code: str
    message: str
    params: Mapping[str, int | str] = dataclasses.field(default_factory=dict)

    def json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "code": self.code,
            "message": self.message,
            "params": dict(self.params),
        }


class RangeNotSatisfiable(MagicShelfError):
    status, slug, title = 416, "range-not-satisfiable", "This part of the file does not exist"

    def __init__(self, size: int) -> None:
        super().__init__(
            f"The file has {size} bytes; the range asked for starts past its end.",
            headers={"Content-Range": f"bytes */{size}"},
        )


class InvalidInput(MagicShelfError):
    status, slug, title = 422, "invalid-input", "Some fields need fixing"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = list(errors)

    def extra(self) -> dict[str, Any]:
        return {"errors": [e.json() for e in self.errors]}


class UnprocessableImage(MagicShelfError):
    status, slug, title = 422, "unprocessable-image", "This image cannot be used"


class UnprocessableAudio(MagicShelfError):
    status, slug, title = 422, "unprocessable-audio", "This recording cannot be used"


class RecordingTooLong(MagicShelfError):
    status, slug, title = 422, "recording-too-long", "This recording is too long"

    def __init__(self, limit_seconds: int) -> None:
        minutes, seconds = divmod(limit_seconds, 60)
        parts = (f"{minutes} min" if minutes else "", f"{seconds} s" if seconds else "")
        limit = " ".join(filter(None, parts))
        super().__init__(
            f"A page's recording can last up to {limit}. Record the page again, shorter, "
            "or cut the file before sending it."
        )


def _header(description: str, kind: str = "string") -> dict[str, Any]:
    return {"description": description, "required": True, "schema": {"type": kind}}


_PROBLEM_HEADERS = {
    401: {"WWW-Authenticate": _header("Bearer (the edit key) or Cookie (a teacher's session)")},
    416: {"Content-Range": _header("bytes */<size>: how many bytes the file has")},
    429: {"Retry-After": _header("Seconds to wait before trying again", "integer")},
    503: {"Retry-After": _header("Seconds to wait before trying again", "integer")},
}


class _Throttled(MagicShelfError):
    status = 429
    what: ClassVar[str]

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            f"{self.what} Please wait about {minutes} minute(s) and try again.",
            headers={"Retry-After": str(retry_after)},
        )


class TooManyMisses(_Throttled):
    slug, title = "too-many-misses", "Too many unknown magic codes"
    what = "Too many codes that do not exist were tried from here."


class TooManyLogins(_Throttled):
    slug, title = "too-many-logins", "Too many failed sign-ins"
    what = "Too many wrong passwords."


class TooManyWrites(_Throttled):
    slug, title = "too-many-writes", "Too many changes from here"
    what = "Too many books, classes, rosters or drawings were sent from here."


# What a 503 asks clients to wait: an outage that lasts longer is retried as often.
RETRY_AFTER_SECONDS = 5


class ServiceUnavailable(MagicShelfError):
    """A dependency (database, blob storage) failed or did not answer in time.

    The detail names which, never how: no host names, URLs or driver messages.
    """

    status, slug, title = 503, "service-unavailable", "MagicShelf is unavailable for a moment"

    def __init__(self, what: str) -> None:
        super().__init__(
            f"The {what} did not answer in time. Please try again in a few seconds.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


class StorageFull(MagicShelfError):
    status, slug, title = 507, "storage-full", "There is no room left on the server"

    def __init__(self, what: str = "file") -> None:
        super().__init__(
            f"The {what} was not saved because the server's storage is full. The school's "
            f"operator has to free some space; then send the {what} again."
        )


class FieldErrorOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(description="Where: a field name, dotted for nested ones (pages.0.text)")
    code: str = Field(
        description="Stable for programs", json_schema_extra={"enum": [*FIELD_ERROR_CODES]}
    )
    message: str = Field(description="What to fix, in English")
    params: dict[str, int | str] = Field(description="The code's values, e.g. limit and actual")


class Problem(BaseModel):
    """An error as RFC 9457 problem+json."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="/problems/<slug>: stable, one per kind of problem")
    title: str
    status: int
    detail: str = Field(description="What happened and what to do, for people")
    errors: list[FieldErrorOut] | None = Field(
        default=None, description="Only for invalid-input: one entry per field to fix"
    )
    request_id: str | None = Field(
        default=None,
        description="The request's X-Request-ID, as in the server's logs: quote it when "
        "reporting a problem",
    )


ProblemClass = type[MagicShelfError]


def documented(*problems: ProblemClass) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these problems, from their own definitions."""
    titles: dict[int, list[str]] = {}
    for problem in problems:
        titles.setdefault(problem.status, []).append(problem.title)
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        status: {
            "description": "; ".join(names),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}},
            **({"headers": _PROBLEM_HEADERS[status]} if status in _PROBLEM_HEADERS else {}),
        }
        for status, names in sorted(titles.items())
    }


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
    if (request_id := request_ids.current.get()) is not None:
        body["request_id"] = request_id
    return Response(
        orjson.dumps(body), status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE
    )


def _field_name(loc: Sequence[str | int]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "path", "query", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


# Pydantic's own error types, as our codes (custom validators raise ours directly).
_EXPECTED_TYPE = {
    "string_type": "string",
    "int_type": "integer",
    "int_from_float": "integer",
    "bool_type": "boolean",
    "list_type": "array",
    "dict_type": "object",
    "model_type": "object",
    "model_attributes_type": "object",
}
_RANGE = {"greater_than_equal": ("ge", "min"), "less_than_equal": ("le", "max")}
_LENGTH = {
    "string_too_short": ("too_short", "min_length"),
    "string_too_long": ("too_long", "max_length"),
}


def _field_error(error: Mapping[str, Any]) -> FieldError:
    kind = str(error.get("type", ""))
    context: Mapping[str, Any] = error.get("ctx") or {}
    name = _field_name(error.get("loc", ()))
    message = str(error.get("msg", "is not valid"))
    if kind == "too_long" and "max_length" in context:  # a list with too many entries
        limit, actual = int(context["max_length"]), int(context["actual_length"])
        text = f"must have at most {limit} entries (it has {actual})"
        return FieldError(name, "too_many", text, {"limit": limit, "actual": actual})
    if kind in _LENGTH:  # pydantic's own string limits (passwords)
        limit, actual = int(context[_LENGTH[kind][1]]), len(str(error.get("input", "")))
        return FieldError(name, _LENGTH[kind][0], message, {"limit": limit, "actual": actual})
    if kind in FIELD_ERROR_CODES:
        params = {k: v for k, v in context.items() if isinstance(v, int | str)}
        return FieldError(name, kind, message, params)
    if kind == "missing":
        return FieldError(name, "required", "is required")
    if kind == "extra_forbidden":
        return FieldError(name, "unknown_field", "is not a field of this request")
    if kind in _EXPECTED_TYPE:
        expected = _EXPECTED_TYPE[kind]
        return FieldError(name, "wrong_type", f"must be of type {expected}", {"expected": expected})
    if kind in _RANGE:
        source, param = _RANGE[kind]
        return FieldError(name, "out_of_range", message, {param: int(context[source])})
    return FieldError(name, "invalid", message.removeprefix("Value error, "))


def validation_problem(exc: RequestValidationError) -> MagicShelfError:
    """Turn FastAPI's validation errors into a BadRequest (unreadable JSON) or InvalidInput."""
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return BadRequest("The body is not valid JSON. Check quotes, commas and brackets.")
    return InvalidInput([_field_error(e) for e in errors])


def render_problem(exc: MagicShelfError) -> Response:
    return problem_response(
        status=exc.status,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        headers=exc.headers,
        extra=exc.extra(),
    )


def _leaf_routes(routes: Iterable[BaseRoute]) -> Iterator[Any]:
    for route in routes:
        # FastAPI keeps an included router's routes behind it, as contexts that match alike.
        contexts = getattr(route, "effective_route_contexts", None)
        yield from (contexts() if contexts is not None else [route])


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of this app takes at the request's address."""
    scope = {**request.scope, "method": ""}  # any method: a path match is a partial match
    methods: set[str] = set()
    for route in _leaf_routes(request.app.routes):
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    if "GET" in methods:
        methods.add("HEAD")  # http.HeadAsGet answers HEAD wherever GET is answered
    return sorted(methods)


def _from_http(request: Request, exc: StarletteHTTPException) -> MagicShelfError:
    """Starlette's HTTP errors (routing, body limits, unreadable bodies) as our problems.

    Nothing else raises them: our own code raises MagicShelfError.
    """
    if exc.status_code == 404:
        return NotFound("There is no such address. The API lives under /api; see /docs.")
    if exc.status_code == 405:
        allow = ", ".join(allowed_methods(request))
        return MethodNotAllowed(
            f"This address accepts {allow}; see /docs.", headers={"Allow": allow}
        )
    if exc.status_code == 413:
        return PayloadTooLarge(str(exc.detail))
    return BadRequest(str(exc.detail), headers=exc.headers)


def install_problem_handlers(app: FastAPI) -> None:
    async def on_domain(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, MagicShelfError)
        return render_problem(exc)

    async def on_validation(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return render_problem(validation_problem(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return render_problem(_from_http(request, exc))

    async def on_crash(request: Request, exc: Exception) -> Response:
        # The route template, not the path (paths hold magic codes); the traceback stays
        # in the log, the request id in both ties them together.
        route = route_template(request.scope)
        log.exception("unhandled error on %s %s", request.method, route, exc_info=exc)
        problem = MagicShelfError("We logged the problem. Please try again in a moment.")
        # Starlette answers this one outside every middleware, request_log's included.
        if (request_id := request_ids.current.get()) is not None:
            problem.headers["X-Request-ID"] = request_id
        return render_problem(problem)

    app.add_exception_handler(MagicShelfError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)
