"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from fastapi import APIRouter, Response

from magicshelf.deps import ResourcesDep
from magicshelf.http import JSON

log = logging.getLogger(__name__)
router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> Response:
    """The process is up and answering."""
    return JSON({"status": "ok"})


async def _check(name: str, probe: Awaitable[None]) -> str:
    try:
        await asyncio.wait_for(probe, timeout=5)
    except Exception as error:  # any failure means "not ready"; the reason goes to the log
        log.warning("readiness: %s failed: %r", name, error)
        return "failed"
    return "ok"


@router.get("/readyz", responses={503: {"description": "A dependency is not ready"}})
async def readyz(found: ResourcesDep) -> Response:
    """Ready for traffic: the database answers and the blob storage is reachable."""
    checks = {
        "database": await _check("database", found.database.ping()),
        "storage": await _check("storage", found.storage.check()),
    }
    ready = all(state == "ok" for state in checks.values())
    return JSON(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )
