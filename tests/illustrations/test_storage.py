"""One contract for every blob storage backend, plus what only one backend promises."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import os
import uuid
import warnings
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from magicshelf.errors import StorageFull
from magicshelf.illustrations.ranges import ByteRange
from magicshelf.illustrations.s3 import S3Storage
from magicshelf.illustrations.storage import (
    CACHE_CONTROL,
    Blob,
    BlobStorage,
    LocalStorage,
    Piece,
    content_type_for,
    is_valid_key,
    key_for,
    storage_from_url,
)
from tests.s3server import REGION, S3Server, moto_s3

HEX = "0123456789abcdef" * 4
INVALID_KEYS = [
    "",
    "../x",
    "a/b.jpg",
    f"../{HEX}.jpg",
    f"{HEX[:2]}/{HEX}.jpg",
    f"{HEX.upper()}.jpg",
    f"{HEX}.JPG",
    f"{HEX}.gif",
    f"{HEX}.jpeg",
    f"{HEX}",
    f"{HEX[:-1]}.jpg",
    f"{HEX}0.jpg",
    f"{HEX}..jpg",
    f"{HEX}.jpg.png",
    f"{HEX}.jpg\n",
    f".tmp-{HEX}.jpg",
    "x.gif",
]


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with moto_s3() as server:
        yield server


def s3_url(s3: S3Server, path: str = "") -> str:
    return f"s3://{s3.bucket}{path}?endpoint={s3.endpoint}&region={REGION}"


@pytest.fixture(params=["local", "s3"])
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BlobStorage]:
    if request.param == "local":
        # Not created yet: the backend makes the directory on first use.
        store = storage_from_url((tmp_path / "media dir").as_uri())
    else:
        server: S3Server = request.getfixturevalue("s3")
        # Each test gets its own prefix, so the shared bucket looks empty to it.
        store = storage_from_url(s3_url(server, f"/{uuid.uuid4().hex}/media"))
    yield store
    await store.close()


async def read_all(blob: Blob) -> list[bytes]:
    return [chunk async for chunk in blob.chunks]


async def listing(storage: BlobStorage) -> dict[str, int]:
    return {info.key: info.size async for info in storage.list()}


# -- keys ---------------------------------------------------------------------------------


def test_key_for_is_the_sha256_of_the_bytes_plus_extension() -> None:
    assert key_for(b"hello", "png") == hashlib.sha256(b"hello").hexdigest() + ".png"
    assert is_valid_key(key_for(b"", "jpg"))


@pytest.mark.parametrize("extension", ["gif", ".jpg", "JPG", "jpg/..", ""])
def test_key_for_rejects_other_extensions(extension: str) -> None:
    with pytest.raises(ValueError, match="extension"):
        key_for(b"x", extension)


@pytest.mark.parametrize("key", INVALID_KEYS)
def test_invalid_keys_are_rejected(key: str) -> None:
    assert not is_valid_key(key)


@pytest.mark.parametrize(
    ("extension", "content_type"),
    [("jpg", "image/jpeg"), ("webp", "image/webp"), ("png", "image/png")],
)
def test_content_type_follows_the_extension(extension: str, content_type: str) -> None:
    key = key_for(b"x", extension)
    assert is_valid_key(key)
    assert content_type_for(key) == content_type


def test_content_type_of_an_unknown_extension_is_an_error() -> None:
    with pytest.raises(ValueError, match="content type"):
        content_type_for("picture.gif")


# -- the contract every backend keeps --------------------------------------------------------


async def test_put_then_open_streams_exactly_the_bytes(storage: BlobStorage) -> None:
    data = os.urandom(3 * 1024 * 1024 + 123)
    key = key_for(data, "png")
    await storage.put(key, data)

    blob = await storage.open(key)
    assert blob is not None
    assert blob.size == len(data)
    chunks = await read_all(blob)
    assert len(chunks) > 10, "a large blob must arrive in several chunks"
    assert max(map(len, chunks)) <= 1024 * 1024
    assert b"".join(chunks) == data


async def test_put_twice_is_fine(storage: BlobStorage) -> None:
    data = b"\x89PNG tiny"
    key = key_for(data, "png")
    await storage.put(key, data)
    await storage.put(key, data)

    blob = await storage.open(key)
    assert blob is not None
    assert b"".join(await read_all(blob)) == data
    assert await listing(storage) == {key: len(data)}


async def test_empty_blob_round_trips(storage: BlobStorage) -> None:
    key = key_for(b"", "webp")
    await storage.put(key, b"")
    blob = await storage.open(key)
    assert blob is not None
    assert (blob.size, await read_all(blob)) == (0, [])


async def test_open_of_a_missing_key_is_none(storage: BlobStorage) -> None:
    assert await storage.open(key_for(b"never stored", "jpg")) is None


@pytest.mark.parametrize("key", ["../x", "a/b.jpg", f"{HEX.upper()}.jpg", ""])
async def test_open_of_an_invalid_key_is_none(storage: BlobStorage, key: str) -> None:
    assert await storage.open(key) is None


@pytest.mark.parametrize("key", ["../x", "a/b.jpg", f"{HEX.upper()}.jpg", "x.gif", ""])
async def test_put_and_delete_refuse_invalid_keys(storage: BlobStorage, key: str) -> None:
    with pytest.raises(ValueError, match="invalid blob key"):
        await storage.put(key, b"x")
    with pytest.raises(ValueError, match="invalid blob key"):
        await storage.delete(key)


async def test_read_small_gives_bytes_up_to_the_limit_and_a_stream_above(
    storage: BlobStorage,
) -> None:
    small, large = b"s" * 100, b"L" * 300_000
    small_key, large_key = key_for(small, "jpg"), key_for(large, "jpg")
    await storage.put(small_key, small)
    await storage.put(large_key, large)

    assert await storage.read_small(small_key, 1000) == Piece(small, len(small))
    streamed = await storage.read_small(large_key, 1000)
    assert isinstance(streamed, Blob)
    assert streamed.size == len(large)
    assert b"".join([chunk async for chunk in streamed.chunks]) == large
    assert await storage.read_small(key_for(b"missing", "jpg"), 1000) is None
    assert await storage.read_small("../escape.jpg", 1000) is None


@pytest.mark.parametrize(
    ("asked", "part"),
    [
        (ByteRange(0, 1), slice(0, 2)),
        (ByteRange(70_000, 199_999), slice(70_000, 200_000)),
        (ByteRange(250_000, None), slice(250_000, None)),
        (ByteRange(None, 1234), slice(-1234, None)),
        (ByteRange(299_000, 10**9), slice(299_000, None)),
    ],
)
async def test_open_streams_exactly_the_range_asked(
    storage: BlobStorage, asked: ByteRange, part: slice
) -> None:
    data = os.urandom(300_000)
    key = key_for(data, "m4a")
    await storage.put(key, data)

    blob = await storage.open(key, asked)

    assert blob is not None
    assert blob.size == len(data)
    assert b"".join(await read_all(blob)) == data[part]


@pytest.mark.parametrize("asked", [ByteRange(300_000, None), ByteRange(None, 0)])
async def test_a_range_past_the_end_streams_nothing_but_tells_the_size(
    storage: BlobStorage, asked: ByteRange
) -> None:
    data = os.urandom(300_000)
    key = key_for(data, "m4a")
    await storage.put(key, data)

    blob = await storage.open(key, asked)

    assert blob is not None
    assert (blob.size, await read_all(blob)) == (len(data), [])


async def test_read_small_with_a_range_gives_a_small_blob_whole_and_a_large_ones_part(
    storage: BlobStorage,
) -> None:
    small, large = os.urandom(900), os.urandom(300_000)
    small_key, large_key = key_for(small, "m4a"), key_for(large, "m4a")
    await storage.put(small_key, small)
    await storage.put(large_key, large)

    # Whole, so that it can be kept in memory for the next ranges.
    whole = await storage.read_small(small_key, 1000, ByteRange(0, 1))
    assert whole == Piece(small, len(small))
    assert whole.whole
    # A range of a large one: read at once when it is small, streamed when not.
    part = await storage.read_small(large_key, 1000, ByteRange(1000, 1999))
    assert part == Piece(large[1000:2000], len(large), 1000)
    assert not part.whole
    streamed = await storage.read_small(large_key, 1000, ByteRange(1000, 2000))
    assert isinstance(streamed, Blob)
    assert streamed.size == len(large)
    assert b"".join(await read_all(streamed)) == large[1000:2001]
    # Past the end: nothing, but the size, for the 416.
    assert await storage.read_small(large_key, 1000, ByteRange(300_000, None)) == Piece(
        b"", len(large), 0
    )
    assert await storage.read_small(key_for(b"missing", "m4a"), 1000, ByteRange(0, 1)) is None


async def test_delete_then_open_is_none(storage: BlobStorage) -> None:
    keep, drop = key_for(b"keep", "jpg"), key_for(b"drop", "jpg")
    await storage.put(keep, b"keep")
    await storage.put(drop, b"drop")

    await storage.delete(drop)

    assert await storage.open(drop) is None
    assert await storage.open(keep) is not None
    assert await listing(storage) == {keep: 4}


async def test_delete_of_a_missing_key_is_fine(storage: BlobStorage) -> None:
    await storage.delete(key_for(b"never stored", "webp"))


async def test_list_shows_every_blob_with_size_and_modified_time(storage: BlobStorage) -> None:
    assert await listing(storage) == {}
    contents = [os.urandom(size) for size in range(25)]
    blobs = {key_for(data, ("jpg", "webp", "png")[len(data) % 3]): data for data in contents}
    for key, data in blobs.items():
        await storage.put(key, data)

    infos = [info async for info in storage.list()]

    assert {info.key: info.size for info in infos} == {k: len(d) for k, d in blobs.items()}
    now = datetime.now(UTC)
    for info in infos:
        assert info.modified.utcoffset() == timedelta(0)
        assert now - timedelta(minutes=5) < info.modified <= now + timedelta(seconds=5)


async def test_check_passes(storage: BlobStorage) -> None:
    await storage.check()


@pytest.mark.parametrize("chunks_read", [0, 1])
async def test_an_abandoned_blob_releases_what_it_holds(
    storage: BlobStorage, chunks_read: int
) -> None:
    data = os.urandom(512 * 1024)
    key = key_for(data, "jpg")
    await storage.put(key, data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        blob = await storage.open(key)
        assert blob is not None
        for _ in range(chunks_read):
            await anext(blob.chunks)
        del blob
        gc.collect()
        await asyncio.sleep(0.05)  # asyncio closes abandoned generators in a task
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert not any(link.endswith(key) for link in open_file_targets())


def open_file_targets() -> list[str]:
    targets = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            targets.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            continue  # closed while we looked
    return targets


# -- local directory ------------------------------------------------------------------------


def blob_tree(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


async def test_local_put_fans_out_and_leaves_no_temp_files(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "media")
    key = key_for(b"page", "jpg")
    await storage.put(key, b"page")

    path = tmp_path / "media" / key[:2] / key
    assert blob_tree(tmp_path / "media") == [f"{key[:2]}/{key}"]
    assert path.read_bytes() == b"page"
    assert path.stat().st_mode & 0o777 == 0o644


async def test_local_put_of_an_existing_blob_only_refreshes_its_time(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    key = key_for(b"page", "jpg")
    await storage.put(key, b"page")
    path = tmp_path / key[:2] / key
    os.utime(path, (1_000_000_000, 1_000_000_000))  # an old orphan that gc could take
    before = path.stat()

    await storage.put(key, b"page")

    after = path.stat()
    assert after.st_ino == before.st_ino  # not rewritten
    assert after.st_mtime > before.st_mtime + 1e8  # but young again, safe from gc


async def test_local_put_that_fails_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    storage = LocalStorage(tmp_path)
    key = key_for(b"page", "jpg")

    with pytest.raises(StorageFull):  # 507 to the client, not a 500
        await storage.put(key, b"page")

    assert blob_tree(tmp_path) == []
    assert await storage.open(key) is None


async def test_local_list_skips_temp_misplaced_and_foreign_files(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    key = key_for(b"page", "png")
    await storage.put(key, b"page")
    folder = tmp_path / key[:2]
    for stray in [f".tmp-{key}", "notes.txt", f"{key}.part"]:
        (folder / stray).write_bytes(b"x")
    (tmp_path / key).write_bytes(b"not in its folder")
    (tmp_path / "ff").mkdir()
    (tmp_path / "ff" / f"{HEX}.png").write_bytes(b"in the wrong folder")
    (tmp_path / "ff" / f"ff{HEX[2:]}.png").mkdir()

    assert await listing(storage) == {key: 4}


async def test_local_storage_on_a_missing_directory_is_empty(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "not yet")
    assert await listing(storage) == {}
    assert await storage.open(key_for(b"x", "png")) is None
    await storage.delete(key_for(b"x", "png"))
    assert not (tmp_path / "not yet").exists()


async def test_local_check_fails_when_the_directory_cannot_exist(tmp_path: Path) -> None:
    # Tests run as root, which ignores permission bits; a regular file in the path does not.
    (tmp_path / "file").write_bytes(b"")
    storage = LocalStorage(tmp_path / "file" / "media")
    with pytest.raises(NotADirectoryError):
        await storage.check()


# -- S3 -------------------------------------------------------------------------------------


async def test_s3_objects_live_under_the_prefix_with_cache_headers(s3: S3Server) -> None:
    prefix = uuid.uuid4().hex
    storage = storage_from_url(s3_url(s3, f"/{prefix}/"))
    key = key_for(b"page", "webp")
    await storage.put(key, b"page")
    await storage.close()

    client = s3.client()
    try:
        head = client.head_object(Bucket=s3.bucket, Key=f"{prefix}/{key}")
    finally:
        client.close()
    assert head["ContentType"] == "image/webp"
    assert head["CacheControl"] == CACHE_CONTROL
    assert head["ContentLength"] == 4


async def test_s3_list_skips_foreign_objects(s3: S3Server) -> None:
    bucket = f"magicshelf-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(bucket)
    key = key_for(b"page", "jpg")
    client = s3.client()
    try:
        for name in [f"media/{key}.bak", f"media/sub/{key}", f"other/{key}", key, "media/x"]:
            client.put_object(Bucket=bucket, Key=name, Body=b"x")
    finally:
        client.close()
    scoped = storage_from_url(f"s3://{bucket}/media?endpoint={s3.endpoint}")
    whole = storage_from_url(f"s3://{bucket}?endpoint={s3.endpoint}")
    try:
        await scoped.put(key, b"page")
        assert await listing(scoped) == {key: 4}
        assert await listing(whole) == {key: 1}
    finally:
        await scoped.close()
        await whole.close()


async def test_s3_check_fails_for_a_missing_bucket(s3: S3Server) -> None:
    storage = storage_from_url(f"s3://no-such-bucket?endpoint={s3.endpoint}")
    try:
        with pytest.raises(ClientError):
            await storage.check()
    finally:
        await storage.close()


# -- storage URLs ---------------------------------------------------------------------------


def test_file_url_gives_local_storage(tmp_path: Path) -> None:
    root = tmp_path / "média dir"
    for url in [root.as_uri(), f"file://localhost{root}"]:
        storage = storage_from_url(url)
        assert isinstance(storage, LocalStorage)
        assert storage.root == root


async def test_s3_url_gives_s3_storage() -> None:
    storage = storage_from_url("s3://shelf/a/b/?endpoint=http://minio:9000&region=eu-west-3")
    assert isinstance(storage, S3Storage)
    try:
        assert (storage.bucket, storage.prefix) == ("shelf", "a/b/")
    finally:
        await storage.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/var/media", "file:// or s3://"),
        ("ftp://host/media", "file:// or s3://"),
        ("file:media", "absolute path"),
        ("file://server/media", "nothing more"),
        ("file:///media?x=1", "nothing more"),
        ("s3://key:secret@shelf", "credentials in AWS_ACCESS_KEY_ID"),
        ("s3://ab", "valid bucket name"),
        ("s3://minio:9000/shelf", "valid bucket name"),
        ("s3://Shelf", "valid bucket name"),
        ("s3://shelf?endpoint=minio:9000", "http"),
        ("s3://shelf?secret=x", "unknown S3 storage URL parameters: secret"),
    ],
)
def test_bad_storage_urls_are_explained(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        storage_from_url(url)
