"""Attaching a recording to a page, and letting go of it.

The same order as drawings (``illustrations.service``): the processed audio is stored
first under its content hash, then one UPDATE points the page at it, so an upload that
fails or is cut off at any step leaves the page as it was. A page's old recording is
garbage for ``magicshelf gc``, never deleted here.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from magicshelf.books.models import AUDIO_COLUMNS, Book, Page
from magicshelf.books.service import page_of, touch
from magicshelf.illustrations.storage import BlobStorage, key_for
from magicshelf.renderer import Renderer


async def add_recording(
    *,
    session: AsyncSession,
    storage: BlobStorage,
    book: Book,
    number: int,
    path: Path,
    max_seconds: int,
    renderer: Renderer,
) -> Page:
    """Process the recording at ``path`` (on a render slot), store it, point the page at it."""
    # PyAV and FFmpeg's libraries add ~17 MB to a worker: only those that take a recording
    # load them, so workers that serve families stay small.
    from magicshelf.voices.pipeline import process_audio

    recording = await renderer.run(process_audio, path, max_seconds=max_seconds)
    key = key_for(recording.data, "m4a")
    await storage.put(key, recording.data)
    page = page_of(book, number)
    page.audio_key = key
    # At least 1 ms: a stored recording always plays for some time (the CHECK holds to it).
    page.audio_duration_ms = max(1, round(recording.duration_seconds * 1000))
    await touch(session, book)
    await session.commit()
    return page


async def remove_recording(*, session: AsyncSession, book: Book, number: int) -> None:
    page = page_of(book, number)
    for column in AUDIO_COLUMNS:
        setattr(page, column, None)
    await touch(session, book)
    await session.commit()
