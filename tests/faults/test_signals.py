"""SIGKILL during uploads, SIGTERM under load: what a restart, a deploy or the OOM killer does."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from magicshelf.settings import Settings
from tests.faults.shelf import MadeBook, audit, drawing_png, make_book, upload
from tests.served import Served, command, served

BOUNDARY = "desenho-boundary"


def _temporaries(media: Path) -> list[Path]:
    return list(media.rglob(".tmp-*")) if media.exists() else []


def _process(server: Served) -> subprocess.Popen[bytes]:
    assert server.process is not None
    return server.process


def test_sigkill_during_uploads_then_restart_and_gc(tmp_path: Path) -> None:
    env = {"MAGICSHELF_DATA_DIR": str(tmp_path)}
    media = tmp_path / "media"
    drawings = [drawing_png(seed, 1400) for seed in range(4)]
    uploaded = []
    with served(env) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        books = [make_book(http) for _ in range(3)]
        stop = threading.Event()

        def keep_uploading(book: MadeBook, offset: int) -> None:
            with httpx.Client(base_url=server.url, timeout=30) as mine:
                for number in itertools.cycle(range(1, 7)):
                    if stop.is_set():
                        return
                    try:
                        answer = upload(mine, book, number, drawings[(number + offset) % 4])
                    except httpx.HTTPError:
                        return  # the server is gone
                    uploaded.append(answer.status_code)

        threads = [
            threading.Thread(target=keep_uploading, args=(book, i)) for i, book in enumerate(books)
        ]
        for thread in threads:
            thread.start()
        # Kill at the worst moment seen: a blob being written (its temporary file exists).
        deadline = time.monotonic() + 20
        while not (uploaded and _temporaries(media)) and time.monotonic() < deadline:
            pass
        os.kill(_process(server).pid, signal.SIGKILL)
        caught_mid_write = bool(_temporaries(media))
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert server.returncode == -signal.SIGKILL
    assert 200 in uploaded
    spools = tmp_path / "uploads"
    if caught_mid_write:  # the drawing being stored was still spooled from its upload
        assert list(spools.glob("magicshelf-upload-*.part"))

    with served(env) as again, httpx.Client(base_url=again.url) as http:
        for book in books:
            assert http.get(f"/api/books/{book.code}").status_code == 200
        collected = command(env, "gc", "--grace", "0")
        assert collected.returncode == 0, collected.stderr
    if caught_mid_write:
        assert "unfinished write(s)" in collected.stdout
    assert _temporaries(media) == []
    assert list(spools.iterdir()) == []
    assert asyncio.run(audit(Settings(data_dir=tmp_path))) == []
    print(f"{len(uploaded)} uploads answered; killed mid-write: {caught_mid_write}")


def _slow_multipart(content: bytes, pieces: int, pause: float) -> Iterator[bytes]:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="desenho.png"\r\nContent-Type: image/png\r\n\r\n'
    ).encode()
    yield head
    size = len(content) // pieces + 1
    for start in range(0, len(content), size):
        time.sleep(pause)
        yield content[start : start + size]
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def _upload_slowly(
    base: str, book: MadeBook, seconds: float, answers: list[httpx.Response | Exception]
) -> None:
    pieces = 10
    body = _slow_multipart(drawing_png(7, 600), pieces, seconds / pieces)
    headers = {**book.auth, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    try:
        answers.append(
            httpx.put(
                f"{base}/api/books/{book.code}/pages/1/illustration",
                content=body,
                headers=headers,
                timeout=60,
            )
        )
    except httpx.HTTPError as error:
        answers.append(error)


def _sigterm_during_a_slow_upload(
    tmp_path: Path, shutdown_timeout: int, upload_seconds: float
) -> tuple[list[httpx.Response | Exception], float, int | None, Served]:
    env = {
        "MAGICSHELF_DATA_DIR": str(tmp_path),
        "MAGICSHELF_SHUTDOWN_TIMEOUT_SECONDS": str(shutdown_timeout),
    }
    answers: list[httpx.Response | Exception] = []
    with served(env) as server:
        with httpx.Client(base_url=server.url) as http:
            book = make_book(http)
        uploading = threading.Thread(
            target=_upload_slowly, args=(server.url, book, upload_seconds, answers)
        )
        uploading.start()
        time.sleep(0.5)  # the upload is in flight
        process = _process(server)
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        with pytest.raises(httpx.ConnectError):  # new connections: refused at once
            httpx.get(f"{server.url}/healthz", timeout=2)
        code = process.wait(timeout=shutdown_timeout + 10)
        exited_after = time.monotonic() - signalled
        uploading.join(timeout=60)
    return answers, exited_after, code, server


def test_sigterm_lets_an_upload_in_flight_finish(tmp_path: Path) -> None:
    answers, exited_after, code, server = _sigterm_during_a_slow_upload(
        tmp_path, shutdown_timeout=10, upload_seconds=2.0
    )
    [answer] = answers
    assert isinstance(answer, httpx.Response), answer
    assert answer.status_code == 200, answer.text
    assert answer.json()["url"].startswith("/media/")
    assert code == 0
    assert 1.0 < exited_after < 10  # waited for the upload, not for the timeout
    print(f"exited 0 {exited_after:.2f} s after SIGTERM, the upload answered 200")
    assert "Traceback" not in server.output


def test_sigterm_gives_up_on_requests_after_the_shutdown_timeout(tmp_path: Path) -> None:
    answers, exited_after, code, _ = _sigterm_during_a_slow_upload(
        tmp_path, shutdown_timeout=1, upload_seconds=8.0
    )
    assert code == 0
    assert exited_after < 1 + 2.0  # the timeout, then cancelling and closing
    print(f"exited 0 {exited_after:.2f} s after SIGTERM, giving up on the upload")
    [answer] = answers
    assert not (isinstance(answer, httpx.Response) and answer.status_code == 200)
