"""The README's tours, run as written against a real server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.served import served

README = Path(__file__).resolve().parents[1] / "README.md"
TOUR_BASE = "http://127.0.0.1:8000"


def shell_blocks(heading: str, document: Path = README) -> str:
    """The ```sh blocks of the section under the heading (up to the next heading)."""
    text = document.read_text(encoding="utf-8")
    section = text[text.index(f"\n{heading}\n") + len(heading) + 2 :]
    section = section[: re.search(r"\n#{2,3} ", section).start()]  # type: ignore[union-attr]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert blocks, f"no shell block under {heading!r}"
    return "\n".join(blocks)


def run_tour(
    heading: str, database_url: str, tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The section's commands run in a new folder against a fresh server; and that folder."""
    env = {"MAGICSHELF_DATA_DIR": str(tmp_path / "data"), "MAGICSHELF_DATABASE_URL": database_url}
    folder = tmp_path / "tour"
    folder.mkdir()
    with served(env) as server:
        script = shell_blocks(heading).replace(TOUR_BASE, server.url)
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script.replace(".venv/bin/python", sys.executable)],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert run.returncode == 0, run.stderr
    return run, folder


def test_the_two_minute_tour_runs_as_written(empty_database_url: str, tmp_path: Path) -> None:
    run, folder = run_tour("## A two-minute tour", empty_database_url, tmp_path)
    assert run.stdout.endswith("204\n")  # deleted at the end
    assert "}304\n" in run.stdout  # the revalidation, after the book JSON
    assert '"type":"/problems/invalid-magic-code"' in run.stdout
    for pdf in ("livro.pdf", "livro-dobrar.pdf"):
        assert (folder / pdf).read_bytes().startswith(b"%PDF-"), pdf
    # Page 1's recording: the WAV made in the tour, stored as AAC, then a range of it.
    answer = re.search(r'\{"url":"/media/[0-9a-f]{64}\.m4a",[^}]*\}', run.stdout)
    assert answer, run.stdout
    recording = json.loads(answer.group())
    assert recording["content_type"] == "audio/mp4"
    assert 1.9 <= recording["duration_seconds"] <= 2.1
    # The range's headers follow (text mode has turned their CRLFs into newlines).
    headers = run.stdout[answer.end() :].split("\n\n")[0].lower().splitlines()
    assert headers[0] == "http/1.1 206 partial content", headers
    assert any(re.fullmatch(r"content-range: bytes 0-1/\d+", line) for line in headers), headers
    assert "accept-ranges: bytes" in headers
    assert "content-type: audio/mp4" in headers
    assert "content-length: 2" in headers


def test_the_class_tour_runs_as_written(empty_database_url: str, tmp_path: Path) -> None:
    run, folder = run_tour("### For a whole class", empty_database_url, tmp_path)
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
