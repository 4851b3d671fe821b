"""One school: the install block of docs/deploy.md, and deploy/magicshelf.service on it.

No systemd runs here, so the unit is checked by `systemd-analyze verify` and its ExecStart
is run with its EnvironmentFile, as systemd would start it.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from magicshelf.settings import Settings
from tests.deploy.doc import deploy_commands, run_commands
from tests.deploy.dockerfile import ROOT, python_folder
from tests.served import served

UNIT = ROOT / "deploy" / "magicshelf.service"
BACKUP_UNITS = [
    ROOT / "deploy" / "magicshelf-backup.service",
    ROOT / "deploy" / "magicshelf-backup.timer",
]
BACKUPS = "/var/backups/magicshelf"
ENV_FILE = ROOT / "deploy" / "magicshelf.env"
PREFIX = "/opt/magicshelf"
STATE = "/var/lib/magicshelf"


def unit_settings(text: str) -> dict[str, list[str]]:
    """``Key=value`` lines of a unit (a key may repeat), sections ignored."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if re.match(r"^\w+=", line):
            key, value = line.split("=", 1)
            found.setdefault(key, []).append(value)
    return found


def env_file(text: str) -> dict[str, str]:
    """An EnvironmentFile as systemd and `set -a; . file` both read it: KEY=value lines."""
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            assert re.fullmatch(r"[^\s'\"$`\\]*", value), f"{key}: keep values plain"
            values[key] = value
    return values


def test_the_env_file_holds_settings_magicshelf_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    values = env_file(ENV_FILE.read_text(encoding="utf-8"))
    unknown = [
        k for k in values if k.removeprefix("MAGICSHELF_").lower() not in Settings.model_fields
    ]
    assert unknown == []
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    settings = Settings()
    assert settings.data_dir == Path(STATE)
    assert settings.public_url == "https://livros.escola.example"
    assert unit_settings(UNIT.read_text(encoding="utf-8"))["EnvironmentFile"] == [
        "/etc/magicshelf/magicshelf.env"
    ]


def test_install_as_documented_then_the_unit_verifies_and_starts(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"  # a release's checkout: what `pip install .` reads
    checkout.mkdir()
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / part, checkout / part)
    for part in ("requirements", "scripts", "src"):
        shutil.copytree(ROOT / part, checkout / part)
    prefix = tmp_path / "opt"
    installed = run_commands(
        deploy_commands("### Install", {PREFIX: prefix}),
        cwd=checkout,
        env={"PATH": f"{python_folder(tmp_path / 'bin', 'python3.11')}:/usr/bin:/bin"},
    )
    assert "serve" in installed  # `magicshelf --help`, last line of the block

    units = tmp_path / "units"
    units.mkdir()
    for original in (UNIT, *BACKUP_UNITS):
        text = original.read_text(encoding="utf-8").replace(PREFIX, str(prefix))
        (units / original.name).write_text(text, "utf-8")
    unit = units / UNIT.name
    verified = subprocess.run(
        ["systemd-analyze", "verify", *sorted(map(str, units.iterdir()))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (verified.returncode, verified.stderr) == (0, "")  # not even a warning

    state = tmp_path / "state"
    state.mkdir()
    settings = unit_settings(unit.read_text(encoding="utf-8"))
    assert settings["StateDirectory"] == ["magicshelf"]  # systemd makes /var/lib/magicshelf
    assert settings["WorkingDirectory"] == [STATE]
    env = {
        key: value.replace(STATE, str(state))
        for key, value in env_file(ENV_FILE.read_text(encoding="utf-8")).items()
    }
    program, *arguments = settings["ExecStart"][0].split()
    assert arguments == ["serve"]
    with served(env, program=[program]) as server:
        ready = httpx.get(f"{server.url}/readyz")
        assert ready.status_code == 200, ready.text
    assert (state / "magicshelf.sqlite3").exists()  # its first start made the database there

    # The nightly backup's command, with systemd's escapes ($$, %%) read as systemd does.
    backup = unit_settings((units / BACKUP_UNITS[0].name).read_text(encoding="utf-8"))
    assert backup["EnvironmentFile"] == settings["EnvironmentFile"]
    command = backup["ExecStart"][0].replace("$$", "$").replace("%%", "%")
    backups = tmp_path / "backups"
    subprocess.run(
        shlex.split(command.replace(BACKUPS, str(backups))),
        env={"PATH": "/usr/bin:/bin", **env},
        check=True,
        timeout=120,
    )
    (taken,) = backups.iterdir()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", taken.name)
    assert sorted(p.name for p in taken.iterdir()) == ["database.sqlite3", "media.tar"]
