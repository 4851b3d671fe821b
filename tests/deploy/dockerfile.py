"""The Dockerfile read as instructions, so tests check and run what it says, not a copy."""

from __future__ import annotations

import json
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


def python_folder(folder: Path, *names: str) -> Path:
    """A folder for PATH where each name runs the Python 3.11 running the tests.

    What a base image or a school's machine calls ``python`` or ``python3.11``; the real
    interpreter, not this checkout's virtualenv (nor a version manager's shim).
    """
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).symlink_to(Path(sys.executable).resolve())
    return folder


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: RUN, COPY, ENV, …
    arguments: str  # as written, continuation lines joined

    def words(self) -> list[str]:
        """The arguments in exec form (a JSON list) or as the shell would split them."""
        if self.arguments.startswith("["):
            return list(json.loads(self.arguments))
        return shlex.split(self.arguments)

    def assignments(self) -> dict[str, str]:
        """An ENV step's ``KEY=value`` pairs."""
        return dict(pair.split("=", 1) for pair in self.words())


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [step for step in self.instructions if step.keyword == keyword]

    def env(self) -> dict[str, str]:
        """ENV as the stage sets it (``KEY=value`` pairs; later ones win)."""
        values: dict[str, str] = {}
        for step in self.all("ENV"):
            values.update(step.assignments())
        return values


def stages(path: Path = DOCKERFILE) -> list[Stage]:
    """Each FROM starts a stage; comments dropped, backslash-continued lines joined."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    found: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, arguments = line.partition(" ")
        keyword, arguments = keyword.upper(), re.sub(r"\s+", " ", arguments.strip())
        if keyword == "FROM":
            base, _, name = arguments.partition(" AS ")
            found.append(Stage(name=name or str(len(found)), base=base))
        else:
            found[-1].instructions.append(Instruction(keyword, arguments))
    return found
