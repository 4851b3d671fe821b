"""Blob storage in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW), through boto3.

Loaded only when ``MAGICSHELF_STORAGE_URL`` is an ``s3://`` URL.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, parse_qsl, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from magicshelf.errors import ServiceUnavailable
from magicshelf.illustrations.storage import (
    CACHE_CONTROL,
    Blob,
    BlobInfo,
    BlobStorage,
    Piece,
    blob_from,
    content_type_for,
    is_valid_key,
    require_valid_key,
)

if TYPE_CHECKING:
    from magicshelf.illustrations.ranges import ByteRange

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import GetObjectOutputTypeDef

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_MISSING_CODES = {"NoSuchKey", "404"}
_PAST_THE_END = "InvalidRange"
# botocore's own connect timeout when no overall one is set (commands).
_CONNECT_SECONDS = 5.0
log = logging.getLogger(__name__)


def _server_failed(error: ClientError) -> bool:
    """S3 answered, but with its own failure (500, 503 SlowDown): nothing the caller fixes."""
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return int(status) >= 500


class S3Storage(BlobStorage):
    """Objects under ``prefix/`` in a bucket on AWS S3, MinIO, Ceph RGW or similar."""

    def __init__(
        self,
        bucket: str,
        prefix: str,
        endpoint: str | None,
        region: str | None,
        timeout_seconds: float | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self._timeout = timeout_seconds
        # A private session: boto3's default session is not safe to share between threads.
        self._client: S3Client = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint,
            region_name=region,
            config=_client_config(endpoint, timeout_seconds),
        )

    @asynccontextmanager
    async def _bounded(self, what: str) -> AsyncIterator[None]:
        """Within the timeout, or 503: S3 unreachable, slow or failing is not the caller's bug.

        botocore's own timeouts end the thread's call; this one answers the request even
        while botocore still retries, and the blob it may yet write is garbage for gc.
        """
        try:
            async with asyncio.timeout(self._timeout):
                yield
        except (BotoCoreError, TimeoutError) as error:
            log.warning("S3 %s failed: %s", what, type(error).__name__)
            raise ServiceUnavailable("picture storage") from error
        except ClientError as error:
            if not _server_failed(error):
                raise
            log.warning("S3 %s failed: %s", what, error.response.get("Error", {}).get("Code"))
            raise ServiceUnavailable("picture storage") from error

    async def _call(self, what: str, operation: Callable[..., Any], **params: Any) -> Any:
        async with self._bounded(what):
            return await asyncio.to_thread(operation, **params)

    async def put(self, key: str, data: bytes) -> None:
        require_valid_key(key)
        await self._call(
            "put",
            self._client.put_object,
            Bucket=self.bucket,
            Key=self.prefix + key,
            Body=data,
            ContentType=content_type_for(key),
            CacheControl=CACHE_CONTROL,
        )

    async def open(self, key: str, byte_range: ByteRange | None = None) -> Blob | None:
        if not is_valid_key(key):
            return None
        where = {"Bucket": self.bucket, "Key": self.prefix + key}
        asked = {} if byte_range is None else {"Range": byte_range.header()}
        try:
            response = await self._call("get", self._client.get_object, **where, **asked)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code in _MISSING_CODES:
                return None
            if code != _PAST_THE_END:
                raise
            # Rare (a client's mistake): the size, for Content-Range, costs one more call.
            head = await self._call("head", self._client.head_object, **where)
            return await blob_from(head["ContentLength"], lambda _: b"", lambda: None)
        body = response["Body"]
        return await blob_from(_whole_size(response), body.read, body.close)

    async def read_small(
        self, key: str, limit: int, byte_range: ByteRange | None = None
    ) -> Piece | Blob | None:
        # The bytes of a small blob arrive before the answer starts, so a stall there can
        # still be a 503; a large one streams, and a stall mid-stream cuts the stream.
        async with self._bounded("get"):
            return await super().read_small(key, limit, byte_range)

    async def delete(self, key: str) -> None:
        require_valid_key(key)
        await self._call(
            "delete", self._client.delete_object, Bucket=self.bucket, Key=self.prefix + key
        )

    async def list(self) -> AsyncIterator[BlobInfo]:
        paginator = self._client.get_paginator("list_objects_v2")
        pages = iter(paginator.paginate(Bucket=self.bucket, Prefix=self.prefix))
        while (page := await asyncio.to_thread(next, pages, None)) is not None:
            for item in page.get("Contents", []):
                key = item["Key"].removeprefix(self.prefix)
                if is_valid_key(key):
                    yield BlobInfo(key, item["Size"], item["LastModified"].astimezone(UTC))

    async def check(self) -> None:
        await self._call("check", self._client.head_bucket, Bucket=self.bucket)

    async def close(self) -> None:
        await asyncio.to_thread(self._client.close)


def _whole_size(response: GetObjectOutputTypeDef) -> int:
    """The object's size: after the slash of ``Content-Range: bytes 0-1/4567`` for a part."""
    part = response.get("ContentRange")
    return int(part.rpartition("/")[2]) if part else response["ContentLength"]


def _client_config(endpoint: str | None, timeout_seconds: float | None) -> Config:
    compatible = endpoint is not None
    # With a timeout, the thread's call ends about when the request has been answered 503:
    # two attempts, each connecting and reading within half of it.
    attempt = timeout_seconds / 2 if timeout_seconds is not None else None
    return Config(
        signature_version="s3v4",
        connect_timeout=min(attempt or _CONNECT_SECONDS, _CONNECT_SECONDS),
        read_timeout=attempt or 30,
        retries={"mode": "standard", "total_max_attempts": 2 if attempt else 3},
        # asyncio.to_thread runs up to 32 calls at once; botocore's default pool of 10
        # would keep opening and discarding connections under load.
        max_pool_connections=32,
        # MinIO and Ceph RGW rarely have wildcard DNS for virtual-hosted buckets.
        s3={"addressing_style": "path" if compatible else "auto"},
        # botocore >= 1.36 adds CRC checksums (as chunked trailers) to every upload,
        # which many S3-compatible servers reject; AWS itself supports them.
        request_checksum_calculation="when_required" if compatible else "when_supported",
        response_checksum_validation="when_required" if compatible else "when_supported",
    )


def s3_from_url(parts: SplitResult, timeout_seconds: float | None = None) -> S3Storage:
    if not _BUCKET.fullmatch(parts.netloc):
        # Not echoed: it might hold credentials, which belong in AWS_* variables instead.
        raise ValueError(
            "expected s3://bucket[/prefix]?endpoint=http://host:port, with a valid bucket "
            "name and credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, not the URL"
        )
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if unknown := params.keys() - {"endpoint", "region"}:
        raise ValueError(f"unknown S3 storage URL parameters: {', '.join(sorted(unknown))}")
    endpoint = params.get("endpoint") or None
    if endpoint is not None:
        scheme, host = urlsplit(endpoint)[:2]
        if scheme not in ("http", "https") or not host:
            raise ValueError(f"S3 endpoint must be http(s)://host[:port], got {endpoint!r}")
    region = params.get("region") or None
    return S3Storage(parts.netloc, parts.path, endpoint, region, timeout_seconds)
