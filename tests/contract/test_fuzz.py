"""The published contract, checked by a fuzzer against a real ``magicshelf serve``.

schemathesis reads /openapi.json and runs every phase (the schema's examples, coverage of
its edge cases, random fuzzing, and stateful sequences that follow the schema's links:
create a book, then read, edit, draw and delete it with its edit key) with every check
it has. Any failure, on SQLite or PostgreSQL, fails the suite: the fix belongs in the
code or the schema, never in a list of exclusions. hooks.py teaches it the two things
JSON Schema cannot say (valid magic codes, real pictures).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.served import served

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
# Examples per operation and phase; MAGICSHELF_FUZZ_EXAMPLES=500 for a long hunt.
EXAMPLES = int(os.environ.get("MAGICSHELF_FUZZ_EXAMPLES", "60"))


def test_the_fuzzer_finds_no_failure(empty_database_url: str, tmp_path: Path) -> None:
    env = {
        "MAGICSHELF_DATA_DIR": str(tmp_path / "data"),
        "MAGICSHELF_DATABASE_URL": empty_database_url,
        # Guessing codes is what a fuzzer does; the limiter has tests of its own and would
        # otherwise answer 429 to everything after the first 20 misses.
        "MAGICSHELF_MISS_LIMIT": "1000000",
        "MAGICSHELF_LOGIN_FAILURES_PER_ADDRESS": "1000000",  # likewise for passwords
        "MAGICSHELF_LOGIN_FAILURES_PER_ACCOUNT": "1000000",
        "MAGICSHELF_WRITE_LIMIT": "1000000",  # and for creates and uploads
    }
    with served(env) as server:
        admin = {"name": "Fuzz", "email": "fuzz@magicshelf.test", "password": "fuzz-fuzz-fuzz"}
        signed_up = httpx.post(f"{server.url}/api/teachers", json=admin)
        assert signed_up.status_code == 201, signed_up.text
        login = {"email": admin["email"], "password": admin["password"]}
        fuzz = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{server.url}/openapi.json",
                "--checks",
                "all",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--max-examples",
                str(EXAMPLES),
                "--request-timeout",
                "30",
            ],
            env={
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "PYTHONPATH": str(ROOT),
                "SCHEMATHESIS_HOOKS": "tests.contract.hooks",
                "MAGICSHELF_FUZZ_SERVER": server.url,
                "MAGICSHELF_FUZZ_SESSION": signed_up.cookies["magicshelf_session"],
                "MAGICSHELF_FUZZ_LOGIN": json.dumps(login),
                "NO_COLOR": "1",
            },
            cwd=tmp_path,  # its example database stays out of the work tree
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    report = fuzz.stdout[-20_000:] + fuzz.stderr[-5_000:]
    assert fuzz.returncode == 0, report
    assert "Traceback" not in server.output, server.output[-5_000:]
