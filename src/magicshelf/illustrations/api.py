"""HTTP routes for a page's drawing: upload (replace) and remove."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from magicshelf.books.api import (
    BODY_PROBLEMS,
    EDIT_PROBLEMS,
    PAGE_PROBLEMS,
    EditableBookDep,
    PageNumberDep,
)
from magicshelf.books.present import illustration_json
from magicshelf.books.schemas import IllustrationOut
from magicshelf.books.service import end_read, page_record
from magicshelf.deps import ResourcesDep, SessionDep, WriteBudget
from magicshelf.errors import (
    ServiceUnavailable,
    StorageFull,
    TooManyWrites,
    UnprocessableImage,
    UnsupportedImage,
    documented,
)
from magicshelf.http import JSON
from magicshelf.illustrations import service
from magicshelf.illustrations.upload import DRAWING, spooled_upload

router = APIRouter(prefix="/api/books", tags=["illustrations"])

UPLOAD_FIELD = "file"
_upload_body: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [UPLOAD_FIELD],
                    "properties": {UPLOAD_FIELD: {"type": "string", "format": "binary"}},
                },
                # What the bytes must be (the part's own Content-Type is not trusted).
                "encoding": {UPLOAD_FIELD: {"contentType": "image/png, image/jpeg, image/webp"}},
            }
        },
    }
}
_image_problems = documented(
    *EDIT_PROBLEMS,
    *PAGE_PROBLEMS,
    *BODY_PROBLEMS,
    UnsupportedImage,
    UnprocessableImage,
    ServiceUnavailable,  # the blob storage (or the database) did not answer in time
    StorageFull,
)


@router.put(
    "/{code}/pages/{number}/illustration",
    response_model=IllustrationOut,
    responses={**_image_problems, **documented(TooManyWrites)},
    openapi_extra=_upload_body,
    dependencies=[WriteBudget],
)
async def put_illustration(
    request: Request,
    number: PageNumberDep,
    book: EditableBookDep,
    session: SessionDep,
    found: ResourcesDep,
) -> Response:
    """Upload the page's drawing (PNG, JPEG or WebP, multipart field `file`), replacing any.

    The image is re-encoded: turned the right way up, stripped of all metadata (GPS
    included), converted to sRGB and stored as print master, web and thumbnail renditions.
    """
    await end_read(session)  # hold no connection while the upload arrives
    settings = found.settings
    async with spooled_upload(
        request,
        field=UPLOAD_FIELD,
        max_bytes=settings.max_upload_bytes,
        directory=settings.upload_dir,
        kind=DRAWING,
    ) as path:
        page = await service.add_drawing(
            session=session,
            storage=found.storage,
            book=book,
            number=number,
            path=path,
            max_pixels=settings.max_image_pixels,
            renderer=found.renderer,
        )
    return JSON(illustration_json(page_record(page)))


@router.delete(
    "/{code}/pages/{number}/illustration",
    status_code=204,
    responses=documented(*EDIT_PROBLEMS, *PAGE_PROBLEMS),
)
async def delete_illustration(
    number: PageNumberDep, book: EditableBookDep, session: SessionDep
) -> Response:
    """Remove the page's drawing. The page and its text stay."""
    await service.detach(session=session, book=book, number=number)
    return Response(status_code=204)
