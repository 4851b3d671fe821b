"""HTTP routes for a page's recording: upload (replace) and remove."""

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
from magicshelf.books.present import audio_json
from magicshelf.books.schemas import AudioOut
from magicshelf.books.service import end_read, page_record
from magicshelf.deps import ResourcesDep, SessionDep, WriteBudget
from magicshelf.errors import (
    RecordingTooLong,
    ServiceUnavailable,
    StorageFull,
    TooManyWrites,
    UnprocessableAudio,
    UnsupportedAudio,
    documented,
)
from magicshelf.http import JSON
from magicshelf.illustrations.upload import RECORDING, spooled_upload
from magicshelf.voices import service

router = APIRouter(prefix="/api/books", tags=["recordings"])

UPLOAD_FIELD = "file"
# What browsers and phones record; judged from the bytes, never from the part's own type.
ACCEPTED = "audio/webm, audio/mp4, audio/ogg, audio/mpeg, audio/wav"
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
                "encoding": {UPLOAD_FIELD: {"contentType": ACCEPTED}},
            }
        },
    }
}
_audio_problems = documented(
    *EDIT_PROBLEMS,
    *PAGE_PROBLEMS,
    *BODY_PROBLEMS,
    UnsupportedAudio,
    UnprocessableAudio,
    RecordingTooLong,
    ServiceUnavailable,  # the blob storage (or the database) did not answer in time
    StorageFull,
    TooManyWrites,
)


@router.put(
    "/{code}/pages/{number}/audio",
    response_model=AudioOut,
    responses=_audio_problems,
    openapi_extra=_upload_body,
    dependencies=[WriteBudget],
)
async def put_audio(
    request: Request,
    number: PageNumberDep,
    book: EditableBookDep,
    session: SessionDep,
    found: ResourcesDep,
) -> Response:
    """Upload the child reading the page aloud (multipart field `file`), replacing any.

    WebM/Opus, MP4/AAC, Ogg/Opus, MP3 or WAV, judged from the bytes. The sound is mixed to
    mono, trimmed of silence at both ends, brought to a steady loudness and stored once as
    AAC in MP4, with every tag (titles, device names, places) left out.
    """
    await end_read(session)  # hold no connection while the upload arrives and is processed
    settings = found.settings
    async with spooled_upload(
        request,
        field=UPLOAD_FIELD,
        max_bytes=settings.max_audio_bytes,
        directory=settings.upload_dir,
        kind=RECORDING,
    ) as path:
        page = await service.add_recording(
            session=session,
            storage=found.storage,
            book=book,
            number=number,
            path=path,
            max_seconds=settings.max_audio_seconds,
            renderer=found.renderer,
        )
    return JSON(audio_json(page_record(page)))


@router.delete(
    "/{code}/pages/{number}/audio",
    status_code=204,
    responses=documented(*EDIT_PROBLEMS, *PAGE_PROBLEMS),
)
async def delete_audio(
    number: PageNumberDep, book: EditableBookDep, session: SessionDep
) -> Response:
    """Remove the page's recording. The page, its text and its drawing stay."""
    await service.remove_recording(session=session, book=book, number=number)
    return Response(status_code=204)
