"""compose.yaml, the Dockerfile and deploy/nginx.conf checked without a Docker engine.

The Compose Specification's JSON schema comes from a package registry (scripts/compose-spec,
pinned by version and sha256); the rest is checked against the app itself: its settings,
its routes and its default port.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import jsonschema
import pytest
import yaml

from magicshelf.app import create_app
from magicshelf.settings import Settings
from tests.deploy.dockerfile import ROOT, stages

COMPOSE = ROOT / "compose.yaml"
NGINX = ROOT / "deploy" / "nginx.conf"
SCHEMA = ROOT / ".cache" / "compose-spec" / "compose_spec.json"
LOCAL_URL = re.compile(r"http://127\.0\.0\.1:(\d+)(/[\w/-]*)")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    if not SCHEMA.exists():  # a clean clone: fetch it the way scripts/test-deps does
        subprocess.run([str(ROOT / "scripts" / "compose-spec")], check=True, timeout=300)
    loaded: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def schema_errors(schema: dict[str, Any], document: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft201909Validator(schema)
    return [
        f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(document)
    ]


def test_compose_yaml_follows_the_compose_specification(
    schema: dict[str, Any], compose: dict[str, Any]
) -> None:
    assert schema_errors(schema, compose) == []
    # What the file relies on is in that schema, so a typo in it would be caught.
    service = schema["definitions"]["service"]["properties"]
    assert {"profiles", "deploy", "healthcheck"} <= set(service)
    assert "service_completed_successfully" in json.dumps(service["depends_on"])


@pytest.mark.parametrize(
    "mistake",
    [
        lambda c: c["services"]["app"].update(depends_no=["redis"]),
        lambda c: c["services"]["app"]["deploy"].update(replicas="two"),
        lambda c: c["services"]["app"]["depends_on"]["redis"].update(condition="up"),
        lambda c: c["services"]["proxy"].update(ports="8080:80"),
    ],
    ids=["unknown key", "replicas not a number", "unknown condition", "ports not a list"],
)
def test_the_schema_check_catches_mistakes(
    schema: dict[str, Any], compose: dict[str, Any], mistake: Callable[[dict[str, Any]], None]
) -> None:
    broken = copy.deepcopy(compose)
    mistake(broken)
    assert schema_errors(schema, broken), "the schema accepted a broken compose.yaml"


def test_every_service_it_depends_on_exists_and_can_meet_the_condition(
    compose: dict[str, Any],
) -> None:
    services: dict[str, Any] = compose["services"]
    assert {"postgres", "minio", "redis", "migrate", "app", "proxy", "gc"} <= set(services)
    for name, service in services.items():
        for needed, rule in service.get("depends_on", {}).items():
            assert needed in services, f"{name} depends on a missing service {needed}"
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[needed], f"{needed} has no health check"
            if rule["condition"] == "service_completed_successfully":
                one_shot = services[needed]
                assert "command" in one_shot or "entrypoint" in one_shot, needed
    assert services["app"]["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert services["gc"]["profiles"] == ["maintenance"]  # never started by `up`


def app_environments(compose: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The environment of every service built from this repository's Dockerfile."""
    return {
        name: service["environment"]
        for name, service in compose["services"].items()
        if service.get("build") == "."
    }


def test_every_magicshelf_variable_compose_and_the_dockerfile_set_is_a_setting(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    environments = app_environments(compose)
    assert set(environments) == {"migrate", "app", "gc"}
    first = environments["app"]
    assert all(env == first for env in environments.values())  # one YAML anchor for all
    assert first["MAGICSHELF_REDIS_URL"] == "redis://redis:6379/0"
    image_env = {key: value for stage in stages() for key, value in stage.env().items()}
    for source, variables in (("compose.yaml", first), ("Dockerfile", image_env)):
        names = [key for key in variables if key.startswith("MAGICSHELF_")]
        unknown = [
            key
            for key in names
            if key.removeprefix("MAGICSHELF_").lower() not in Settings.model_fields
        ]
        assert names, f"{source} sets no MAGICSHELF_ variable"
        assert unknown == [], f"{source} sets variables MagicShelf does not read"
    # And together they are settings MagicShelf starts with (a bad value would stop it).
    for key, value in {**image_env, **first}.items():
        monkeypatch.setenv(key, value)
    settings = Settings()
    assert settings.database_url == "postgresql+asyncpg://magicshelf:change-me@postgres/magicshelf"
    assert settings.storage_url.startswith("s3://magicshelf?")
    assert settings.auto_migrate is False


def test_the_app_may_finish_its_requests_before_docker_kills_it(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in app_environments(compose)["app"].items():
        monkeypatch.setenv(key, value)
    grace = compose["services"]["app"]["stop_grace_period"]
    assert re.fullmatch(r"\d+s", grace), grace
    assert int(grace[:-1]) > Settings().shutdown_timeout_seconds


def health_checks(compose: dict[str, Any]) -> dict[str, str]:
    """Every health check that asks the app over HTTP, by where it is written."""
    image = {
        f"Dockerfile ({stage.name})": step.arguments
        for stage in stages()
        for step in stage.all("HEALTHCHECK")
    }
    services = {
        f"compose.yaml ({name})": " ".join(service["healthcheck"]["test"])
        for name, service in compose["services"].items()
        if service.get("build") == "." and "healthcheck" in service
    }
    return {**image, **services}


async def test_health_checks_ask_what_the_app_answers_on_the_port_it_listens_on(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    checks = health_checks(compose)
    assert set(checks) == {"Dockerfile (1)", "compose.yaml (app)"}
    final = stages()[-1]
    exposed = final.all("EXPOSE")[0].arguments
    port = str(Settings.model_fields["port"].default)
    assert exposed == final.env()["MAGICSHELF_PORT"] == port
    app = create_app(Settings(data_dir=tmp_path))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app") as http,
    ):
        for where, command in checks.items():
            asked = LOCAL_URL.findall(command)
            assert asked, f"{where} asks nothing over HTTP: {command}"
            for check_port, path in asked:
                assert check_port == port, f"{where} asks port {check_port}, the app uses {port}"
                answer = await http.get(path)
                assert answer.status_code == 200, f"{where} asks {path}: {answer.status_code}"


def test_ports_line_up_from_the_published_port_to_the_app(compose: dict[str, Any]) -> None:
    nginx = NGINX.read_text(encoding="utf-8")
    upstream = re.findall(r"server app:(\d+);", nginx)
    listen = re.findall(r"listen (\d+);", nginx)
    assert upstream == [str(Settings.model_fields["port"].default)]
    published, container = compose["services"]["proxy"]["ports"][0].split(":")
    assert listen == [container]
    mounted = compose["services"]["proxy"]["volumes"][0].split(":")[0]
    assert (ROOT / mounted).resolve() == NGINX
    public = urlsplit(app_environments(compose)["app"]["MAGICSHELF_PUBLIC_URL"])
    assert public.port == int(published)  # the origin teachers' browsers send
