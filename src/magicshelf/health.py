"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import logging
from typing import cast

from fastapi import APIRouter, Request, Response

from magicshelf.db import Database
from magicshelf.http import JSON

log = logging.getLogger(__name__)
router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> Response:
    """The process is up and answering."""
    return JSON({"status": "ok"})


@router.get("/readyz", responses={503: {"description": "A dependency is not ready"}})
async def readyz(request: Request) -> Response:
    """Ready for traffic: the database answers."""
    checks: dict[str, str] = {}
    database = cast(Database, request.app.state.database)
    try:
        await database.ping()
        checks["database"] = "ok"
    except Exception as error:  # any failure means "not ready", and the reason is logged
        log.warning("readiness: database failed: %r", error)
        checks["database"] = "failed"
    ready = all(state == "ok" for state in checks.values())
    return JSON(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )
