"""The Dockerfile's own steps, run without Docker: what CI can check of the image.

The build stage's WORKDIR, ENV, COPY and RUN steps are read from the Dockerfile and run in
a temporary folder standing for the image's root (its /opt, /src and /data moved under it),
with a fresh virtualenv made by the RUN step itself. Then the final stage's PATH and CMD
start the server, and its HEALTHCHECK command is run against it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import httpx

from tests.deploy.dockerfile import ROOT, Stage, python_folder, stages
from tests.served import free_port, served

# The image's own folders; anything else the steps name (/usr/bin, …) is the machine's.
IMAGE_PATH = re.compile(r"(?<![\w./])/(opt|src|data)\b")


class Image:
    """A folder standing for the image's file system."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shims = python_folder(root / "usr-local-bin", "python")  # the base image's
        self.env = {"PATH": f"{shims}:/usr/bin:/bin", "HOME": str(root / "home")}

    def path(self, text: str) -> str:
        return IMAGE_PATH.sub(lambda found: f"{self.root}{found.group(0)}", text)

    def build(self, stage: Stage) -> None:
        workdir = self.root
        for step in stage.instructions:
            if step.keyword == "WORKDIR":
                workdir = Path(self.path(step.arguments))
                workdir.mkdir(parents=True, exist_ok=True)
            elif step.keyword == "ENV":
                self.env.update({key: self.path(v) for key, v in step.assignments().items()})
            elif step.keyword == "COPY":
                *sources, target = step.words()
                self.copy(sources, workdir / target)
            elif step.keyword == "RUN":
                subprocess.run(
                    ["sh", "-euc", self.path(step.arguments)],
                    cwd=workdir,
                    env=self.env,
                    check=True,
                    capture_output=True,
                    timeout=600,
                )
            else:
                raise AssertionError(f"the build stage has a step this test cannot run: {step}")

    @staticmethod
    def copy(sources: list[str], target: Path) -> None:
        into_folder = len(sources) > 1 or str(target).endswith("/") or target.is_dir()
        for source in sources:
            origin = ROOT / source
            destination = target / origin.name if into_folder else target
            destination.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, destination)
            else:
                shutil.copyfile(origin, destination)


def test_the_image_builds_from_the_lock_file_and_serves(tmp_path: Path) -> None:
    build, final = stages()
    image = Image(tmp_path / "image")
    image.build(build)

    # The final stage copies the built virtualenv to the same place: nothing more to do.
    for step in final.all("COPY"):
        origin, target = step.words()[1:]
        assert step.words()[0] == f"--from={build.name}", step
        assert origin == target, step
    runtime = {key: image.path(value) for key, value in final.env().items()}
    runtime["PATH"] = runtime["PATH"].replace("$PATH", image.env["PATH"])
    env = {"HOME": image.env["HOME"], **runtime}
    Path(env["MAGICSHELF_DATA_DIR"]).mkdir()

    program, *arguments = final.all("CMD")[0].words()
    assert arguments == ["serve"]
    found = subprocess.run(
        [program, "--help"], env=env, capture_output=True, text=True, check=False, timeout=60
    )
    assert found.returncode == 0, found.stderr
    assert "serve" in found.stdout
    assert "migrate" in found.stdout
    imported = subprocess.run(
        ["python", "-c", "import magicshelf; print(magicshelf.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert imported.stdout.startswith(str(image.root / "opt"))  # the image's, not the checkout's

    health = final.all("HEALTHCHECK")[0].arguments.split(" CMD ", 1)[1]
    port = env["MAGICSHELF_PORT"]
    with served(env, program=[program]) as server:
        assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
        answering = server.url.rsplit(":", 1)[1]
        check = subprocess.run(
            ["sh", "-c", health.replace(f":{port}/", f":{answering}/")], env=env, timeout=30
        )
        assert check.returncode == 0
    nobody = subprocess.run(
        ["sh", "-c", health.replace(f":{port}/", f":{free_port()}/")],
        env=env,
        capture_output=True,
        timeout=30,
    )
    assert nobody.returncode == 1  # and it does fail when nothing answers
    assert os.listdir(Path(env["MAGICSHELF_DATA_DIR"])) != []  # serve migrated its database
