"""Blob storage in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW), through boto3.

Loaded only when ``MAGICSHELF_STORAGE_URL`` is an ``s3://`` URL.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, parse_qsl, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from magicshelf.illustrations.storage import (
    CACHE_CONTROL,
    Blob,
    BlobInfo,
    BlobStorage,
    blob_from,
    content_type_for,
    is_valid_key,
    require_valid_key,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_MISSING_CODES = {"NoSuchKey", "404"}


class S3Storage(BlobStorage):
    """Objects under ``prefix/`` in a bucket on AWS S3, MinIO, Ceph RGW or similar."""

    def __init__(self, bucket: str, prefix: str, endpoint: str | None, region: str | None) -> None:
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        # A private session: boto3's default session is not safe to share between threads.
        self._client: S3Client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint, region_name=region, config=_client_config(endpoint)
        )

    async def put(self, key: str, data: bytes) -> None:
        require_valid_key(key)
        await asyncio.to_thread(
            self._client.put_object,
            Bucket=self.bucket,
            Key=self.prefix + key,
            Body=data,
            ContentType=content_type_for(key),
            CacheControl=CACHE_CONTROL,
        )

    async def open(self, key: str) -> Blob | None:
        if not is_valid_key(key):
            return None
        try:
            response = await asyncio.to_thread(
                self._client.get_object, Bucket=self.bucket, Key=self.prefix + key
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING_CODES:
                return None
            raise
        body = response["Body"]
        return await blob_from(response["ContentLength"], body.read, body.close)

    async def delete(self, key: str) -> None:
        require_valid_key(key)
        await asyncio.to_thread(
            self._client.delete_object, Bucket=self.bucket, Key=self.prefix + key
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
        await asyncio.to_thread(self._client.head_bucket, Bucket=self.bucket)

    async def close(self) -> None:
        await asyncio.to_thread(self._client.close)


def _client_config(endpoint: str | None) -> Config:
    compatible = endpoint is not None
    return Config(
        signature_version="s3v4",
        connect_timeout=5,
        read_timeout=30,
        retries={"mode": "standard"},
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


def s3_from_url(parts: SplitResult) -> S3Storage:
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
    return S3Storage(parts.netloc, parts.path, endpoint, params.get("region") or None)
