"""Receive one file from a multipart/form-data body, streaming it to disk under a size limit.

Starlette's ``request.form()`` would spool the whole body before we could say no; here the
body is parsed chunk by chunk, the file part goes straight to a temporary file, and the
request is refused the moment the file passes ``max_bytes``.
"""

from __future__ import annotations

import contextlib
import errno
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from magicshelf.errors import BadRequest, FieldError, InvalidInput, PayloadTooLarge, StorageFull

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

# Room for the multipart framing and a few small form fields next to the file.
UPLOAD_ENVELOPE_BYTES = 64 * 1024
# Spools are named so; ``gc`` deletes old ones, which only a killed worker leaves.
SPOOL_PREFIX = "magicshelf-upload-"


@dataclass(frozen=True)
class Upload:
    """What is being sent, as messages name it, and how to make it smaller."""

    noun: str
    smaller: str


DRAWING = Upload(
    "drawing", "Send a smaller photo or scan, for example at a lower camera resolution."
)
RECORDING = Upload("recording", "Send a shorter recording, or one saved at a lower quality.")


class _FilePartWriter:
    """Parser callbacks: copy the part named ``field`` to a temporary file, skip the rest."""

    def __init__(self, field: str, kind: Upload, max_bytes: int, directory: Path | None) -> None:
        self.field = field.encode()
        self.kind = kind
        self.max_bytes = max_bytes
        self.directory = directory
        self.file: IO[bytes] | None = None
        self.size = 0
        self.complete = False
        self.other_bytes = 0
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._part_name: bytes | None = None
        self._in_file_part = False

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._header_name.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._header_value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._part_name = None

    def _header_end(self) -> None:
        if bytes(self._header_name).lower() == b"content-disposition":
            _, options = parse_options_header(bytes(self._header_value))
            self._part_name = options.get(b"name")
        self._header_name.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        self._in_file_part = self._part_name == self.field
        if not self._in_file_part:
            return
        if self.file is not None:
            name = self.field.decode()
            raise _invalid(
                name, "too_many", f"Send only one file in the field named {name}.", limit=1
            )
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
        self.file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the caller owns the file
            prefix=SPOOL_PREFIX, suffix=".part", dir=self.directory, delete=False
        )

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._in_file_part:
            self.other_bytes += end - start
            if self.other_bytes > UPLOAD_ENVELOPE_BYTES:
                noun = self.kind.noun
                raise PayloadTooLarge.over(
                    UPLOAD_ENVELOPE_BYTES, f"The form besides the {noun}", f"Send only the {noun}."
                )
            return
        self.size += end - start
        if self.size > self.max_bytes:
            raise _too_large(self.max_bytes, self.kind)
        assert self.file is not None
        self.file.write(data[start:end])

    def _part_end(self) -> None:
        if self._in_file_part:
            self.complete = True
            self._in_file_part = False

    def finish(self) -> Path:
        assert self.file is not None
        self.file.close()
        return Path(self.file.name)

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()
            Path(self.file.name).unlink(missing_ok=True)


async def receive_upload(
    request: Request,
    *,
    field: str,
    max_bytes: int,
    directory: Path | None = None,
    kind: Upload = DRAWING,
) -> Path:
    """Stream the multipart part named ``field`` into a new temporary file and return its path.

    The caller deletes the file. On any error no file is left behind.
    """
    content_type, options = parse_options_header(request.headers.get("content-type"))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise _invalid(
            field,
            "wrong_type",
            f"Send the {kind.noun} as multipart/form-data in a field named {field}.",
            expected="multipart/form-data",
        )
    body_limit = max_bytes + UPLOAD_ENVELOPE_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > body_limit:
        raise _too_large(max_bytes, kind)

    writer = _FilePartWriter(field, kind, max_bytes, directory)
    try:
        parser = MultipartParser(boundary, writer.callbacks())
        received = 0
        async for chunk in request.stream():
            # Bytes outside any part (preamble, epilogue) count too, so the body is bounded.
            received += len(chunk)
            if received > body_limit:
                raise _too_large(max_bytes, kind)
            parser.write(chunk)
        parser.finalize()
        if writer.file is None:
            raise _invalid(
                field,
                "required",
                f"No file was sent. Put the {kind.noun} in a field named {field}.",
            )
        if not writer.complete:
            raise BadRequest(f"The upload was cut off before the end. Send the {kind.noun} again.")
        if writer.size == 0:
            raise _invalid(
                field, "empty", f"The file is empty. Choose the {kind.noun} again and upload it."
            )
        return writer.finish()
    except FormParserError as exc:
        writer.discard()
        raise BadRequest(
            f"The multipart body could not be read. Send the {kind.noun} again."
        ) from exc
    except OSError as exc:
        writer.discard()
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull(kind.noun) from exc
        raise
    except BaseException:
        writer.discard()
        raise


@contextlib.asynccontextmanager
async def spooled_upload(
    request: Request, *, field: str, max_bytes: int, directory: Path, kind: Upload
) -> AsyncIterator[Path]:
    """``receive_upload``'s file, deleted when the block ends however it ends."""
    path = await receive_upload(
        request, field=field, max_bytes=max_bytes, directory=directory, kind=kind
    )
    try:
        yield path
    except StorageFull as full:
        # The storage knows it is full, not what it was asked to keep: the upload does.
        raise StorageFull(kind.noun) from full
    finally:
        path.unlink(missing_ok=True)


def _invalid(field: str, code: str, message: str, **params: int | str) -> InvalidInput:
    return InvalidInput([FieldError(field, code, message, params)])


def _too_large(max_bytes: int, kind: Upload) -> PayloadTooLarge:
    return PayloadTooLarge.over(max_bytes, "The file", kind.smaller)
