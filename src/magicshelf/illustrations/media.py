"""GET /media/{key}: stored renditions and recordings, streamed, cached forever (keys are
content hashes), whole or by byte range."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import StreamingResponse

from magicshelf.books.present import etag_matches
from magicshelf.errors import (
    MediaNotFound,
    RangeNotSatisfiable,
    ServiceUnavailable,
    documented,
)
from magicshelf.http import ASKED_METHOD, Prepared, RawHeaders
from magicshelf.illustrations.ranges import ByteRange, asked_range, content_range
from magicshelf.illustrations.storage import (
    CACHE_CONTROL,
    Blob,
    BlobStorage,
    Piece,
    content_type_for,
    is_valid_key,
)
from magicshelf.resources import resources

router = APIRouter(tags=["illustrations"])

# Thumbnails (~60-90 KB) and short recordings are read whole and sent in one piece, and so
# is a range up to this size of a larger blob (a player's next seconds): a
# StreamingResponse costs a task group per answer and the blob API a thread hop per 64 KB
# chunk, far more than the read itself. Larger answers stream, so memory stays flat
# however many are in flight and however slow the phones that fetch them.
WHOLE_BLOB_BYTES = 512 * 1024
_IMMUTABLE: RawHeaders = [
    (b"cache-control", CACHE_CONTROL.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"accept-ranges", b"bytes"),
]
_MEDIA_TYPES: dict[str, Any] = {
    "image/jpeg": {},
    "image/webp": {},
    "image/png": {},
    "audio/mp4": {},
}
_REQUEST_HEADERS = [
    {
        "name": "Range",
        "in": "header",
        "required": False,
        "description": "One byte range (`bytes=0-1`, `bytes=1000-`, `bytes=-500`): answered "
        "206. Another unit, several ranges or bad syntax: the whole file, 200.",
        "schema": {"type": "string", "examples": ["bytes=0-65535"]},
    },
    {
        "name": "If-Range",
        "in": "header",
        "required": False,
        "description": "The ETag the client holds part of: the range is served only if it "
        "still matches (it always does: keys never change), else the whole file.",
        "schema": {"type": "string"},
    },
]
_PART_HEADERS = {
    "Content-Range": {
        "description": "Which bytes, of how many: `bytes 0-1/48213`",
        "required": True,
        "schema": {"type": "string"},
    }
}


@router.get(
    "/media/{key}",
    response_class=StreamingResponse,
    responses={
        200: {"content": _MEDIA_TYPES},
        206: {"description": "The range asked for", "content": _MEDIA_TYPES},
        304: {"description": "Not changed"},
        **documented(MediaNotFound, RangeNotSatisfiable, ServiceUnavailable),
    },
    openapi_extra={"parameters": _REQUEST_HEADERS},
)
async def media(
    request: Request, key: str, if_none_match: Annotated[str | None, Header()] = None
) -> Response:
    """A drawing's rendition or a page's recording. The key is the SHA-256 of the bytes,
    so it never changes."""
    if not is_valid_key(key):
        raise MediaNotFound("There is no image with this name.")
    tag = f'"{key.split(".")[0]}"'
    headers: RawHeaders = [(b"etag", tag.encode()), *_IMMUTABLE]
    if etag_matches(if_none_match, tag):
        return Prepared(b"", headers, status_code=304)
    # Served by magicshelf.hot, which calls it directly: no dependencies allowed here.
    byte_range = asked_range(request.scope["headers"], tag)
    held = resources(request)
    recent = held.recent_media
    cached = recent.get(key)
    found: Piece | Blob | None = None if cached is None else Piece(cached, len(cached))
    if found is None:
        if request.scope.get(ASKED_METHOD) == "HEAD":
            return await _headers_only(held.storage, key, byte_range, headers)
        found = await held.storage.read_small(key, WHOLE_BLOB_BYTES, byte_range)
        if isinstance(found, Piece) and found.whole:
            recent.put(key, found.data)
    if found is None:
        raise MediaNotFound("There is no image with this name.")
    headers.append((b"content-type", content_type_for(key).encode()))
    if isinstance(found, Piece):
        if byte_range is None:
            return Prepared(found.data, headers)
        span = _part(byte_range, found.size, headers)
        start = span.start - found.start
        return Prepared(found.data[start : start + len(span)], headers, status_code=206)
    if byte_range is None:
        return _streamed(found, found.size, headers, status_code=200)
    try:
        span = _part(byte_range, found.size, headers)
    except RangeNotSatisfiable:
        await found.close()
        raise
    return _streamed(found, len(span), headers, status_code=206)


def _part(byte_range: ByteRange, size: int, headers: RawHeaders) -> range:
    """The positions to send, with their Content-Range added to ``headers``; else 416."""
    span = byte_range.within(size)
    if span is None:
        raise RangeNotSatisfiable(size)
    headers.append((b"content-range", content_range(span, size)))
    return span


def _streamed(blob: Blob, length: int, headers: RawHeaders, *, status_code: int) -> Response:
    response = StreamingResponse(blob.chunks, status_code=status_code)
    response.raw_headers = [*headers, (b"content-length", str(length).encode())]
    return response


async def _headers_only(
    storage: BlobStorage, key: str, byte_range: ByteRange | None, headers: RawHeaders
) -> Response:
    """HEAD: what GET would answer, from the blob's size, none of its bytes read."""
    blob = await storage.open(key, byte_range)
    if blob is None:
        raise MediaNotFound("There is no image with this name.")
    await blob.close()
    headers.append((b"content-type", content_type_for(key).encode()))
    status_code, length = 200, blob.size
    if byte_range is not None:
        status_code, length = 206, len(_part(byte_range, blob.size, headers))
    response = Response(status_code=status_code)
    response.raw_headers = [*headers, (b"content-length", str(length).encode())]
    return response
