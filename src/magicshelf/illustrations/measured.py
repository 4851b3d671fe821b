"""Blob storage that times its operations and counts their failures, for /metrics.

A decorator around any ``BlobStorage``, so the local directory and S3 are measured the
same way, by the app only (commands such as ``gc`` keep their storage bare). ``open`` is
timed until the blob is ready to stream, not while its bytes are sent; ``list`` until
the whole listing has been walked.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import datetime
from types import TracebackType

from prometheus_client import CollectorRegistry, Counter, Histogram

from magicshelf.illustrations.ranges import ByteRange
from magicshelf.illustrations.storage import Blob, BlobInfo, BlobStorage, Piece

OPERATIONS = ("put", "open", "read_small", "delete", "list", "remove_unfinished", "check")
# From a local SSD read (~0.1 ms) to an S3 call near its timeout.
_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class StorageMetrics:
    """The instruments, made once per app; every operation's series exists from the start,
    so an alert on the error rate has a zero to compare with."""

    def __init__(self, registry: CollectorRegistry) -> None:
        duration = Histogram(
            "magicshelf_storage_operation_duration_seconds",
            "Time blob storage took per operation, failed ones included",
            ["operation"],
            registry=registry,
            buckets=_BUCKETS,
        )
        errors = Counter(
            "magicshelf_storage_errors",
            "Blob storage operations that raised (unreachable, timed out, disk full, ...)",
            ["operation"],
            registry=registry,
        )
        # labels() validates and locks on every call; the children it returns are stable.
        self._children = {
            operation: (duration.labels(operation), errors.labels(operation))
            for operation in OPERATIONS
        }

    def timing(self, operation: str) -> _Timing:
        return _Timing(*self._children[operation])


class _Timing:
    __slots__ = ("_duration", "_errors", "_started")

    def __init__(self, duration: Histogram, errors: Counter) -> None:
        self._duration = duration
        self._errors = errors
        self._started = 0.0

    def __enter__(self) -> None:
        self._started = time.perf_counter()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._duration.observe(time.perf_counter() - self._started)
        # A cancelled request (the client went away) is not the storage failing.
        if kind is not None and issubclass(kind, Exception):
            self._errors.inc()


class MeasuredStorage(BlobStorage):
    def __init__(self, inner: BlobStorage, metrics: StorageMetrics) -> None:
        self._inner = inner
        self._metrics = metrics

    async def put(self, key: str, data: bytes) -> None:
        with self._metrics.timing("put"):
            await self._inner.put(key, data)

    async def open(self, key: str, byte_range: ByteRange | None = None) -> Blob | None:
        with self._metrics.timing("open"):
            return await self._inner.open(key, byte_range)

    async def read_small(
        self, key: str, limit: int, byte_range: ByteRange | None = None
    ) -> Piece | Blob | None:
        with self._metrics.timing("read_small"):
            return await self._inner.read_small(key, limit, byte_range)

    async def delete(self, key: str) -> None:
        with self._metrics.timing("delete"):
            await self._inner.delete(key)

    async def list(self) -> AsyncIterator[BlobInfo]:
        with self._metrics.timing("list"):
            async for info in self._inner.list():
                yield info

    async def remove_unfinished(self, older_than: datetime) -> int:
        with self._metrics.timing("remove_unfinished"):
            return await self._inner.remove_unfinished(older_than)

    async def check(self) -> None:
        with self._metrics.timing("check"):
            await self._inner.check()

    async def close(self) -> None:
        await self._inner.close()
