"""The published contract: /openapi.json, and interactive docs at /docs.

The schema is FastAPI's, with three corrections so that it says what the server does:
operation ids are the endpoint names (the links between operations use them), problems
have their schema (``errors.Problem``), and FastAPI's default 422 answer, a shape this
server never sends, is removed (operations that can answer 422 document it themselves).

The docs are served from the package: no CDN, so they work offline. Swagger UI's page
boots with one inline script, so /docs gets its own, looser policy (inline allowed,
nothing from other origins) instead of the pages' strict one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.routing import APIRoute
from fastapi_offline import __file__ as _fastapi_offline_init
from starlette.staticfiles import StaticFiles

from magicshelf.errors import Problem

ASSETS = "/docs-assets"
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# fastapi-offline ships Swagger UI 5 (needed for OpenAPI 3.1); only its files are used.
SWAGGER_UI_FILES = Path(_fastapi_offline_init).parent / "static"
router = APIRouter(include_in_schema=False)


@router.get("/docs")
async def swagger_ui() -> Response:
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="MagicShelf API",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon.png",
    )
    page.headers["Content-Security-Policy"] = DOCS_POLICY
    return page


def operation_id(route: APIRoute) -> str:
    return route.name


def _corrected(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            content = responses.get("422", {}).get("content", {})
            if "application/json" in content:  # FastAPI's, not ours (problem+json)
                del responses["422"]
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem.pop("$defs"))
    components["Problem"] = problem
    return schema


def install(app: FastAPI) -> None:
    """Requires ``FastAPI(docs_url=None, redoc_url=None, generate_unique_id_function=
    operation_id)``: these docs replace the CDN ones."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _corrected(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=SWAGGER_UI_FILES), name="docs-assets")
