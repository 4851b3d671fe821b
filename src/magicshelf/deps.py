"""Request-scoped dependencies shared by the routers, as short ``Annotated`` aliases.

All are ``async def`` although none awaits: FastAPI runs a plain ``def`` dependency in its
thread pool, a hop that costs more than the lookup itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from magicshelf.errors import TooManyWrites
from magicshelf.resources import Resources, resources


async def get_resources(request: Request) -> Resources:
    return resources(request)


ResourcesDep = Annotated[Resources, Depends(get_resources)]


async def get_session(found: ResourcesDep) -> AsyncIterator[AsyncSession]:
    async with found.database.session() as session:
        yield session


async def client_address(request: Request) -> str:
    # Behind a trusted proxy, uvicorn has already put the forwarded address here.
    return request.client.host if request.client else "unknown"


SessionDep = Annotated[AsyncSession, Depends(get_session)]
ClientDep = Annotated[str, Depends(client_address)]


async def spend_write(found: ResourcesDep, client: ClientDep) -> None:
    """One create, upload or roster from this address, or 429 once its budget is spent.

    Counted as the request arrives, before it is validated or any work is done (an
    upload before its bytes are read): a replay of an Idempotency-Key counts too, so the
    check stays one step (a budget of hundreds leaves room for every retry a phone on a
    weak network makes).
    """
    wait = await found.writes.acquire(client)
    if wait is not None:
        raise TooManyWrites(wait)


# For a route's ``dependencies=[...]``: they run before its own parameters are checked.
WriteBudget = Depends(spend_write)
