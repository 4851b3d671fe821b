"""Request ids: one per request, in ``X-Request-ID``, problem+json bodies and log lines.

A trusted proxy's id is kept, so one id follows a request from the load balancer's log
to ours; anyone else's is replaced, so a client cannot write into our logs or pass its
request off as another's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from contextvars import ContextVar

HEADER = b"x-request-id"
_SANE = re.compile(rb"[A-Za-z0-9._:-]{1,128}")

# The id of the request this task serves. Set once per request and never reset: the 500
# handler runs after the middleware has returned (Starlette's outermost layer), in the
# same task, and needs it still. Each request has a task, hence a context, of its own.
current: ContextVar[str | None] = ContextVar("request_id", default=None)


def new() -> str:
    """32 random hex digits: unique across replicas without any coordination."""
    return os.urandom(16).hex()


def forwarded(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The request's own ``X-Request-ID`` if it has one that is safe to log, else None."""
    for name, value in headers:
        if name == HEADER:
            return value.decode("ascii") if _SANE.fullmatch(value) else None
    return None
