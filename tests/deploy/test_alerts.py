"""deploy/alerts.yml and deploy/grafana-dashboard.json: valid for the tools that load them,
and asking only for metrics and label values that a running MagicShelf exports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import httpx
import pytest
import yaml

from magicshelf.limits.window import Decision
from tests.served import served

ROOT = Path(__file__).resolve().parents[2]
ALERTS = ROOT / "deploy" / "alerts.yml"
DASHBOARD = ROOT / "deploy" / "grafana-dashboard.json"
ALERT_TESTS = Path(__file__).with_name("alerts.test.yml")

_METRIC = re.compile(r"\bmagicshelf_[a-z0-9_]+\b")
_MATCHER = re.compile(r'(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')
_SAMPLE = re.compile(r"^(\w+)(?:\{(.*)\})? ")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
# Labels Prometheus adds, or whose values are numbers matched by pattern (status=~"5..").
_NOT_OURS = {"job", "instance", "le", "status"}


def promtool(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    found = shutil.which("promtool")
    assert found, "promtool is missing: run scripts/test-deps (Debian package prometheus)"
    return subprocess.run(
        [found, *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def alert_expressions() -> list[str]:
    rules = yaml.safe_load(ALERTS.read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def dashboard_panels() -> Iterator[dict[str, Any]]:
    for panel in json.loads(DASHBOARD.read_text())["panels"]:
        yield panel
        yield from panel.get("panels", [])


def dashboard_expressions() -> list[str]:
    return [target["expr"] for panel in dashboard_panels() for target in panel.get("targets", [])]


def test_promtool_accepts_the_alert_rules() -> None:
    checked = promtool("check", "rules", str(ALERTS))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(alert_expressions())} rules found" in checked.stdout


def test_the_alerts_fire_when_they_should_and_not_before() -> None:
    tested = promtool("test", "rules", ALERT_TESTS.name, cwd=ALERT_TESTS.parent)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout


def test_every_dashboard_query_is_promql_that_prometheus_parses(tmp_path: Path) -> None:
    # Grafana fills in its variables; with them filled the way it would, each query must
    # parse as Prometheus would parse it: as a recording rule, promtool checks that.
    expressions = dashboard_expressions()
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [
                    {
                        "record": f"dashboard:query{number}",
                        "expr": expr.replace("$__rate_interval", "5m").replace("$instance", ".*"),
                    }
                    for number, expr in enumerate(expressions)
                ],
            }
        ]
    }
    path = tmp_path / "dashboard-rules.yml"
    path.write_text(yaml.safe_dump(rules))
    checked = promtool("check", "rules", str(path))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(expressions)} rules found" in checked.stdout


def test_the_dashboard_is_one_grafana_dashboard_of_distinct_placed_panels() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] == "magicshelf"
    assert {variable["name"] for variable in dashboard["templating"]["list"]} == {
        "datasource",
        "instance",
    }
    panels = list(dashboard_panels())
    assert len({panel["id"] for panel in panels}) == len(panels)
    places = [(panel["gridPos"]["x"], panel["gridPos"]["y"]) for panel in panels]
    assert len(set(places)) == len(places)
    for panel in panels:
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        if panel["type"] != "row":
            assert panel["targets"], panel["title"]
            assert panel["datasource"]["uid"] == "${datasource}"


def exported(text: str) -> tuple[set[str], dict[str, set[str]]]:
    """The sample names /metrics can show, and every value seen per label."""
    names: set[str] = set()
    values: dict[str, set[str]] = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            suffixes = ("_bucket", "_count", "_sum") if kind == "histogram" else ("",)
            names |= {name + suffix for suffix in suffixes}
        elif (sample := _SAMPLE.match(line)) and sample.group(2):
            for label, value in _LABEL.findall(sample.group(2)):
                values.setdefault(label, set()).add(value)
    return names, values


def asked_for(expressions: list[str]) -> tuple[set[str], dict[str, set[str]]]:
    """The metric names the queries use, and the label values they match exactly."""
    names: set[str] = set()
    values: dict[str, set[str]] = {}
    for expr in expressions:
        names |= set(_METRIC.findall(expr))
        for label, operator, value in _MATCHER.findall(expr):
            if label in _NOT_OURS or operator not in ("=", "=~"):
                continue
            # PromQL string escapes, then the regex's: /api/books/\\{code\\} is literal.
            literal = value.replace("\\\\", "\\").replace("\\{", "{").replace("\\}", "}")
            values.setdefault(label, set()).update(literal.split("|"))
    return names, values


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_alerts_and_dashboard_ask_only_for_what_a_running_app_exports(
    tmp_path: Path, database_url: str
) -> None:
    env = {"MAGICSHELF_DATA_DIR": str(tmp_path), "MAGICSHELF_DATABASE_URL": database_url}
    with served(env) as server, httpx.Client(base_url=server.url) as http:
        # The routes the rules name, answered once each so their labels exist.
        book = {"title": "O Gato", "author": "Ana", "teacher": "Prof. Rita"}
        created = http.post("/api/books", json=book)
        assert created.status_code == 201, created.text
        code = created.json()["magic_code"]
        assert http.get(f"/api/books/{code}").status_code == 200
        assert http.get(f"/read/{code}").status_code == 200
        assert http.get("/readyz").status_code == 200
        text = http.get("/metrics").text
    names, values = exported(text)
    values["decision"] = set(get_args(Decision))  # counted only once a limiter decides

    used, matched = asked_for(alert_expressions() + dashboard_expressions())
    assert len(used) >= 15  # the extraction found the queries' metrics
    assert used <= names, f"not exported: {sorted(used - names)}"
    assert {"route", "operation", "decision", "method"} <= set(matched)
    assert values["pool"] == {"orm", "reads"}  # the panels split by pool
    for label, wanted in matched.items():
        assert wanted <= values.get(label, set()), f"{label}: not exported {wanted - values[label]}"
