"""The README's tour for a whole class, run as written against a real server."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from tests.served import served

README = Path(__file__).resolve().parents[1] / "README.md"
TOUR_BASE = "http://127.0.0.1:8000"


def shell_block(heading: str) -> str:
    """The first ```sh block after the heading."""
    text = README.read_text(encoding="utf-8")
    after = text[text.index(f"\n{heading}\n") :]
    match = re.search(r"```sh\n(.*?)```", after, flags=re.DOTALL)
    assert match is not None, f"no shell block after {heading!r}"
    return match.group(1)


def test_the_class_tour_runs_as_written(empty_database_url: str, tmp_path: Path) -> None:
    env = {
        "MAGICSHELF_DATA_DIR": str(tmp_path / "data"),
        "MAGICSHELF_DATABASE_URL": empty_database_url,
    }
    folder = tmp_path / "tour"
    folder.mkdir()
    with served(env) as server:
        script = shell_block("### For a whole class").replace(TOUR_BASE, server.url)
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    signed_up, preview = json.loads(lines[0]), json.loads(lines[1])
    assert signed_up["is_admin"] is True
    assert preview["names"] == ["Maria Eduarda Souza", "João Pedro Lima"]
    assert preview["understood"] == {
        "format": "csv",
        "encoding": "windows-1252",
        "delimiter": ";",
        "header": True,
        "column": 2,
    }
    overview = [line for line in lines if re.match(r"^\w{3}-\w{3}-\w{3} ", line)]
    assert [line[12:] for line in overview] == [
        "Maria Eduarda Souza T.....",
        "João Pedro Lima ......",
    ]
    assert lines[2] == "200"  # page 1's text, saved with the session
    assert lines[-4:] == ["404", "200", "200", "204"]
    for pdf in ("slips.pdf", "turma.pdf"):
        assert (folder / pdf).read_bytes().startswith(b"%PDF-"), pdf
    assert sorted(p.name for p in folder.iterdir()) == [
        "jar.txt",
        "roster.json",
        "slips.pdf",
        "turma.csv",
        "turma.pdf",
    ]
