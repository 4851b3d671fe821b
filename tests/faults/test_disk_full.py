"""The media disk full: uploads answer 507, nothing half-written stays, then work again."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from magicshelf.app import create_app
from tests.conftest import make_settings
from tests.faults.shelf import PROBLEM, audit, drawing_png
from tests.voices import corpus

NEW_BOOK = {"title": "O dragão azul", "author": "Ana", "teacher": "Profa. Rita"}
RECORDING = corpus.encode(corpus.reading(2), "webm")


@contextmanager
def small_disk(where: Path, size: str = "4m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``where`` (the tests run as root here; CI too)."""
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


def fill(disk: Path) -> Path:
    """Write one file until the disk has no room left; its removal frees the space."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as file:
        while (room := _free_bytes(disk)) > 0:
            file.write(b"\0" * min(room, 1 << 20))
    return filler


def _free_bytes(disk: Path) -> int:
    found = os.statvfs(disk)
    return found.f_bavail * found.f_frsize


async def test_full_media_disk(tmp_path: Path, database_url: str) -> None:
    with small_disk(tmp_path / "media") as media:
        settings = make_settings(tmp_path, database_url, storage_url=media.as_uri())
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                book = (await client.post("/api/books", json=NEW_BOOK)).json()
                auth = {"Authorization": f"Bearer {book['edit_key']}"}

                async def upload(number: int, seed: int) -> httpx.Response:
                    return await client.put(
                        f"/api/books/{book['magic_code']}/pages/{number}/illustration",
                        headers=auth,
                        files={"file": ("desenho.png", drawing_png(seed, 600), "image/png")},
                    )

                assert (await upload(1, seed=1)).status_code == 200
                filler = fill(media)
                full = await upload(2, seed=2)
                assert full.status_code == 507, full.text
                assert full.headers["content-type"] == PROBLEM
                assert full.json()["type"] == "/problems/storage-full"
                assert "The drawing was not saved" in full.json()["detail"]
                voice = await client.put(
                    f"/api/books/{book['magic_code']}/pages/2/audio",
                    headers=auth,
                    files={"file": ("voz.webm", RECORDING, "audio/webm")},
                )
                assert (voice.status_code, voice.json()["type"]) == (507, "/problems/storage-full")
                assert "The recording was not saved" in voice.json()["detail"]
                read = (await client.get(f"/api/books/{book['magic_code']}")).json()
                assert read["pages"][1]["illustration"] is None  # no row points anywhere new
                assert read["pages"][1]["audio"] is None
                assert await audit(settings) == []  # no .tmp- files, every row's blob whole

                filler.unlink()
                again = await upload(2, seed=2)
                assert again.status_code == 200, again.text
                assert (await client.get(again.json()["url"])).status_code == 200
        assert await audit(settings) == []


async def test_full_disk_under_the_upload_spool(tmp_path: Path, database_url: str) -> None:
    # Uploads arrive in MAGICSHELF_DATA_DIR/uploads before the drawing is stored anywhere.
    with small_disk(tmp_path / "uploads") as spools:
        settings = make_settings(tmp_path, database_url)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                book = (await client.post("/api/books", json=NEW_BOOK)).json()
                url = f"/api/books/{book['magic_code']}/pages/1/illustration"
                auth = {"Authorization": f"Bearer {book['edit_key']}"}
                drawing = {"file": ("desenho.png", drawing_png(3, 600), "image/png")}
                filler = fill(spools)
                full = await client.put(url, headers=auth, files=drawing)
                assert (full.status_code, full.json()["type"]) == (507, "/problems/storage-full")
                assert sorted(path.name for path in spools.iterdir()) == ["filler"]

                filler.unlink()
                again = await client.put(url, headers=auth, files=drawing)
                assert again.status_code == 200, again.text
                assert list(spools.iterdir()) == []
        assert await audit(settings) == []
