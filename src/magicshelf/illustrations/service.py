"""Attaching drawings to pages, and collecting blobs nobody points at any more.

Order of writes is what keeps every row honest: blobs are stored first (content-addressed,
so a retry or a twin upload writes the same keys), and only then does one UPDATE point the
page at them. Blobs are never deleted when a page lets go of them; ``collect_garbage``
removes those that no row references once they are older than a grace period, which
protects uploads whose row is not committed yet. Recordings (``voices.service``) are
stored and collected by the same rules.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, union
from sqlalchemy.ext.asyncio import AsyncSession

from magicshelf.books.models import ILLUSTRATION_COLUMNS, Book, Page
from magicshelf.books.service import page_of, touch
from magicshelf.illustrations.pipeline import Renditions, process_image
from magicshelf.illustrations.storage import BlobStorage, key_for
from magicshelf.renderer import Renderer


async def store_renditions(storage: BlobStorage, renditions: Renditions) -> dict[str, str]:
    keys = {
        name: key_for(rendition.data, rendition.extension)
        for name, rendition in (
            ("master_key", renditions.master),
            ("web_key", renditions.web),
            ("thumbnail_key", renditions.thumbnail),
        )
    }
    await asyncio.gather(
        storage.put(keys["master_key"], renditions.master.data),
        storage.put(keys["web_key"], renditions.web.data),
        storage.put(keys["thumbnail_key"], renditions.thumbnail.data),
    )
    return keys


async def add_drawing(
    *,
    session: AsyncSession,
    storage: BlobStorage,
    book: Book,
    number: int,
    path: Path,
    max_pixels: int,
    renderer: Renderer,
) -> Page:
    """Render the drawing at ``path``, store its renditions, then point the page at them."""
    renditions = await renderer.run(process_image, path, max_pixels=max_pixels)
    keys = await store_renditions(storage, renditions)
    return await attach(session=session, book=book, number=number, keys=keys, renditions=renditions)


async def attach(
    *, session: AsyncSession, book: Book, number: int, keys: dict[str, str], renditions: Renditions
) -> Page:
    """Point the page at freshly stored renditions; the previous ones become garbage."""
    page = page_of(book, number)
    page.master_key = keys["master_key"]
    page.web_key = keys["web_key"]
    page.thumbnail_key = keys["thumbnail_key"]
    page.image_width = renditions.master.width
    page.image_height = renditions.master.height
    page.image_content_type = renditions.master.content_type
    await touch(session, book)
    await session.commit()
    return page


async def detach(*, session: AsyncSession, book: Book, number: int) -> None:
    page = page_of(book, number)
    for column in ILLUSTRATION_COLUMNS:
        setattr(page, column, None)
    await touch(session, book)
    await session.commit()


@dataclass(frozen=True)
class Collected:
    kept: int
    deleted: int
    freed_bytes: int
    unfinished: int = 0  # leftovers of writes cut short (a killed worker), removed


async def referenced_keys(session: AsyncSession) -> set[str]:
    query = union(
        select(Page.master_key).where(Page.master_key.is_not(None)),
        select(Page.web_key).where(Page.web_key.is_not(None)),
        select(Page.thumbnail_key).where(Page.thumbnail_key.is_not(None)),
        select(Page.audio_key).where(Page.audio_key.is_not(None)),
    )
    return set((await session.scalars(select(query.subquery().c[0]))).all())


async def collect_garbage(
    *, session: AsyncSession, storage: BlobStorage, grace: timedelta
) -> Collected:
    """Delete blobs no page references, and unfinished writes, older than ``grace``."""
    cutoff = datetime.now(UTC) - grace
    unfinished = await storage.remove_unfinished(older_than=cutoff)
    # Listed before the references are read: a blob stored after the listing is not a
    # candidate, and one referenced by then is kept.
    candidates = [info async for info in storage.list() if info.modified < cutoff]
    in_use = await referenced_keys(session)
    await session.commit()
    kept = deleted = freed = 0
    for info in candidates:
        if info.key in in_use:
            kept += 1
            continue
        await storage.delete(info.key)
        deleted += 1
        freed += info.size
    return Collected(kept=kept, deleted=deleted, freed_bytes=freed, unfinished=unfinished)
