"""What every fault test needs: books made over HTTP, load in threads, and the shelf audit."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select

from magicshelf.books.models import Book, Page
from magicshelf.illustrations.storage import LocalStorage
from magicshelf.resources import backends
from magicshelf.settings import Settings
from tests.images import drawing, encode

NEW_BOOK = {"title": "O dragão azul", "author": "Ana", "teacher": "Profa. Rita"}
PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class MadeBook:
    code: str
    edit_key: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.edit_key}"}


def make_book(http: httpx.Client) -> MadeBook:
    created = http.post("/api/books", json=NEW_BOOK)
    assert created.status_code == 201, created.text
    return MadeBook(created.json()["magic_code"], created.json()["edit_key"])


def drawing_png(seed: int, size: int = 300) -> bytes:
    return encode(drawing(size, size, seed=seed), "PNG")


def upload(http: httpx.Client, book: MadeBook, number: int, content: bytes) -> httpx.Response:
    return http.put(
        f"/api/books/{book.code}/pages/{number}/illustration",
        headers=book.auth,
        files={"file": ("desenho.png", content, "image/png")},
    )


@dataclass(frozen=True)
class Answer:
    what: str  # which operation: "read", "edit", …
    status: int
    seconds: float
    content_type: str
    problem_type: str | None
    retry_after: str | None


@dataclass
class Load:
    """Requests in a loop on a few threads, each answer kept; exceptions are answers too."""

    answers: list[Answer] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def since(self, index: int) -> list[Answer]:
        return self.answers[index:]

    def _loop(self, base: str, step: Callable[[httpx.Client], tuple[str, httpx.Response]]) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            while not self._stop.is_set():
                started = time.monotonic()
                try:
                    what, response = step(http)
                except httpx.HTTPError as error:  # a hang or a cut connection: a finding
                    self.failures.append(f"{type(error).__name__}: {error}")
                    continue
                problem = response.json().get("type") if _is_problem(response) else None
                self.answers.append(
                    Answer(
                        what,
                        response.status_code,
                        time.monotonic() - started,
                        response.headers.get("content-type", ""),
                        problem,
                        response.headers.get("retry-after"),
                    )
                )
                time.sleep(0.01)


def _is_problem(response: httpx.Response) -> bool:
    return response.headers.get("content-type", "") == PROBLEM


@contextmanager
def running(
    base: str, steps: list[Callable[[httpx.Client], tuple[str, httpx.Response]]]
) -> Iterator[Load]:
    load = Load()
    threads = [threading.Thread(target=load._loop, args=(base, step)) for step in steps]
    for thread in threads:
        thread.start()
    try:
        yield load
    finally:
        load._stop.set()
        for thread in threads:
            thread.join(timeout=60)


def wait_ready(base: str, within: float) -> float:
    """Seconds until /readyz answers 200; fails after ``within``."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        try:
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"/readyz did not answer 200 within {within} s")


async def audit(settings: Settings) -> list[str]:
    """Everything wrong with the shelf: books without six pages, illustration rows whose
    blob is missing, blobs whose bytes are not the ones their key names (cut short), and
    half-written files in local storage."""
    wrong = []
    async with backends(settings) as (database, storage), database.session() as session:
        pages = func.count(Page.id)
        counted = await session.execute(
            select(Book.id, pages).outerjoin(Page, Page.book_id == Book.id).group_by(Book.id)
        )
        wrong += [f"book {book} has {n} pages" for book, n in counted if n != 6]
        columns = (Page.master_key, Page.web_key, Page.thumbnail_key)
        rows = await session.execute(select(*columns).where(Page.master_key.is_not(None)))
        referenced = {key for keys in rows for key in keys}
        stored = {info.key async for info in storage.list()}
        wrong += [f"a page points at {key}, which is not stored" for key in referenced - stored]
        for key in stored:
            blob = await storage.open(key)
            assert blob is not None
            data = b"".join([chunk async for chunk in blob.chunks])
            if hashlib.sha256(data).hexdigest() != key.split(".")[0]:
                wrong.append(f"{key} holds other bytes")
        if isinstance(storage, LocalStorage):
            wrong += [f"half-written {path}" for path in _temporaries(storage.root)]
    return wrong


def _temporaries(root: Path) -> list[Path]:
    return list(root.rglob(".tmp-*")) if root.exists() else []
