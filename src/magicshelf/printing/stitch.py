"""Many PDFs made one, written to a file as they come: a class's books for the printer.

Why not draw every book on one reportlab canvas: reportlab keeps every object of a
document, each drawing's JPEG included, until ``save()`` formats the whole file in
memory. A class of 30 books with six drawings each would hold all 180 drawings, then the
whole PDF, at once. Here each book is rendered on its own (``render_pdf``, exactly as
its single download) and its pages are copied into the output object by object: what is
held is one book, plus the output's page list and cross-reference offsets.

Only what the pages reach is copied, each page pointing at the output's page tree; every
book keeps its own font subsets (tens of KB each), so its pages look exactly as alone.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import BytesIO
from typing import IO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)


@contextmanager
def _collected_when_done() -> Iterator[None]:
    """Pause Python's automatic collection while a book is made; then free what it left.

    reportlab's canvas and pypdf's reader leave reference cycles that hold a book's bytes
    (about two books' worth). Left to the collector, they are promoted while the book is
    made and die in the oldest generation, where several books pile up before a full
    collection, which costs tens of milliseconds in a served worker. Paused, every object
    of the book stays young, and a young collection frees them all in under a millisecond.

    The pause is the process's: other threads' garbage waits the ~0.1 s too. Two render
    threads overlapping their pauses only make the later one's collection less complete.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
    gc.collect(0)


# Written last but numbered first: every copied page names the tree as its parent.
_PAGES, _CATALOG, _INFO = 1, 2, 3
_HEADER = b"%PDF-1.4\n%\x93\x8c\x8b\x9e\n"  # the comment's high bytes mark the file binary


class _Copied(IndirectObject):
    """A reference to an object of the output, told apart from the input's own."""


def _reference(number: int) -> _Copied:
    return _Copied(number, 0, None)


class PdfStitcher:
    """Appends the pages of whole PDFs to one output file; ``finish()`` completes it."""

    def __init__(self, output: IO[bytes]) -> None:
        self._output = output
        self._offsets: dict[int, int] = {}
        self._pages: list[int] = []
        self._next = _INFO + 1
        output.write(_HEADER)

    @property
    def page_count(self) -> int:
        return len(self._pages)

    def append(self, pdf: bytes) -> None:
        """Copy every page of ``pdf``, in order, with everything its pages use."""
        self._copy_pages(PdfReader(BytesIO(pdf)))

    def append_made(self, make: Callable[[], bytes]) -> None:
        """Make a PDF and append it; what making and reading it left behind is freed."""
        with _collected_when_done():
            self.append(make())

    def _copy_pages(self, reader: PdfReader) -> None:
        numbers: dict[int, int] = {}  # the input's object numbers -> the output's
        waiting: list[tuple[int, PdfObject]] = []

        def renumbered(value: PdfObject) -> PdfObject:
            # In place: the reader is dropped after this book. A direct object that two
            # pages share (inherited resources) is met twice, and then holds _Copied.
            if isinstance(value, _Copied):
                return value
            if isinstance(value, IndirectObject):
                if value.idnum not in numbers:
                    numbers[value.idnum] = self._number()
                    waiting.append((numbers[value.idnum], value))
                return _reference(numbers[value.idnum])
            if isinstance(value, DictionaryObject):  # streams too: their data stays as is
                for key, item in value.items():
                    value[key] = renumbered(item)
            elif isinstance(value, ArrayObject):
                value[:] = [renumbered(item) for item in value]
            return value

        for page in reader.pages:  # pypdf has put inherited attributes on each page
            number = self._number()
            assert page.indirect_reference is not None  # pages of a parsed file have one
            numbers[page.indirect_reference.idnum] = number
            page[NameObject("/Parent")] = _reference(_PAGES)
            self._write(number, renumbered(page))
            self._pages.append(number)
            while waiting:
                copied, source = waiting.pop()
                target = source.get_object()  # None: a reference to no object means null
                self._write(copied, NullObject() if target is None else renumbered(target))

    def finish(self, *, title: str, author: str) -> None:
        """Write the page tree, catalog, metadata and cross-reference table."""
        tree = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Count"): NumberObject(len(self._pages)),
                NameObject("/Kids"): ArrayObject(_reference(n) for n in self._pages),
            }
        )
        catalog = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Catalog"),
                NameObject("/Pages"): _reference(_PAGES),
                NameObject("/Lang"): TextStringObject("pt"),
            }
        )
        info = DictionaryObject(
            {
                NameObject("/Title"): TextStringObject(title),
                NameObject("/Author"): TextStringObject(author),
                NameObject("/Creator"): TextStringObject("MagicShelf"),
            }
        )
        for number, value in ((_PAGES, tree), (_CATALOG, catalog), (_INFO, info)):
            self._write(number, value)
        size = self._next
        xref = self._output.tell()
        entries = [b"0000000000 65535 f \n"]
        entries += [b"%010d 00000 n \n" % self._offsets[n] for n in range(1, size)]
        self._output.write(b"xref\n0 %d\n" % size + b"".join(entries))
        trailer = b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\n" % (
            size,
            _CATALOG,
            _INFO,
        )
        self._output.write(trailer + b"startxref\n%d\n%%%%EOF\n" % xref)

    def _number(self) -> int:
        self._next += 1
        return self._next - 1

    def _write(self, number: int, value: PdfObject) -> None:
        self._offsets[number] = self._output.tell()
        self._output.write(b"%d 0 obj\n" % number)
        value.write_to_stream(self._output)
        self._output.write(b"\nendobj\n")
