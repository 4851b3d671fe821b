"""Cleaning of what teachers type: NFC, trimmed, no control characters, honest lengths."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, Field

_ALLOWED_IN_TEXT = {"\n", "\t"}


def _clean(value: str, *, limit: int, multiline: bool, required: bool) -> str:
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    allowed = _ALLOWED_IN_TEXT if multiline else set()
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
        raise ValueError("must not contain control characters")
    if required and not value:
        raise ValueError("must not be empty")
    if len(value) > limit:
        raise ValueError(f"must be at most {limit} characters (it has {len(value)})")
    return value


def _cleaner(limit: int, *, multiline: bool, required: bool) -> Callable[[str], str]:
    def clean(value: str) -> str:
        return _clean(value, limit=limit, multiline=multiline, required=required)

    return clean


def _limits(limit: int, *, required: bool) -> Any:
    return Field(json_schema_extra={"maxLength": limit, "minLength": 1 if required else 0})


Title = Annotated[
    str, AfterValidator(_cleaner(120, multiline=False, required=True)), _limits(120, required=True)
]
PersonName = Annotated[
    str, AfterValidator(_cleaner(80, multiline=False, required=True)), _limits(80, required=True)
]
SchoolName = Annotated[
    str, AfterValidator(_cleaner(120, multiline=False, required=True)), _limits(120, required=True)
]
PageText = Annotated[
    str,
    AfterValidator(_cleaner(1500, multiline=True, required=False)),
    _limits(1500, required=False),
]
