"""``magicshelf teacher invite|reset``: links an admin hands over from the server's shell."""

from __future__ import annotations

from pathlib import Path

import httpx

from magicshelf.app import create_app
from magicshelf.settings import Settings
from tests.test_cli import magicshelf


async def test_invite_then_sign_up_then_reset(empty_database_url: str, tmp_path: Path) -> None:
    assert magicshelf(tmp_path, empty_database_url, "migrate").returncode == 0
    invited = magicshelf(tmp_path, empty_database_url, "teacher", "invite", "Bia@Escola.br")
    assert invited.returncode == 0, invited.stderr
    assert invited.stdout.startswith("Invitation link for bia@escola.br (works once, for 72 h):")
    url = invited.stdout.splitlines()[1]
    assert url.startswith("http://127.0.0.1:8000/studio?invitation=")
    token = url.rsplit("=", 1)[1]

    app = create_app(Settings(data_dir=tmp_path, database_url=empty_database_url, signup="invite"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            body = {"name": "Bia", "email": "bia@escola.br", "password": "margarida-roxa-7"}
            joined = await http.post("/api/teachers", json={**body, "invitation": token})
            assert joined.status_code == 201, joined.text

    again = magicshelf(tmp_path, empty_database_url, "teacher", "invite", "bia@escola.br")
    assert (again.returncode, again.stderr.count("\n")) == (2, 1)
    assert "already has an account" in again.stderr
    reset = magicshelf(tmp_path, empty_database_url, "teacher", "reset", "bia@escola.br")
    assert reset.returncode == 0, reset.stderr
    assert "/studio?reset=" in reset.stdout
    nobody = magicshelf(tmp_path, empty_database_url, "teacher", "reset", "eve@escola.br")
    assert (nobody.returncode, nobody.stderr.strip()) == (
        2,
        "magicshelf: no teacher has the email eve@escola.br",
    )
    bad = magicshelf(tmp_path, empty_database_url, "teacher", "invite", "not an email")
    assert bad.returncode == 2
