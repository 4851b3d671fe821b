"""Bulk-seed finished books (six pages, each with text, a drawing and a recording) into
PostgreSQL.

Rows are written as the app stores them (same tables, same columns, six page rows per
book, drawings and recordings as blob keys) but with binary COPY instead of the API, so a
million books take a minute, not hours. The drawings and the recording are made once, run
through the app's own pipelines and stored with its LocalStorage, and every seeded page
points at them (content-addressed blobs are shared like that in production too).
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints
from tests.voices import corpus

from bench import images
from magicshelf.books import codes
from magicshelf.books.models import AUDIO_COLUMNS, ILLUSTRATION_COLUMNS, PAGE_COUNT, Book
from magicshelf.books.present import etag
from magicshelf.illustrations.pipeline import process_image
from magicshelf.illustrations.storage import LocalStorage, key_for
from magicshelf.tokens import token_hash
from magicshelf.voices.pipeline import process_audio

# Every seeded book opens with this key, so upload scenarios can edit any of them.
EDIT_KEY = "bench-edit-key-not-secret-0123456789abcdefghijklmnopqrstuv"
BATCH_BOOKS = 50_000
SENTENCES = (
    "Era uma vez uma árvore que adorava música.",
    "Quando o vento soprava, ela balançava os galhos e dançava.",
    "Os passarinhos vieram ver o que estava acontecendo.",
    "O sabiá cantou, o bem-te-vi assobiou e a coruja bateu as asas.",
    "Logo a floresta inteira estava dançando junto com a árvore.",
    "E desde então, toda noite, há uma festa na floresta.",
    "A menina pegou o guarda-chuva amarelo e saiu correndo pela rua.",
    "Fim!",
)
BOOK_COLUMNS = (
    "id",
    "magic_code",
    "title",
    "author",
    "teacher",
    "school",
    "edit_key_hash",
    "revision",
    "created_at",
    "updated_at",
)
PAGE_COLUMNS = ("id", "book_id", "number", "text", *ILLUSTRATION_COLUMNS, *AUDIO_COLUMNS)


@dataclass(frozen=True)
class StoredDrawing:
    master_key: str
    web_key: str
    thumbnail_key: str
    width: int
    height: int
    content_type: str
    source_bytes: int


async def store_drawings(root: Path, *, width: int, height: int) -> list[StoredDrawing]:
    """Six drawings through the real pipeline into the real local storage."""
    storage = LocalStorage(root)
    stored = []
    with tempfile.TemporaryDirectory() as folder:
        for number in range(1, PAGE_COUNT + 1):
            path = Path(folder) / f"{number}.jpg"
            path.write_bytes(images.jpeg(images.drawing(width, height, seed=number)))
            out = await asyncio.to_thread(process_image, path, max_pixels=40_000_000)
            keys = []
            for rendition in (out.master, out.web, out.thumbnail):
                key = key_for(rendition.data, rendition.extension)
                await storage.put(key, rendition.data)
                keys.append(key)
            stored.append(
                StoredDrawing(
                    master_key=keys[0],
                    web_key=keys[1],
                    thumbnail_key=keys[2],
                    width=out.master.width,
                    height=out.master.height,
                    content_type=out.master.content_type,
                    source_bytes=path.stat().st_size,
                )
            )
    return stored


@dataclass(frozen=True)
class StoredRecording:
    key: str
    size: int  # bytes stored
    duration_ms: int


async def store_recording(root: Path, *, seconds: float) -> StoredRecording:
    """``seconds`` of speech (the tests' corpus) through the real pipeline into the storage."""
    voice = corpus.reading(seconds)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reading.wav"
        path.write_bytes(corpus.encode(voice, "wav"))
        out = await asyncio.to_thread(process_audio, path, max_seconds=int(seconds) + 60)
    key = key_for(out.data, "m4a")
    await LocalStorage(root).put(key, out.data)
    return StoredRecording(key, len(out.data), round(out.duration_seconds * 1000))


def unique_codes(count: int, rng: random.Random) -> list[str]:
    """Valid magic codes (check symbol included), drawn from a seeded generator."""
    found: set[str] = set()
    alphabet = codes.ALPHABET
    while len(found) < count:
        body = "".join(rng.choices(alphabet, k=codes.RANDOM_SYMBOLS))
        found.add(body + codes.check_symbol(body))
    return sorted(found, key=lambda _: rng.random())


def _page_text(rng: random.Random) -> str:
    return " ".join(rng.choices(SENTENCES, k=rng.randint(1, 4)))


@dataclass(frozen=True)
class Seeded:
    codes: list[str]
    seconds: float


async def seed_books(
    url: str,
    *,
    count: int,
    drawings: list[StoredDrawing],
    recording: StoredRecording | None = None,
    seed: int = 1,
) -> Seeded:
    """Replace all books with ``count`` seeded ones, in one transaction; timed end to end.

    Every page plays ``recording`` when one is given, else has none.
    """
    rng = random.Random(seed)
    started = time.perf_counter()
    all_codes = unique_codes(count, rng)
    now = datetime(2026, 11, 27, 13, 2, 31, 28270, tzinfo=UTC)
    key_hash = token_hash(EDIT_KEY)
    connection = await asyncpg.connect(url)
    try:
        async with connection.transaction():
            # TRUNCATE in the loading transaction lets wal_level=minimal skip WAL for COPY.
            await connection.execute("TRUNCATE books, pages RESTART IDENTITY CASCADE")
            for start in range(0, count, BATCH_BOOKS):
                batch = all_codes[start : start + BATCH_BOOKS]
                books, pages = _rows(batch, start, rng, now, key_hash, drawings, recording)
                await connection.copy_records_to_table("books", records=books, columns=BOOK_COLUMNS)
                await connection.copy_records_to_table("pages", records=pages, columns=PAGE_COLUMNS)
            await connection.execute(f"SELECT setval('books_id_seq', {count})")
            await connection.execute(f"SELECT setval('pages_id_seq', {count * PAGE_COUNT})")
        await connection.execute("VACUUM (ANALYZE) books, pages")
        seconds = time.perf_counter() - started
        # Untimed: VACUUM dirtied every page (visibility map, hint bits). Written now, they
        # cannot be written by a checkpoint in the middle of the reads measured next.
        await connection.execute("CHECKPOINT")
    finally:
        await connection.close()
    return Seeded(all_codes, seconds)


def _rows(
    batch: list[str],
    start: int,
    rng: random.Random,
    now: datetime,
    key_hash: str,
    drawings: list[StoredDrawing],
    recording: StoredRecording | None,
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    books: list[tuple[object, ...]] = []
    pages: list[tuple[object, ...]] = []
    for offset, code in enumerate(batch):
        book_id = start + offset + 1
        books.append(
            (
                book_id,
                code,
                f"O Livro Número {book_id}",
                "Maria Eduarda",
                "Professora Ana Lúcia",
                "EMEF Monteiro Lobato",
                key_hash,
                1,
                now,
                now,
            )
        )
        for number, art in enumerate(drawings, start=1):
            pages.append(
                (
                    (book_id - 1) * PAGE_COUNT + number,
                    book_id,
                    number,
                    _page_text(rng),
                    art.master_key,
                    art.web_key,
                    art.thumbnail_key,
                    art.width,
                    art.height,
                    art.content_type,
                    *((recording.key, recording.duration_ms) if recording else (None, None)),
                )
            )
    return books, pages


def write_paths(path: Path, seeded_codes: list[str], template: str) -> None:
    """One "path<TAB>ETag" line per book, for bench/lua/paths.lua."""
    with path.open("w") as out:
        for code in seeded_codes:
            # The app's own ETag function; it only reads the code and the revision.
            tag = etag(cast(Book, SimpleNamespace(magic_code=code, revision=1)))
            out.write(f"{template.format(code=codes.display(code))}\t{tag}\n")


async def database_bytes_per_book(url: str) -> tuple[int, int]:
    """(bytes of books + pages with their indexes and TOAST, number of books)."""
    connection = await asyncpg.connect(url)
    try:
        size = await connection.fetchval(
            "SELECT pg_total_relation_size('books') + pg_total_relation_size('pages')"
        )
        books = await connection.fetchval("SELECT count(*) FROM books")
    finally:
        await connection.close()
    return int(size), int(books)
