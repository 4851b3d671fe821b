"""What every JSON shape of the API has in common.

``Input``: what clients send, with no unknown fields and no type coercion (``"1"`` is not
a number). ``Output``: what the API answers, exactly these fields; the test suite checks
every answer against them (tests/contract/wire.py). ``timestamp``: how moments are
written, UTC with a ``Z``.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Output(BaseModel):
    model_config = ConfigDict(extra="forbid")


def timestamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
