"""The magicshelf command, run as an operator would: migrate, demo, gc."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest

from magicshelf import migrations
from magicshelf.books import codes
from magicshelf.cli import main
from tests.served import command, free_port, served


def magicshelf(
    data_dir: Path, database_url: str | None, *args: str, **settings: str
) -> subprocess.CompletedProcess[str]:
    """The command with these MAGICSHELF_* settings (no database URL: the data dir's)."""
    env = {
        "MAGICSHELF_DATA_DIR": str(data_dir),
        **({"MAGICSHELF_DATABASE_URL": database_url} if database_url else {}),
        **{f"MAGICSHELF_{name.upper()}": value for name, value in settings.items()},
    }
    return command(env, *args)


def test_demo_creates_a_readable_book_and_gc_runs(empty_database_url: str, tmp_path: Path) -> None:
    migrated = magicshelf(tmp_path, empty_database_url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "up to date" in migrated.stdout

    demo = magicshelf(tmp_path, empty_database_url, "demo")
    assert demo.returncode == 0, demo.stderr
    lines = dict(line.split(":", 1) for line in demo.stdout.splitlines() if ":" in line)
    code = lines["Magic code"].strip()
    assert codes.is_valid(code.replace("-", ""))
    assert len(lines["Edit key"].strip()) == 34  # seven groups of four
    assert lines["Read it"].strip() == f"http://127.0.0.1:8000/read/{code}"
    login = {"email": lines["Teacher"].strip(), "password": lines["Password"].strip()}
    assert "admin" in demo.stdout  # the first account of this school

    # The demo teacher signs in with the password printed once and finds her class.
    env = {"MAGICSHELF_DATA_DIR": str(tmp_path), "MAGICSHELF_DATABASE_URL": empty_database_url}
    with served(env) as server, httpx.Client(base_url=server.url) as http:
        assert http.post("/api/session", json=login).status_code == 200
        (listed,) = http.get("/api/classes").json()["classes"]
        turma = http.get(f"/api/classes/{listed['id']}").json()
        assert [b["published"] for b in turma["books"]] == [True, False, False, False]
        first = http.get(turma["books"][0]["links"]["book"]).json()
        assert all(page["text"] for page in first["pages"])
        assert http.get(turma["books"][1]["links"]["book"]).status_code == 200  # hers
        draft = httpx.get(f"{server.url}{turma['books'][1]['links']['book']}")
        assert draft.status_code == 404  # a family sees a draft as still being written

    again = magicshelf(tmp_path, empty_database_url, "demo")
    relogin = dict(line.split(":", 1) for line in again.stdout.splitlines() if ":" in line)
    assert relogin["Password"].strip() != login["password"]

    collected = magicshelf(tmp_path, empty_database_url, "gc", "--grace", "0")
    assert collected.returncode == 0, collected.stderr
    assert "Deleted 0 unreferenced blob(s)" in collected.stdout  # for the person at hand
    assert "18 old blob(s) are in use" in collected.stdout  # six drawings, three renditions
    logged = [json.loads(line) for line in collected.stdout.splitlines() if line.startswith("{")]
    [finished] = [line for line in logged if line["message"] == "gc finished"]  # for the log
    assert (finished["deleted"], finished["kept"], finished["freed_bytes"]) == (0, 18, 0)


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("MAGICSHELF_PORT", "0", "MAGICSHELF_PORT"),
        ("MAGICSHELF_MAX_UPLOAD_BYTES", "-5", "MAGICSHELF_MAX_UPLOAD_BYTES"),
        ("MAGICSHELF_DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("MAGICSHELF_STORAGE_URL", "ftp://x", "STORAGE_URL"),
        ("MAGICSHELF_PUBLIC_URL", "livros.escola.example", "PUBLIC_URL"),
        ("MAGICSHELF_PUBLIC_URL", "https://escola.example/livros", "origin"),
        ("MAGICSHELF_SIGNUP", "sometimes", "MAGICSHELF_SIGNUP"),
        ("MAGICSHELF_STORAGE_URL", "s3://bucket?colour=blue", "colour"),
        ("MAGICSHELF_REDIS_URL", "localhost:6379", "REDIS_URL"),
        ("MAGICSHELF_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/x", "cannot reach"),
    ],
)
def test_nonsense_settings_stop_with_one_clear_line(
    tmp_path: Path, variable: str, value: str, says: str
) -> None:
    result = command({"MAGICSHELF_DATA_DIR": str(tmp_path), variable: value}, "migrate")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert says in result.stderr


def test_serve_migrates_a_fresh_data_dir_then_answers(tmp_path: Path) -> None:
    with served({"MAGICSHELF_DATA_DIR": str(tmp_path)}) as server:
        created = httpx.post(
            f"{server.url}/api/books", json={"title": "Ô", "author": "Ana", "teacher": "Bia"}
        )
        assert created.status_code == 201, created.text
        read = httpx.get(f"{server.url}/api/books/{created.json()['magic_code']}")
        assert read.json()["title"] == "Ô"
    assert server.returncode == 0, server.output
    assert "Database is up to date." in server.output
    assert (tmp_path / "magicshelf.sqlite3").is_file()


def test_serve_stops_when_migrations_cannot_run(tmp_path: Path) -> None:
    unreachable = "postgresql://nobody@127.0.0.1:1/x"
    result = magicshelf(tmp_path, unreachable, "serve", "--port", str(free_port()))
    assert result.returncode == 2
    assert "cannot reach the database" in result.stderr


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("sqlite:////proc/no-such-dir/x.sqlite3", "cannot open the SQLite database"),
        ("postgresql://nobody@no-such-host.invalid/x", "cannot reach the database"),
    ],
)
def test_unreachable_databases_are_named(tmp_path: Path, url: str, says: str) -> None:
    result = magicshelf(tmp_path, url, "migrate")
    assert (result.returncode, result.stderr.strip().count("\n")) == (2, 0), result.stderr
    assert says in result.stderr


def test_a_missing_postgresql_database_is_named(postgres_server: str, tmp_path: Path) -> None:
    missing = postgres_server.rsplit("/", 1)[0] + "/no_such_database"
    result = magicshelf(tmp_path, missing, "migrate")
    assert result.returncode == 2
    assert "the database refused the connection" in result.stderr
    assert "no_such_database" in result.stderr


def test_other_failures_are_shown_as_themselves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(settings: object) -> None:
        raise ValueError("a bug, not a setting")

    monkeypatch.setenv("MAGICSHELF_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(migrations, "upgrade", broken)
    with pytest.raises(ValueError, match="a bug, not a setting"):
        main(["migrate"])


def test_demo_says_whether_the_running_server_shows_its_book(tmp_path: Path) -> None:
    served_dir, other_dir = tmp_path / "served", tmp_path / "other"
    with served({"MAGICSHELF_DATA_DIR": str(served_dir)}) as server:
        port = server.url.rsplit(":", 1)[1]
        for data_dir, says in (
            (served_dir, "yes, by the server"),
            (other_dir, "NOT by the server"),
        ):
            demo = magicshelf(data_dir, None, "demo", port=port)
            assert demo.returncode == 0, demo.stderr
            served_line = next(
                line for line in demo.stdout.splitlines() if line.startswith("Served:")
            )
            assert says in served_line
            assert str(data_dir) in demo.stdout  # where it went
            # No migration chatter unless -v (logs are on stdout).
            assert "alembic" not in (demo.stdout + demo.stderr).lower()
    help_text = magicshelf(tmp_path, None, "--help").stdout
    assert "``" not in help_text
    assert "book" in help_text
