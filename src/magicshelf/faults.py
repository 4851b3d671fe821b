"""A database that stopped or hangs answers 503 problem+json, not 500, and is logged once.

The storage backends raise ``ServiceUnavailable`` and ``StorageFull`` themselves (they
know their own errors); database errors can surface from any query of any route, so they
are recognised here, by what they wrap (``db.connection_failure``), in the app's
exception handlers. Anything else re-raises to the 500 handler, traceback logged.
"""

from __future__ import annotations

import logging

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints
from fastapi import FastAPI, Request
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from magicshelf.db import connection_failure
from magicshelf.errors import ServiceUnavailable, render_problem
from magicshelf.logs import route_template

log = logging.getLogger(__name__)

# Every type a database outage arrives as: SQLAlchemy's wrappers on the ORM path,
# asyncpg's own errors and OSError (refused, timed out) on the raw read path.
_DATABASE_ERRORS = (SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError)


async def _on_database_error(request: Request, error: Exception) -> Response:
    failure = connection_failure(error)
    if failure is None:
        raise error  # a bug, not an outage: the 500 handler logs its traceback
    log.warning("503 on %s %s: %s", request.method, route_template(request.scope), failure)
    return render_problem(ServiceUnavailable("database"))


def install_fault_handlers(app: FastAPI) -> None:
    for kind in _DATABASE_ERRORS:
        app.add_exception_handler(kind, _on_database_error)
