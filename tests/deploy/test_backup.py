"""Back up, lose everything, restore, upgrade: docs/deploy.md's blocks on a real instance.

A teacher and a book with a drawing are made through HTTP; the backup is taken while the
server runs; the database and the pictures are deleted; the restore and the upgrade run
as written; a new server shows the same book, the same drawing bytes and lets the teacher
sign in. On SQLite (the default place in MAGICSHELF_DATA_DIR) and on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import httpx

from tests.deploy.doc import deploy_commands, run_commands
from tests.deploy.dockerfile import ROOT
from tests.images import drawing, encode
from tests.postgres import bin_dir
from tests.served import served

ENV_FILE = "/etc/magicshelf/magicshelf.env"
BACKUPS = "/var/backups/magicshelf"
TEACHER = {"name": "Ana Lúcia", "email": "ana@escola.example", "password": "girassol-azul-42"}
SERVICE_UID = 10001  # the folder's owner, as systemd's DynamicUser would be


def make_a_school(url: str) -> tuple[dict[str, object], str, bytes]:
    """A teacher, a book with a drawing on page 1: the book's JSON, its code, the drawing."""
    with httpx.Client(base_url=url, timeout=30) as http:
        assert http.post("/api/teachers", json=TEACHER).status_code == 201
        answer = http.post(
            "/api/books",
            json={
                "title": "A Árvore que Dançava",
                "author": "Maria Eduarda",
                "teacher": "Professora Ana Lúcia",
                "school": "EMEF Monteiro Lobato",
                "pages": [{"number": 1, "text": "Era uma vez uma árvore."}],
            },
        )
        assert answer.status_code == 201, answer.text
        code, key = answer.json()["magic_code"], answer.json()["edit_key"]
        uploaded = http.put(
            f"/api/books/{code}/pages/1/illustration",
            headers={"Authorization": f"Bearer {key}"},
            files={"file": ("desenho.jpg", encode(drawing(), "JPEG"), "image/jpeg")},
        )
        assert uploaded.status_code == 200, uploaded.text
        picture = http.get(uploaded.json()["url"]).content
        return http.get(f"/api/books/{code}").json(), code, picture


def delete_everything(data_dir: Path, database_url: str) -> None:
    shutil.rmtree(data_dir)  # SQLite's file, its WAL, and every picture
    if database_url.startswith("postgresql"):
        # The database lost, and a new empty one made, as on a new server.
        server, name = database_url.rsplit("/", 1)
        for statement in (f"DROP DATABASE {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
            subprocess.run(
                [str(bin_dir() / "psql"), f"{server}/postgres", "-qc", statement],
                check=True,
                capture_output=True,
                timeout=60,
            )
    data_dir.mkdir()
    if os.geteuid() == 0:  # as on a real machine, the service's user owns its folder
        os.chown(data_dir, SERVICE_UID, SERVICE_UID)


def test_back_up_delete_restore_and_upgrade(empty_database_url: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    settings = {"MAGICSHELF_DATA_DIR": str(data_dir)}
    if empty_database_url.startswith("postgresql"):
        settings["MAGICSHELF_DATABASE_URL"] = empty_database_url
    env_file = tmp_path / "magicshelf.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in settings.items()), "utf-8")
    backups = tmp_path / "backups"
    # /opt/magicshelf as docs/deploy.md's Install makes it, from this checkout.
    installed = tmp_path / "opt"
    (installed / "bin").mkdir(parents=True)
    (installed / "bin" / "magicshelf").symlink_to(Path(sys.executable).parent / "magicshelf")
    (installed / "bin" / "magicshelf-backup").symlink_to(ROOT / "scripts" / "backup")
    moved = {ENV_FILE: env_file, BACKUPS: backups, "/opt/magicshelf": installed}
    tools = {"PATH": f"{bin_dir()}:/usr/bin:/bin"}  # pg_dump of the server's version

    with served(settings) as server:
        book, code, picture = make_a_school(server.url)
        run_commands(deploy_commands("### Back up", moved), cwd=ROOT, env=tools)
    (taken,) = backups.iterdir()
    assert sorted(p.name for p in taken.iterdir()) == sorted(
        [
            "media.tar",
            "database.pgdump" if "MAGICSHELF_DATABASE_URL" in settings else "database.sqlite3",
        ]
    )

    delete_everything(data_dir, empty_database_url)
    run_commands(deploy_commands("### Restore", moved), cwd=ROOT, env=tools)
    if os.geteuid() == 0:
        restored = [p for p in data_dir.rglob("*") if p.is_file()]
        assert restored
        assert {p.stat().st_uid for p in restored} == {SERVICE_UID}

    run_commands(deploy_commands("## Upgrades and migrations", moved), cwd=ROOT, env=tools)
    assert (backups / "before-upgrade").is_dir()

    with served({**settings, "MAGICSHELF_AUTO_MIGRATE": "false"}) as server:
        again = httpx.get(f"{server.url}/api/books/{code}")
        assert again.status_code == 200
        assert again.json() == book
        illustration = again.json()["pages"][0]["illustration"]
        assert httpx.get(f"{server.url}{illustration['url']}").content == picture
        assert httpx.get(f"{server.url}{illustration['thumbnail_url']}").status_code == 200
        login = {"email": TEACHER["email"], "password": TEACHER["password"]}
        signed_in = httpx.post(f"{server.url}/api/session", json=login)
        assert signed_in.status_code == 200
        assert signed_in.json()["name"] == TEACHER["name"]


def test_with_pictures_in_s3_only_the_database_is_backed_up(tmp_path: Path) -> None:
    database = tmp_path / "magicshelf.sqlite3"
    with closing(sqlite3.connect(database)) as made:
        made.execute("CREATE TABLE books (id INTEGER)")
    env = {
        "PATH": "/usr/bin:/bin",
        "MAGICSHELF_DATABASE_URL": f"sqlite:///{database}",
        "MAGICSHELF_STORAGE_URL": "s3://magicshelf?endpoint=http://127.0.0.1:9&region=us-east-1",
    }
    backup = tmp_path / "backup"

    def create() -> subprocess.CompletedProcess[str]:
        command = [str(ROOT / "scripts" / "backup"), "create", str(backup)]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    done = create()
    assert done.returncode == 0, done.stderr
    assert "pictures are in S3 storage, not copied" in done.stderr
    assert [p.name for p in backup.iterdir()] == ["database.sqlite3"]
    assert create().returncode != 0  # an existing backup is never overwritten
