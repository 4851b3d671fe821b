"""PostgreSQL stopped, then hung, under load: 503 problem+json fast, and back by itself."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from magicshelf import migrations
from magicshelf.settings import Settings
from tests.faults.shelf import (
    PROBLEM,
    Answer,
    MadeBook,
    audit,
    drawing_png,
    make_book,
    running,
    upload,
    wait_ready,
)
from tests.postgres import Cluster, postgres_cluster_handle
from tests.served import served

Step = Callable[[httpx.Client], tuple[str, httpx.Response]]


def _steps(books: list[MadeBook]) -> list[Step]:
    """Reads on the hot path (raw asyncpg pool), edits and creates on the ORM's."""

    def read(http: httpx.Client) -> tuple[str, httpx.Response]:
        return "read", http.get(f"/api/books/{books[0].code}")

    def edit(http: httpx.Client) -> tuple[str, httpx.Response]:
        page = {"text": f"Era uma vez, às {time.monotonic():.3f}."}
        return "edit", http.put(
            f"/api/books/{books[1].code}/pages/2", json=page, headers=books[1].auth
        )

    def create(http: httpx.Client) -> tuple[str, httpx.Response]:
        return "create", http.post("/api/books", json={"title": "T", "author": "A", "teacher": "P"})

    return [read, read, edit, create]


def _outage_answers_are_quick_503s(answers: list[Answer], within: float) -> None:
    assert {answer.status for answer in answers} <= {200, 201, 503}, answers
    unavailable = [answer for answer in answers if answer.status == 503]
    assert {answer.what for answer in unavailable} == {"read", "edit", "create"}, answers
    for answer in unavailable:
        assert answer.content_type == PROBLEM
        assert answer.problem_type == "/problems/service-unavailable"
        assert answer.retry_after == "5"
    slowest = max(answer.seconds for answer in answers)
    assert slowest < within, f"the slowest answer took {slowest:.2f} s"
    print(f"{len(answers)} answers during the outage, {len(unavailable)} of them 503, ", end="")
    print(f"the slowest in {slowest:.2f} s")


def _readyz(base: str) -> tuple[int, dict[str, object], float]:
    started = time.monotonic()
    response = httpx.get(f"{base}/readyz", timeout=30)
    return response.status_code, response.json(), time.monotonic() - started


def _through_an_outage(
    tmp_path: Path,
    cluster: Cluster,
    *,
    begin: Callable[[], None],
    end: Callable[[], None],
    timeout: float,
    within: float,
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=cluster.url)
    migrations.upgrade(settings)
    env = {
        "MAGICSHELF_DATA_DIR": str(tmp_path),
        "MAGICSHELF_DATABASE_URL": cluster.url,
        "MAGICSHELF_DATABASE_TIMEOUT_SECONDS": str(timeout),
        # The load creates a book every few milliseconds from one address: far past
        # the default 600 writes per 10 minutes, whose 429s are not what this tests.
        "MAGICSHELF_WRITE_LIMIT": "1000000",
    }
    with served(env) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        books = [make_book(http), make_book(http)]
        for number in (1, 2):
            assert upload(http, books[0], number, drawing_png(number)).status_code == 200
        with running(server.url, _steps(books)) as load:
            time.sleep(1.0)
            healthy = len(load.answers)
            begin()
            try:
                time.sleep(1.0 + 2 * timeout)
                status, body, seconds = _readyz(server.url)
                assert status == 503, body
                assert body["checks"] == {"database": "failed", "storage": "ok"}
                assert seconds < within
                time.sleep(1.0)
                outage = len(load.answers)
            finally:
                end()
            back_after = wait_ready(server.url, within=15)
            time.sleep(1.0)
            recovered = len(load.answers)
            time.sleep(1.0)
        assert load.failures == []
        assert all(answer.status in (200, 201) for answer in load.answers[:healthy])
        _outage_answers_are_quick_503s(load.answers[healthy:outage], within)
        # Stale pooled connections are gone by now: no restart, nothing but successes.
        after = load.answers[recovered:]
        assert after
        refused = [answer for answer in after if answer.status not in (200, 201)]
        assert http.get(f"/api/books/{books[0].code}").json()["pages"][0]["illustration"]
    assert refused == [], server.output[-4000:]
    assert "Traceback" not in server.output
    assert asyncio.run(audit(settings)) == []
    print(f"ready again {back_after:.2f} s after PostgreSQL returned")


def test_postgres_stopped_mid_load(tmp_path: Path) -> None:
    with postgres_cluster_handle() as cluster:
        _through_an_outage(
            tmp_path, cluster, begin=cluster.stop, end=cluster.start, timeout=2.0, within=2.0
        )


def test_postgres_hung_mid_load(tmp_path: Path) -> None:
    # Frozen, the server accepts connections and never answers: only the timeouts end a
    # request. A pool wait and a statement may add up, so they get half a second each.
    with postgres_cluster_handle() as cluster:
        _through_an_outage(
            tmp_path, cluster, begin=cluster.freeze, end=cluster.thaw, timeout=0.5, within=2.0
        )
