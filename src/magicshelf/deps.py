"""Request-scoped dependencies shared by the routers, as short ``Annotated`` aliases.

All are ``async def`` although none awaits: FastAPI runs a plain ``def`` dependency in its
thread pool, a hop that costs more than the lookup itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

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
