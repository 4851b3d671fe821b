"""Byte ranges of a blob (RFC 9110 section 14), as /media answers them.

Safari on iPhone plays audio only from a server that answers ``Range`` requests, and any
player seeks with them. One range is served as 206; a header this module cannot use
(another unit, several ranges, bad syntax) is ignored and the whole blob sent, as the
RFC allows: multipart/byteranges answers are not worth their weight here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_ONE_RANGE = re.compile(r"bytes=[ \t]*(\d*)-(\d*)[ \t]*", re.IGNORECASE)
# Past the end of any blob; also keeps int() away from a header of thousands of digits.
_FAR = 10**18


@dataclass(frozen=True, slots=True)
class ByteRange:
    """``first-last``, ``first-`` (``last`` None: to the end) or ``-suffix`` (``first`` None:
    the last ``last`` bytes), positions counted from 0 and inclusive, as in the header."""

    first: int | None
    last: int | None

    def within(self, size: int) -> range | None:
        """The positions of a ``size``-byte blob asked for, clamped to it; None if none exist."""
        if self.first is None:
            suffix = self.last or 0
            return range(size - min(suffix, size), size) if suffix and size else None
        if self.first >= size:
            return None
        return range(self.first, size if self.last is None else min(self.last + 1, size))

    def header(self) -> str:
        """As a Range header, for a storage that takes one (S3)."""
        first = "" if self.first is None else str(self.first)
        last = "" if self.last is None else str(self.last)
        return f"bytes={first}-{last}"


def parse_range(value: str) -> ByteRange | None:
    """The one byte range a Range header asks for; None for any header not to honour."""
    match = _ONE_RANGE.fullmatch(value)
    if match is None:
        return None
    first, last = (_position(digits) for digits in match.groups())
    if first is None and last is None:
        return None
    if first is not None and last is not None and last < first:
        return None
    return ByteRange(first, last)


def _position(digits: str) -> int | None:
    if not digits:
        return None
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) < 19 else _FAR


def asked_range(headers: Iterable[tuple[bytes, bytes]], etag: str) -> ByteRange | None:
    """The range to serve from raw request headers, or None to send the whole blob.

    ``If-Range`` keeps the range only while the blob is still the one the client has
    part of: its exact (strong) ETag. A date never matches, as /media sends no
    Last-Modified to compare it with.
    """
    wanted = condition = None
    for name, value in headers:
        if name == b"range":
            wanted = value
        elif name == b"if-range":
            condition = value
    if wanted is None:
        return None
    if condition is not None and condition.strip().decode("latin-1") != etag:
        return None
    return parse_range(wanted.decode("latin-1"))


def content_range(span: range, size: int) -> bytes:
    return f"bytes {span.start}-{span.stop - 1}/{size}".encode()
