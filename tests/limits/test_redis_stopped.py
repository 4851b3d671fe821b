"""Redis stopped under a running ``magicshelf serve``: answers go on, one line each way."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import redis

from magicshelf.books import codes
from magicshelf.limits.shared import REDIS_RETRY_SECONDS
from tests.redisserver import redis_server
from tests.served import served


def _timed_miss(http: httpx.Client) -> int:
    started = time.monotonic()
    status = http.get(f"/api/books/{codes.new_code()}").status_code
    assert time.monotonic() - started < 1  # never waiting on a Redis that is gone
    return status


def test_the_limits_survive_redis_stopping_and_share_again_when_it_is_back(
    tmp_path: Path,
) -> None:
    with redis_server() as store:
        env = {
            "MAGICSHELF_DATA_DIR": str(tmp_path),
            "MAGICSHELF_REDIS_URL": store.url,
            "MAGICSHELF_MISS_LIMIT": "3",
        }
        with served(env) as server, httpx.Client(base_url=server.url, timeout=10) as http:
            assert [_timed_miss(http) for _ in range(2)] == [404, 404]
            store.stop()
            # This process counts on its own now, from zero: three misses, then 429.
            assert [_timed_miss(http) for _ in range(4)] == [404, 404, 404, 429]
            assert all(_timed_miss(http) == 429 for _ in range(20))
            assert http.post("/api/books", json={"title": "x"}).status_code == 422

            store.start()  # empty: Redis kept nothing
            time.sleep(REDIS_RETRY_SECONDS + 0.5)
            http.get(f"/api/books/{codes.new_code()}")  # the request that finds Redis back
            with redis.Redis.from_url(store.url) as direct:
                (key,) = direct.keys("magicshelf:limit:misses:*")
                assert direct.zcard(key) == 1
    log = server.output.splitlines()
    assert len([line for line in log if "Redis is unreachable" in line]) == 1
    assert len([line for line in log if "Redis answers again" in line]) == 1
