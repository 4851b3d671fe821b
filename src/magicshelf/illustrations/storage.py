"""Blob storage for illustrations: a local directory or an S3-compatible bucket.

Keys are content-addressed (``<sha256 of the bytes>.<ext>``), so one key always names the
same bytes: writes are idempotent, blobs never change, and a key that passes
``is_valid_key`` cannot point outside the storage root. With invalid keys ``put`` and
``delete`` raise ``ValueError`` (a bug in the caller) while ``open`` returns ``None``
(such a blob cannot exist), so untrusted keys from a URL are safe to look up. ``open``
reads a byte range (a player seeking in a recording) as well as the whole blob.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import logging
import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import SplitResult, urlsplit
from urllib.request import url2pathname

from magicshelf.errors import StorageFull
from magicshelf.illustrations.ranges import ByteRange

log = logging.getLogger(__name__)
CHUNK_SIZE = 64 * 1024
CACHE_CONTROL = "public, max-age=31536000, immutable"
_CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "png": "image/png",
    "m4a": "audio/mp4",
}
_KEY = re.compile(rf"[0-9a-f]{{64}}\.(?:{'|'.join(_CONTENT_TYPES)})")
_TEMP_PREFIX = ".tmp-"
# A full disk, or the owner's quota used up.
_NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


def key_for(data: bytes, extension: str) -> str:
    if extension not in _CONTENT_TYPES:
        raise ValueError(f"unsupported extension {extension!r}")
    return f"{hashlib.sha256(data).hexdigest()}.{extension}"


def is_valid_key(key: str) -> bool:
    return _KEY.fullmatch(key) is not None


def content_type_for(key: str) -> str:
    try:
        return _CONTENT_TYPES[key.rpartition(".")[2]]
    except KeyError:
        raise ValueError(f"no content type for {key!r}") from None


def require_valid_key(key: str) -> None:
    if not is_valid_key(key):
        raise ValueError(f"invalid blob key {key!r}")


@dataclass(frozen=True)
class BlobInfo:
    key: str
    size: int
    modified: datetime  # tz-aware UTC


@dataclass
class Blob:
    size: int  # of the whole blob, even when ``chunks`` yields only a range of it
    chunks: AsyncGenerator[bytes, None]

    async def close(self) -> None:
        """Let go of the file or response at once, for a blob that will not be read."""
        await self.chunks.aclose()


async def _chunks(
    read: Callable[[int], bytes], close: Callable[[], None]
) -> AsyncGenerator[bytes, None]:
    try:
        yield b""  # consumed by _blob, see there
        while chunk := await asyncio.to_thread(read, CHUNK_SIZE):
            yield chunk
    finally:
        # Not in a thread: closing a file or an HTTP response does not block, and an await
        # here could be interrupted when the generator is closed during cancellation.
        close()


async def blob_from(size: int, read: Callable[[int], bytes], close: Callable[[], None]) -> Blob:
    chunks = _chunks(read, close)
    # Start the generator now. Only a started generator runs its finally block when it is
    # abandoned (asyncio then closes it), so the open file or response cannot leak even if
    # the consumer never asks for a chunk, e.g. when the HTTP client goes away first.
    await anext(chunks)
    return Blob(size, chunks)


@dataclass(frozen=True, slots=True)
class Piece:
    """Bytes of a blob read in one go: all of it, or the part a byte range asked for."""

    data: bytes
    size: int  # of the whole blob
    start: int = 0  # where ``data`` begins in it

    @property
    def whole(self) -> bool:
        return len(self.data) == self.size


def small_span(size: int, limit: int, byte_range: ByteRange | None) -> range | None:
    """What ``read_small`` reads at once from a ``size``-byte blob, if anything.

    A small blob whole, even for a range, so that its next ranges come from memory; of a
    large one, the range asked for when that is small (a player's next few seconds):
    cheaper sent in one piece than streamed. A range past the end is an empty piece.
    """
    if size <= limit:
        return range(size)
    if byte_range is None:
        return None
    span = byte_range.within(size) or range(0)
    return span if len(span) <= limit else None


class BlobStorage(ABC):
    @abstractmethod
    async def put(self, key: str, data: bytes) -> None:
        """Store data under key; idempotent, and readers see all of it or nothing."""

    @abstractmethod
    async def open(self, key: str, byte_range: ByteRange | None = None) -> Blob | None:
        """Stream a blob, or None if it does not exist.

        With ``byte_range``, only ``byte_range.within(blob.size)`` is streamed: nothing
        when that is None (the range starts past the end).
        """

    async def read_small(
        self, key: str, limit: int, byte_range: ByteRange | None = None
    ) -> Piece | Blob | None:
        """At most ``limit`` bytes read at once (see ``small_span``), else a stream of
        ``byte_range`` of the blob (all of it without one); None if missing."""
        blob = await self.open(key, byte_range)
        if blob is None:
            return None
        span = small_span(blob.size, limit, byte_range)
        if span is None:
            return blob
        streamed = range(blob.size) if byte_range is None else byte_range.within(blob.size)
        if span != (streamed or range(0)):
            # Part of a small blob, whose size came only with the part: read it again,
            # whole, so that the next ranges of it are answered from memory.
            await blob.close()
            blob = await self.open(key)
            if blob is None:
                return None
        return Piece(b"".join([chunk async for chunk in blob.chunks]), blob.size, span.start)

    @abstractmethod
    async def delete(self, key: str) -> None:
        """Remove a blob; a missing one is fine."""

    @abstractmethod
    def list(self) -> AsyncIterator[BlobInfo]:
        """Every stored blob, for garbage collection; foreign or temporary files are skipped."""

    async def remove_unfinished(self, older_than: datetime) -> int:
        """Delete what writes cut short (a killed worker) left before ``older_than``.

        How many were removed. Only a backend that writes in steps leaves any.
        """
        return 0

    @abstractmethod
    async def check(self) -> None:
        """Readiness probe: raise if blobs cannot be stored."""

    @abstractmethod
    async def close(self) -> None:
        """Release connections."""


class LocalStorage(BlobStorage):
    """Files under root, fanned out as ``ab/<key>`` so that no directory grows huge."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    async def put(self, key: str, data: bytes) -> None:
        require_valid_key(key)
        try:
            await asyncio.to_thread(_write_atomically, self._path(key), data)
        except OSError as error:
            if error.errno not in _NO_SPACE:
                raise
            log.warning("no space left for a %d-byte blob in %s", len(data), self.root)
            raise StorageFull from error

    async def open(self, key: str, byte_range: ByteRange | None = None) -> Blob | None:
        if not is_valid_key(key):
            return None
        try:
            file = await asyncio.to_thread(self._path(key).open, "rb")
        except FileNotFoundError:
            return None
        size = os.fstat(file.fileno()).st_size
        if byte_range is None:
            return await blob_from(size, file.read, file.close)
        span = byte_range.within(size) or range(0)
        # lseek only moves the file's offset: no disk access, so no thread hop.
        file.seek(span.start)
        return await blob_from(size, _bounded(file.read, len(span)), file.close)

    async def read_small(
        self, key: str, limit: int, byte_range: ByteRange | None = None
    ) -> Piece | Blob | None:
        # Open, measure and read in one thread hop instead of one per step.
        if not is_valid_key(key):
            return None
        found = await asyncio.to_thread(_read_if_small, self._path(key), limit, byte_range)
        if found is True:
            return await self.open(key, byte_range)
        return found or None

    async def delete(self, key: str) -> None:
        require_valid_key(key)
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def list(self) -> AsyncIterator[BlobInfo]:
        # One thread hop per folder keeps memory bounded and the event loop responsive.
        for folder in await asyncio.to_thread(_folders, self.root):
            for info in await asyncio.to_thread(_blobs_in, folder):
                yield info

    async def remove_unfinished(self, older_than: datetime) -> int:
        removed = 0
        for folder in await asyncio.to_thread(_folders, self.root):
            removed += await asyncio.to_thread(remove_old_files, folder, _TEMP_PREFIX, older_than)
        return removed

    async def check(self) -> None:
        await asyncio.to_thread(self._check)

    def _check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=self.root):
            pass

    async def close(self) -> None:
        pass  # every file is closed right after use


