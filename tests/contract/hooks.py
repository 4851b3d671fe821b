"""What the fuzzer needs to know beyond JSON Schema, loaded by schemathesis (SCHEMATHESIS_HOOKS).

- ``format: magic-code``: a pattern says which strings look like codes, but not the check
  symbol, so valid codes are drawn here, typed the ways people type them.
- ``image/png``, ``image/jpeg``, ``image/webp`` (the drawing upload's part types): real
  small pictures, so that uploads exercise the whole image pipeline.
- ``audio/*`` (the recording upload's part types): a real second of voice-like sound.
- ``text/plain`` and ``text/csv`` (the roster's bodies and file part types): rosters as
  teachers write them, names one per line or as Excel's CSV, in its encodings. Which
  names a text holds is a rule about lines, beyond what a string schema says.
- A teacher's session: the test signs up the school's admin before the run and hands the
  cookie over (MAGICSHELF_FUZZ_SESSION); it is sent to every teacher and class operation,
  and renewed by signing in again whenever the fuzzer has signed it out.
- Edit keys: each book's key is kept from the answer that created it and sent as the
  Bearer token of later changes to that book. Given as auth (not as a link parameter),
  the fuzzer knows the key is real, and also checks that changes without it, or with a
  wrong one, are refused.
"""

from __future__ import annotations

import io
import json
import os
import urllib.request
from typing import Any

import schemathesis
from hypothesis import strategies as st
from PIL import Image

from magicshelf.books import codes
from magicshelf.classes.roster import NAME_PATTERN, clean_name, read_text
from magicshelf.errors import InvalidCode, InvalidInput
from tests.voices.test_api import reading

_EDIT_KEYS: dict[str, str] = {}  # compact magic code → edit key, for books made in this run

_SEPARATORS = st.sampled_from(["", "", "-", " ", "\u2013"])


@st.composite
def typed_codes(draw: st.DrawFn) -> str:
    body = draw(st.text(alphabet=codes.ALPHABET, min_size=8, max_size=8))
    compact = body + codes.check_symbol(body)
    typed = "".join(symbol + draw(_SEPARATORS) for symbol in compact).strip(" -\u2013")
    return typed.lower() if draw(st.booleans()) else typed


@st.composite
def pictures(draw: st.DrawFn, *, kind: str) -> bytes:
    width = draw(st.integers(min_value=1, max_value=64))
    height = draw(st.integers(min_value=1, max_value=64))
    colour = draw(st.tuples(*[st.integers(0, 255)] * 3))
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, kind)
    return buffer.getvalue()


def _is_roster_name(name: str) -> bool:
    """Whether a line of just this name is read as this one name (not as a header)."""
    try:
        return read_text(name.encode(), csv_declared=False, field="-").names == (clean_name(name),)
    except (InvalidInput, ValueError):
        return False


_NAMES = st.lists(
    st.from_regex(NAME_PATTERN, fullmatch=True).filter(_is_roster_name), min_size=1, max_size=40
)
_ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])


def _encoded(text: str, encoding: str) -> bytes:
    """In this encoding if it can hold the text unambiguously; else in UTF-8, as Excel would."""
    try:
        data = text.encode(encoding)
        if encoding == "cp1252":
            data.decode("utf-8")  # would be read as UTF-8: not what this draw meant
            return text.encode()
    except UnicodeDecodeError:
        return data
    except UnicodeEncodeError:
        return text.encode()
    return data


@st.composite
def name_lists(draw: st.DrawFn) -> bytes:
    return _encoded("\n".join(draw(_NAMES)), draw(_ENCODINGS))


@st.composite
def excel_csvs(draw: st.DrawFn) -> bytes:
    rows = ["Nº;Nome;Turma"] if draw(st.booleans()) else []
    rows += [f"{n};{name};3º B" for n, name in enumerate(draw(_NAMES), start=1)]
    return _encoded("\r\n".join(rows), draw(_ENCODINGS))


_SESSION = {"cookie": os.environ.get("MAGICSHELF_FUZZ_SESSION", "")}
_LOGIN = json.loads(os.environ.get("MAGICSHELF_FUZZ_LOGIN", "{}"))
_SERVER = os.environ.get("MAGICSHELF_FUZZ_SERVER", "")


def _sign_in_again() -> str:
    request = urllib.request.Request(
        f"{_SERVER}/api/session",
        data=json.dumps(_LOGIN).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        cookie = answer.headers["Set-Cookie"].split(";")[0]
    return str(cookie.split("=", 1)[1])


@schemathesis.hook
def after_call(context: schemathesis.HookContext, case: schemathesis.Case, response: Any) -> None:
    ended = (case.operation.method.upper(), case.operation.path) == ("DELETE", "/api/session")
    if ended and response.status_code == 204:
        _SESSION["cookie"] = ""  # the next teacher request signs in again
    made = (case.operation.method.upper(), case.operation.path) == ("POST", "/api/books")
    if made and response.status_code == 201:
        created = response.json()
        _EDIT_KEYS[codes.parse(created["magic_code"])] = created["edit_key"]


@schemathesis.auth(refresh_interval=None)
class TeacherSession:
    def get(self, case: schemathesis.Case, context: Any) -> str | None:
        path = case.operation.path
        if not path.startswith(("/api/classes", "/api/me", "/api/session", "/api/invitations")):
            return None
        if not _SESSION["cookie"]:
            _SESSION["cookie"] = _sign_in_again()
        return _SESSION["cookie"]

    def set(self, case: schemathesis.Case, data: str, context: Any) -> None:
        case.cookies = {**(case.cookies or {}), "magicshelf_session": data}


@schemathesis.auth(refresh_interval=None)
class EditKeys:
    def get(self, case: schemathesis.Case, context: Any) -> str | None:
        try:
            return _EDIT_KEYS.get(codes.parse(str((case.path_parameters or {}).get("code", ""))))
        except InvalidCode:
            return None

    def set(self, case: schemathesis.Case, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


schemathesis.openapi.format("magic-code", typed_codes())
for media_type, kind in (("image/png", "PNG"), ("image/jpeg", "JPEG"), ("image/webp", "WEBP")):
    schemathesis.openapi.media_type(media_type, pictures(kind=kind))
# Any recording type the upload names gets a real one: the bytes decide, not the type.
for media_type in ("audio/webm", "audio/mp4", "audio/ogg", "audio/mpeg", "audio/wav"):
    schemathesis.openapi.media_type(media_type, st.just(reading(1.0)))
schemathesis.openapi.media_type("text/plain", name_lists())
schemathesis.openapi.media_type("text/csv", excel_csvs())
