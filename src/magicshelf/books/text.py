"""Cleaning of what teachers type: NFC, trimmed, no control characters, honest lengths.

Each rule is stated twice, on purpose and side by side: ``_clean`` enforces it and
``_schema`` documents it as JSON Schema (a ``pattern`` and lengths) in /openapi.json, so a
client, or a fuzzer, knows beforehand what is accepted. tests/books/test_text.py checks
that the two agree. Lengths are counted after tidying (NFC, line breaks, trimming).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

_ALLOWED_IN_TEXT = {"\n", "\t", "\r"}
# What str.strip() removes that is not a control character (those are refused anyway).
# Written as regular-expression escapes: they go into the schema's patterns as they are.
_SPACES = r"\u0020\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_CONTROLS = r"\u0000-\u001f\u007f-\u009f"
_CONTROLS_BUT_TEXT = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"


def _clean(value: str, *, limit: int, multiline: bool, required: bool) -> str:
    if any(unicodedata.category(ch) == "Cs" for ch in value):
        raise PydanticCustomError("invalid_characters", "must be valid Unicode text")
    allowed = _ALLOWED_IN_TEXT if multiline else set()
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
        raise PydanticCustomError("control_characters", "must not contain control characters")
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if required and not value:
        raise PydanticCustomError("empty", "must not be empty")
    return within(value, limit)


def within(value: str, limit: int) -> str:
    """The tidied text, if it has at most ``limit`` characters."""
    if len(value) > limit:
        raise PydanticCustomError(
            "too_long",
            "must be at most {limit} characters (it has {actual})",
            {"limit": limit, "actual": len(value)},
        )
    return value


def _cleaner(limit: int, *, multiline: bool, required: bool) -> Callable[[str], str]:
    def clean(value: str) -> str:
        return _clean(value, limit=limit, multiline=multiline, required=required)

    return clean


def _schema(limit: int, *, multiline: bool, required: bool) -> Any:
    allowed = f"[^{_CONTROLS_BUT_TEXT if multiline else _CONTROLS}]"
    visible = f"[^{_CONTROLS}{_SPACES}]"
    pattern = f"^{allowed}*{visible}{allowed}*$" if required else f"^{allowed}*$"
    return Field(
        json_schema_extra={
            "maxLength": limit,
            "minLength": 1 if required else 0,
            "pattern": pattern,
        }
    )


def _rules(limit: int, *, multiline: bool = False, required: bool = True) -> tuple[Any, Any]:
    return (
        AfterValidator(_cleaner(limit, multiline=multiline, required=required)),
        _schema(limit, multiline=multiline, required=required),
    )


def _whole(value: object) -> object:
    # JSON has one kind of number: 2026.0 is the integer 2026 (JSON Schema agrees).
    return int(value) if isinstance(value, float) and value.is_integer() else value


WHOLE_NUMBER = BeforeValidator(_whole)
Title = Annotated[str, *_rules(120)]
PersonName = Annotated[str, *_rules(80)]
SchoolName = Annotated[str, *_rules(120)]
PageText = Annotated[str, *_rules(1500, multiline=True, required=False)]