def _bounded(read: Callable[[int], bytes], length: int) -> Callable[[int], bytes]:
    """``read`` that stops after ``length`` bytes, for a range ending before the file does."""
    left = length

    def bounded(size: int) -> bytes:
        nonlocal left
        chunk = read(min(size, left))
        left -= len(chunk)
        return chunk

    return bounded


def _read_if_small(path: Path, limit: int, byte_range: ByteRange | None) -> Piece | bool:
    """What ``small_span`` reads of the file, else whether the file exists."""
    try:
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            span = small_span(size, limit, byte_range)
            if span is None:
                return True
            file.seek(span.start)
            return Piece(file.read(len(span)), size, span.start)
    except FileNotFoundError:
        return False


def _write_atomically(path: Path, data: bytes) -> None:
    if path.exists():
        # Same key, same bytes. Refresh the time so `magicshelf gc` sees the blob as new:
        # it may be an old orphan that a page is about to point at again.
        with contextlib.suppress(FileNotFoundError):
            os.utime(path)
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            # mkstemp makes the file private (0600); blobs are public and a front proxy
            # may serve the directory itself.
            os.fchmod(file.fileno(), 0o644)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    # The rename lives in the directory: sync it too, or a crash could lose the blob
    # after the database already points at it.
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _folders(root: Path) -> list[Path]:
    try:
        return sorted(entry for entry in root.iterdir() if entry.is_dir())
    except FileNotFoundError:
        return []


