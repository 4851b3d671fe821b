"""docs/deploy.md's shell blocks, run as written with the machine's folders moved."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

from tests.deploy.dockerfile import ROOT
from tests.test_readme import shell_blocks

DEPLOY = ROOT / "docs" / "deploy.md"


def deploy_commands(heading: str, moved: Mapping[str, Path | str]) -> str:
    """The section's commands, with each folder of ``moved`` replaced (/opt/… → a temp dir)."""
    script = shell_blocks(heading, DEPLOY)
    for folder, replacement in moved.items():
        assert folder in script, f"{heading!r} does not mention {folder}"
        script = script.replace(folder, str(replacement))
    return script


def run_commands(script: str, cwd: Path, env: Mapping[str, str]) -> str:
    """Run them with bash -euo pipefail (a failing line fails); what they printed."""
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def headings_with_commands() -> list[str]:
    """Every heading of docs/deploy.md whose own section holds a ```sh block."""
    text = DEPLOY.read_text(encoding="utf-8")
    sections = re.split(r"\n(?=#{2,3} )", text)
    return [
        section.splitlines()[0]
        for section in sections
        if section.startswith("#") and re.search(r"```sh\n", section)
    ]
