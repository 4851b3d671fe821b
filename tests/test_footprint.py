"""What a worker loads: the libraries only some requests need wait for those requests.

Each would cost every worker megabytes of RSS (bench/NOTES.md): PyAV and FFmpeg's
libraries ~17 MB, boto3 ~10, pypdf ~7, redis-py ~6. A worker that families read and
print books from, on the embedded defaults, loads none of them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from magicshelf import migrations
from magicshelf.settings import Settings

ON_DEMAND = ("av", "boto3", "pypdf", "redis")

_A_FAMILY_READS_AND_PRINTS = """
import asyncio, sys
import httpx
import magicshelf.cli
from magicshelf.app import create_app
from magicshelf.settings import Settings

async def main() -> None:
    app = create_app(Settings(data_dir=sys.argv[1]))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://shelf") as http:
            book = {"title": "O Sapo", "author": "Rui", "teacher": "Ana"}
            code = (await http.post("/api/books", json=book)).json()["magic_code"]
            for path in (f"/api/books/{code}", f"/read/{code}", f"/api/books/{code}/pdf"):
                assert (await http.get(path)).status_code == 200, path
    print("loaded:", *(name for name in sys.argv[2:] if name in sys.modules))

asyncio.run(main())
"""


def test_a_worker_loads_recording_pdf_stitching_s3_and_redis_only_when_used(
    tmp_path: Path,
) -> None:
    migrations.upgrade(Settings(data_dir=tmp_path))
    script = [sys.executable, "-c", _A_FAMILY_READS_AND_PRINTS, str(tmp_path), *ON_DEMAND]
    # No MAGICSHELF_* from the environment: the embedded defaults, as `make run` has them.
    env = {"PATH": "/usr/bin:/bin"}
    loaded = subprocess.run(
        script, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.splitlines()[-1].split() == ["loaded:"]