def _blobs_in(folder: Path) -> list[BlobInfo]:
    infos = []
    with os.scandir(folder) as entries:
        for entry in entries:
            # A key in the wrong folder could never be opened or deleted, so it is not a blob.
            if not is_valid_key(entry.name) or entry.name[:2] != folder.name:
                continue
            with contextlib.suppress(FileNotFoundError):  # deleted while we walk
                if not entry.is_file(follow_symlinks=False):
                    continue
                stat = entry.stat(follow_symlinks=False)
                modified = datetime.fromtimestamp(stat.st_mtime, UTC)
                infos.append(BlobInfo(entry.name, stat.st_size, modified))
    return infos


def remove_old_files(folder: Path, prefix: str, older_than: datetime) -> int:
    """Delete the files named ``prefix…`` last written before the cutoff, in one folder.

    They are writes a killed worker left (blobs' temporary files, upload spools). A younger
    one may belong to a write in progress, so it stays. A folder never made has none.
    """
    removed = 0
    if not folder.is_dir():
        return removed
    with os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.startswith(prefix):
                continue
            with contextlib.suppress(FileNotFoundError):
                modified = datetime.fromtimestamp(entry.stat(follow_symlinks=False).st_mtime, UTC)
                if modified < older_than and entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)
                    removed += 1
    return removed


def storage_from_url(url: str, *, timeout_seconds: float | None = None) -> BlobStorage:
    """``file:///abs/path`` or ``s3://bucket[/prefix][?endpoint=http://host:port&region=…]``.

    S3 credentials come from the standard AWS environment variables or config files.
    ``timeout_seconds`` bounds each S3 call (the app's; commands wait as long as S3 takes).
    """
    parts = urlsplit(url)
    if parts.scheme == "file":
        return _local_from_url(parts)
    if parts.scheme == "s3":
        # Imported only when used: boto3 costs every worker ~10 MB and 50 ms to load.
        from magicshelf.illustrations.s3 import s3_from_url

        return s3_from_url(parts, timeout_seconds)
    raise ValueError(f"storage URL must start with file:// or s3://, got {parts.scheme}://")


def _local_from_url(parts: SplitResult) -> LocalStorage:
    if parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
        raise ValueError("a file storage URL is file:///absolute/path, nothing more")
    root = Path(url2pathname(parts.path))
    if not root.is_absolute():
        raise ValueError(f"file storage needs an absolute path, got {str(root)!r}")
    return LocalStorage(root)
