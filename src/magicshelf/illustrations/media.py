"""GET /media/{key}: stored renditions, streamed, cached forever (keys are content hashes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import StreamingResponse

from magicshelf.books.present import etag_matches
from magicshelf.errors import MediaNotFound, ServiceUnavailable, documented
from magicshelf.http import Prepared, RawHeaders
from magicshelf.illustrations.storage import (
    CACHE_CONTROL,
    Blob,
    content_type_for,
    is_valid_key,
)
from magicshelf.resources import resources

router = APIRouter(tags=["illustrations"])

# Thumbnails (~60-90 KB) are read whole and sent in one piece: a StreamingResponse costs a
# task group per answer and the blob API a thread hop per 64 KB chunk, far more than the
# read itself. Larger renditions stream, so memory stays flat however many are in flight
# and however slow the phones that fetch them.
WHOLE_BLOB_BYTES = 512 * 1024
_IMMUTABLE: RawHeaders = [
    (b"cache-control", CACHE_CONTROL.encode()),
    (b"x-content-type-options", b"nosniff"),
]


@router.get(
    "/media/{key}",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"image/jpeg": {}, "image/webp": {}, "image/png": {}}},
        304: {"description": "Not changed"},
        **documented(MediaNotFound, ServiceUnavailable),
    },
)
async def media(
    request: Request, key: str, if_none_match: Annotated[str | None, Header()] = None
) -> Response:
    """An illustration rendition. The key is the SHA-256 of the bytes, so it never changes."""
    if not is_valid_key(key):
        raise MediaNotFound("There is no image with this name.")
    tag = f'"{key.split(".")[0]}"'
    headers: RawHeaders = [(b"etag", tag.encode()), *_IMMUTABLE]
    if etag_matches(if_none_match, tag):
        return Prepared(b"", headers, status_code=304)
    # Served by magicshelf.hot, which calls it directly: no dependencies allowed here.
    held = resources(request)
    recent = held.recent_media
    found: bytes | Blob | None = recent.get(key)
    if found is None:
        found = await held.storage.read_small(key, WHOLE_BLOB_BYTES)
        if isinstance(found, bytes):
            recent.put(key, found)
    if found is None:
        raise MediaNotFound("There is no image with this name.")
    content_type = content_type_for(key)
    if isinstance(found, bytes):
        return Prepared(found, [*headers, (b"content-type", content_type.encode())])
    response = StreamingResponse(found.chunks, media_type=content_type)
    response.raw_headers[:0] = [*headers, (b"content-length", str(found.size).encode())]
    return response
