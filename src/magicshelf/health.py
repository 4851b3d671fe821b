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


async def _check(name: str, probe: Awaitable[None], within: float) -> str:
    try:
        async with asyncio.timeout(within):
            await probe
    except Exception as error:  # any failure means "not ready"; the reason goes to the log
        log.warning("readiness: %s failed: %r", name, error)
        return "failed"
    return "ok"


@router.get("/readyz", responses={503: {"description": "A dependency is not ready"}})
async def readyz(found: ResourcesDep) -> Response:
    """Ready for traffic: the database answers and the blob storage is reachable.

    Each probe gets the timeout its requests get, and both run at once: the answer comes
    within the longer of the two, so a hung dependency cannot hang the load balancer's probe.
    """
    settings = found.settings
    database, storage = await asyncio.gather(
        _check("database", found.database.ping(), settings.database_timeout_seconds),
        _check("storage", found.storage.check(), settings.storage_timeout_seconds),
    )
    checks = {"database": database, "storage": storage}
    ready = all(state == "ok" for state in checks.values())
    return JSON(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )
