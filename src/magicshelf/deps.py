"""Request-scoped dependencies shared by the routers, as short ``Annotated`` aliases.

All are ``async def`` although none awaits: FastAPI runs a plain ``def`` dependency in its
thread pool, a hop that costs more than the lookup itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, cast

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from magicshelf.db import Database
from magicshelf.illustrations.storage import BlobStorage
from magicshelf.settings import Settings


async def get_settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    database = cast(Database, request.app.state.database)
    async with database.session() as session:
        yield session


async def get_storage(request: Request) -> BlobStorage:
    return cast(BlobStorage, request.app.state.storage)


async def client_address(request: Request) -> str:
    # Behind a trusted proxy, uvicorn has already put the forwarded address here.
    return request.client.host if request.client else "unknown"


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
ClientDep = Annotated[str, Depends(client_address)]
StorageDep = Annotated[BlobStorage, Depends(get_storage)]
