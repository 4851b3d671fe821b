"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel

from magicshelf.deps import ResourcesDep
from magicshelf.http import JSON

log = logging.getLogger(__name__)
router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> Response:
    """The process is up and answering."""
    return JSON({"status": "ok"})


CheckState = Literal["ok", "failed"]


class Checks(BaseModel):
    database: CheckState
    storage: CheckState


class Readiness(BaseModel):
    """What /readyz found. Redis is not asked: without it the limits count per process
    (one warning in the log), which is no reason to take a replica out of service."""

    status: Literal["ok", "unavailable"]
    checks: Checks


async def _check(name: str, probe: Awaitable[None], within: float) -> CheckState:
    try:
        async with asyncio.timeout(within):
            await probe
    except Exception as error:  # any failure means "not ready"; the reason goes to the log
        log.warning("readiness: %s failed: %r", name, error)
        return "failed"
    return "ok"


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"description": "A dependency is not ready", "model": Readiness}},
)
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
    ready = database == storage == "ok"
    found_now = Readiness(
        status="ok" if ready else "unavailable",
        checks=Checks(database=database, storage=storage),
    )
    return JSON(found_now.model_dump(), status_code=200 if ready else 503)
