"""PATCH bodies: every field may be left out, and some may not be sent as null.

``Kept[T]`` is such a field: absent means unchanged, and null is refused with the
``cannot_remove`` field error. Pydantic runs the check only for fields that were sent.
The model's schema must say so too: ``kept_in_schema`` turns their ``anyOf [T, null]``
back into plain ``T``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

_T = TypeVar("_T")


def _refuse_null(value: object) -> object:
    if value is None:
        raise PydanticCustomError("cannot_remove", "cannot be removed, only changed")
    return value


Kept = Annotated[_T | None, BeforeValidator(_refuse_null)]


def kept_in_schema(*names: str, example: JsonDict) -> Callable[[JsonDict], None]:
    def fix(schema: JsonDict) -> None:
        properties: dict[str, Any] = schema["properties"]  # type: ignore[assignment]
        for name in names:
            field = properties[name]
            field.update(next(s for s in field.pop("anyOf") if s.get("type") != "null"))
            field.pop("default", None)
        schema["examples"] = [example]

    return fix
