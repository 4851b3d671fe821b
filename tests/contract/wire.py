"""Every answer the test suite gets is checked against /openapi.json, as it happens.

The suite's ``client`` runs ``Contract.check`` on each response: an API operation's
status must be documented for it, its content type must be one the operation declares,
and a JSON body must validate against the documented schema (output models forbid
extra fields, so a field the code adds and the schema lacks fails here). Pages, /docs
and requests for methods an address does not take are not operations, so not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
import jsonschema_rs
import orjson


@dataclass(frozen=True)
class _Operation:
    pattern: re.Pattern[str]
    method: str
    responses: dict[str, Any]


class Contract:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.operations = [
            _Operation(_path_pattern(template), method.upper(), operation["responses"])
            for template, methods in spec["paths"].items()
            for method, operation in methods.items()
        ]
        self._validators: dict[str, jsonschema_rs.Validator] = {}

    def check(self, response: httpx.Response) -> None:
        request = response.request
        operation = self._find(request.method, request.url.path)
        if operation is None:
            return
        where = f"{request.method} {request.url.path} → {response.status_code}"
        documented = operation.responses.get(str(response.status_code))
        assert documented is not None, f"{where}: status not documented"
        content = documented.get("content", {})
        media_type = response.headers.get("content-type", "").split(";")[0]
        if not content or not response.content:
            assert not response.content, f"{where}: body not documented"
            return
        assert media_type in content, f"{where}: {media_type} not in {list(content)}"
        schema = content[media_type].get("schema")
        if schema is None or "json" not in media_type:
            return
        errors = [
            str(e) for e in self._validator(schema).iter_errors(orjson.loads(response.content))
        ]
        assert not errors, f"{where}: the body breaks its schema: {errors}"

    def _find(self, method: str, path: str) -> _Operation | None:
        return next(
            (o for o in self.operations if o.method == method and o.pattern.fullmatch(path)),
            None,
        )

    def _validator(self, schema: dict[str, Any]) -> jsonschema_rs.Validator:
        key = orjson.dumps(schema, option=orjson.OPT_SORT_KEYS).decode()
        found = self._validators.get(key)
        if found is None:
            root = {**schema, "components": self.spec["components"]}
            found = jsonschema_rs.Draft202012Validator(root)
            self._validators[key] = found
        return found


def _path_pattern(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)))
