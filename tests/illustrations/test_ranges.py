"""/media answers byte ranges (RFC 9110 section 14), as Safari on iPhone needs to play audio.

Real range requests over HTTP to ``magicshelf serve``, once with the media folder on the
local disk and once in S3; blobs are put straight into the storage the server reads. Every
answer is checked against the served /openapi.json as well.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from magicshelf.illustrations.ranges import ByteRange, parse_range
from magicshelf.illustrations.storage import key_for, storage_from_url
from tests.contract.wire import Contract
from tests.s3server import REGION, S3Server
from tests.served import served

SMALL, LARGE = 100_000, 1_500_000  # whole in memory, and streamed (over 512 KB)
SAME_AS_GET = ("etag", "cache-control", "x-content-type-options", "accept-ranges", "content-type")


@dataclass(frozen=True)
class Shelf:
    http: httpx.Client
    storage_url: str

    def put(self, data: bytes) -> str:
        key = key_for(data, "m4a")
        asyncio.run(self._change(key, data))
        return f"/media/{key}"

    def delete(self, path: str) -> None:
        asyncio.run(self._change(path.removeprefix("/media/"), None))

    async def _change(self, key: str, data: bytes | None) -> None:
        storage = storage_from_url(self.storage_url)
        try:
            await (storage.delete(key) if data is None else storage.put(key, data))
        finally:
            await storage.close()


@pytest.fixture(scope="module", params=["local", "s3"])
def shelf(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Shelf]:
    root = tmp_path_factory.mktemp("ranges")
    env = {"MAGICSHELF_DATA_DIR": str(root)}
    if request.param == "local":
        storage_url = (root / "media").as_uri()
    else:
        s3: S3Server = request.getfixturevalue("s3_server")
        storage_url = f"s3://{s3.bucket}/{root.name}?endpoint={s3.endpoint}&region={REGION}"
        # The session's moto fixture has put fake credentials in this process's environment.
        env |= {key: value for key, value in os.environ.items() if key.startswith("AWS_")}
    with served({**env, "MAGICSHELF_STORAGE_URL": storage_url}) as server:
        contract = Contract(httpx.get(f"{server.url}/openapi.json").json())

        def check(response: httpx.Response) -> None:
            response.read()
            contract.check(response)

        hooks = {"response": [check]}
        with httpx.Client(base_url=server.url, timeout=30, event_hooks=hooks) as http:
            yield Shelf(http, storage_url)


@pytest.fixture(params=[SMALL, LARGE], ids=["small", "large"])
def data(request: pytest.FixtureRequest) -> bytes:
    """Fresh bytes for each test, so its first request finds nothing in the server's memory."""
    return os.urandom(request.param)


def _get(shelf: Shelf, path: str, **headers: str) -> httpx.Response:
    return shelf.http.get(path, headers=headers)


def _assert_whole(response: httpx.Response, data: bytes) -> None:
    assert response.status_code == 200
    assert response.headers["accept-ranges"] == "bytes"
    assert "content-range" not in response.headers
    assert int(response.headers["content-length"]) == len(data)
    assert response.content == data


def test_the_whole_file_says_it_takes_ranges(shelf: Shelf, data: bytes) -> None:
    path = shelf.put(data)

    response = _get(shelf, path)

    _assert_whole(response, data)
    assert response.headers["content-type"] == "audio/mp4"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    ("asked", "part"),
    [
        ("bytes=0-1", slice(0, 2)),  # Safari's first probe
        ("bytes=1000-4999", slice(1000, 5000)),
        ("bytes=5000-", slice(5000, None)),
        ("bytes=-700", slice(-700, None)),
        ("bytes=5000-99999999", slice(5000, None)),  # the end is clamped to the file's
        ("bytes=-99999999", slice(0, None)),
        ("Bytes=77-77", slice(77, 78)),
    ],
)
def test_a_range_is_answered_206_with_exactly_those_bytes(
    shelf: Shelf, data: bytes, asked: str, part: slice
) -> None:
    path = shelf.put(data)
    whole = _get(shelf, path)

    response = _get(shelf, path, Range=asked)

    first, stop, _ = part.indices(len(data))
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes {first}-{stop - 1}/{len(data)}"
    assert int(response.headers["content-length"]) == stop - first
    assert response.content == data[part]
    assert {name: response.headers[name] for name in SAME_AS_GET} == {
        name: whole.headers[name] for name in SAME_AS_GET
    }


def test_the_last_byte_alone(shelf: Shelf, data: bytes) -> None:
    path = shelf.put(data)

    response = _get(shelf, path, Range=f"bytes={len(data) - 1}-")

    assert response.status_code == 206
    assert response.content == data[-1:]


