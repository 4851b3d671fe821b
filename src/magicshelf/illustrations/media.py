"""GET /media/{key}: stored renditions, streamed, cached forever (keys are content hashes)."""

from __future__ import annotations

from fastapi import APIRouter, Header, Response
from fastapi.responses import StreamingResponse

from magicshelf.books.present import etag_matches
from magicshelf.deps import StorageDep
from magicshelf.errors import MediaNotFound
from magicshelf.illustrations.storage import CACHE_CONTROL, content_type_for, is_valid_key

router = APIRouter(tags=["illustrations"])


@router.get(
    "/media/{key}",
    response_class=StreamingResponse,
    responses={200: {"content": {"image/jpeg": {}, "image/webp": {}, "image/png": {}}}},
)
async def media(
    key: str, storage: StorageDep, if_none_match: str | None = Header(default=None)
) -> Response:
    """An illustration rendition. The key is the SHA-256 of the bytes, so it never changes."""
    if not is_valid_key(key):
        raise MediaNotFound("There is no image with this name.")
    tag = f'"{key.split(".")[0]}"'
    headers = {
        "ETag": tag,
        "Cache-Control": CACHE_CONTROL,
        "X-Content-Type-Options": "nosniff",
    }
    if etag_matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    blob = await storage.open(key)
    if blob is None:
        raise MediaNotFound("There is no image with this name.")
    headers["Content-Length"] = str(blob.size)
    return StreamingResponse(blob.chunks, media_type=content_type_for(key), headers=headers)
