"""CSS, JavaScript and icons under /static, with the content's hash in the path.

Pages link ``/static/v-<hash>/reader.js``: the hash changes with any file in the folder,
so browsers may keep a file forever, and an ES module's relative imports (``./api.js``)
inherit the same version. Any other version is still served (a page rendered by an older
replica during a rolling deploy), but only revalidated, never kept.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"
MOUNT_PATH = "/static"
_VERSION_FOLDER = re.compile(r"v-([0-9a-f]{1,64})")
FOREVER = "public, max-age=31536000, immutable"
UNVERSIONED = "public, max-age=3600"
STALE_VERSION = "no-cache"


def folder_version(directory: Path) -> str:
    """A short hash of every file's name and bytes in ``directory``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class VersionedStaticFiles(StaticFiles):
    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory)
        self.version = folder_version(directory)

    def url(self, name: str) -> str:
        return f"{MOUNT_PATH}/v-{self.version}/{name}"

    def _split(self, scope: Scope) -> tuple[str | None, str]:
        """(version or None, path of the file inside the folder)."""
        path = super().get_path(scope)
        first, _, rest = path.partition(os.sep)
        match = _VERSION_FOLDER.fullmatch(first)
        return (match.group(1), rest) if match and rest else (None, path)

    def get_path(self, scope: Scope) -> str:
        return self._split(scope)[1]

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        version, _ = self._split(scope)
        if version is None:
            response.headers["Cache-Control"] = UNVERSIONED
        else:
            response.headers["Cache-Control"] = (
                FOREVER if version == self.version else STALE_VERSION
            )
        return response