@pytest.mark.parametrize(
    "asked", ["bytes={size}-", "bytes={size}-{size}", "bytes=-0", "bytes=" + "9" * 30 + "-"]
)
def test_a_range_past_the_end_is_416_with_the_size(shelf: Shelf, data: bytes, asked: str) -> None:
    path = shelf.put(data)

    response = _get(shelf, path, Range=asked.format(size=len(data)))

    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(data)}"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/range-not-satisfiable"
    assert str(len(data)) in response.json()["detail"]


@pytest.mark.parametrize(
    "asked",
    [
        "bytes=0-1,5-9",
        "bytes=0-1, 3-4",
        "items=0-1",
        "bytes=9-5",
        "bytes=abc",
        "bytes=-",
        "bytes 0-1",
        "0-1",
        "",
    ],
)
def test_a_range_that_cannot_be_used_gets_the_whole_file(
    shelf: Shelf, data: bytes, asked: str
) -> None:
    path = shelf.put(data)

    _assert_whole(_get(shelf, path, Range=asked), data)


def test_if_range_keeps_the_range_only_for_the_same_etag(shelf: Shelf, data: bytes) -> None:
    path = shelf.put(data)
    etag = _get(shelf, path).headers["etag"]

    kept = _get(shelf, path, Range="bytes=10-19", **{"If-Range": etag})
    assert (kept.status_code, kept.content) == (206, data[10:20])
    for stale in ('"0123abcd"', f"W/{etag}", "Wed, 02 Dec 2026 10:00:00 GMT"):
        _assert_whole(_get(shelf, path, Range="bytes=10-19", **{"If-Range": stale}), data)


def test_if_none_match_comes_first(shelf: Shelf, data: bytes) -> None:
    path = shelf.put(data)
    etag = _get(shelf, path).headers["etag"]

    response = _get(shelf, path, Range="bytes=0-1", **{"If-None-Match": etag})

    assert (response.status_code, response.content) == (304, b"")


def test_head_tells_what_get_would_send_without_the_bytes(shelf: Shelf, data: bytes) -> None:
    path = shelf.put(data)

    # First while nothing of the file is in memory, then once a GET has read it.
    for _ in range(2):
        head = shelf.http.head(path)
        assert (head.status_code, head.content) == (200, b"")
        assert int(head.headers["content-length"]) == len(data)
        part = shelf.http.head(path, headers={"Range": "bytes=10-"})
        assert (part.status_code, part.content) == (206, b"")
        assert part.headers["content-range"] == f"bytes 10-{len(data) - 1}/{len(data)}"
        assert int(part.headers["content-length"]) == len(data) - 10
        whole = _get(shelf, path)
        for answer in (head, part):
            assert {name: answer.headers[name] for name in SAME_AS_GET} == {
                name: whole.headers[name] for name in SAME_AS_GET
            }
    past = shelf.http.head(path, headers={"Range": f"bytes={len(data)}-"})
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{len(data)}"


def test_head_of_a_missing_file_is_404(shelf: Shelf) -> None:
    response = shelf.http.head("/media/" + key_for(b"never stored", "m4a"))

    assert (response.status_code, response.content) == (404, b"")


def test_a_small_file_answers_its_ranges_from_memory(shelf: Shelf) -> None:
    small, large = os.urandom(SMALL), os.urandom(LARGE)
    small_path, large_path = shelf.put(small), shelf.put(large)
    assert _get(shelf, small_path, Range="bytes=0-1").content == small[:2]
    assert _get(shelf, large_path, Range="bytes=0-1").content == large[:2]

    # Gone from the storage: the large file with it, the small one still in memory.
    shelf.delete(small_path)
    shelf.delete(large_path)

    assert _get(shelf, large_path, Range="bytes=0-1").status_code == 404
    part = _get(shelf, small_path, Range="bytes=5000-5099")
    assert (part.status_code, part.content) == (206, small[5000:5100])
    assert part.headers["content-range"] == f"bytes 5000-5099/{SMALL}"
    assert _get(shelf, small_path, Range=f"bytes={SMALL}-").status_code == 416
    assert int(shelf.http.head(small_path).headers["content-length"]) == SMALL
    _assert_whole(_get(shelf, small_path), small)


@pytest.mark.parametrize(
    ("header", "size", "span"),
    [
        ("bytes=0-0", 0, None),  # an empty file has no bytes to ask for
        ("bytes=-5", 0, None),
        ("bytes=-5", 3, range(0, 3)),
        ("bytes=" + "0" * 40 + "2-3", 10, range(2, 4)),  # leading zeros are still numbers
    ],
)
def test_positions_within_a_file(header: str, size: int, span: range | None) -> None:
    asked = parse_range(header)
    assert isinstance(asked, ByteRange)
    assert asked.within(size) == span
