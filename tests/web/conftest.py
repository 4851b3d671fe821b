"""Fixtures for the pages: a live server and one real headless Chromium for the session.

The browser is Debian's Chromium (``scripts/test-deps`` installs it); Playwright only
drives it, so ``playwright install`` is never needed.

Playwright's sync API marks its event loop as running in the main thread while a browser
is open: ``asyncio.run`` (the migrations) and the async tests of other modules cannot run
meanwhile. So the server starts before the browser, and both last one module (the browser
tests are all in one) rather than the session.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from magicshelf import migrations
from magicshelf.app import create_app
from magicshelf.settings import Settings
from tests.images import drawing, encode

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parents[1] / "screenshots"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
DEVICES: dict[str, dict[str, Any]] = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
STORY = [
    "Era uma vez uma árvore que adorava música.",
    "Quando o vento soprava, ela balançava os galhos e dançava.",
    "Os passarinhos vieram ver o que estava acontecendo.",
    "O sabiá cantou, o bem-te-vi assobiou e a coruja bateu as asas.",
    "Logo a floresta inteira estava dançando junto com a árvore.",
    "E desde então, toda noite, há uma festa na floresta.\nFim!",
]


@dataclass(frozen=True)
class Book:
    code: str
    key: str
    json: dict[str, Any]


def _free_socket() -> socket.socket:
    # Bound here and handed to uvicorn, so no other process can take the port in between.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serving(data_dir: Path, **overrides: Any) -> Iterator[str]:
    """The whole app on SQLite and local media under ``data_dir``, freshly migrated,
    served by uvicorn in a background thread; ``overrides`` are other settings
    (``max_audio_seconds=3``)."""
    settings = Settings(
        data_dir=data_dir, database_url=f"sqlite:///{data_dir}/live.sqlite3", **overrides
    )
    # On a thread of its own: asyncio.run refuses to start while Playwright's sync API
    # holds the main thread's loop (a browser opened by an earlier test).
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(migrations.upgrade, settings).result()
    config = uvicorn.Config(
        create_app(settings), log_level="warning", lifespan="on", ws="none", access_log=False
    )
    server = uvicorn.Server(config)
    with _free_socket() as sock:
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive(), "the server stopped while starting"
            assert time.monotonic() < deadline, "the server did not start in 30 s"
            time.sleep(0.02)
        host, port = sock.getsockname()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=30)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("live")) as url:
        yield url


@pytest.fixture
def empty_server(tmp_path: Path) -> Iterator[str]:
    """A server of its own for one test, starting with no teacher, class or book."""
    with serving(tmp_path / "empty") as url:
        yield url


@pytest.fixture(scope="module")
def browser(live_server: str) -> Iterator[Browser]:
    # Playwright gives every launch a fresh temporary user data dir, removed on close.
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=list(DEVICES))
def device(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def new_context(browser: Browser, base_url: str, device: str, **options: Any) -> BrowserContext:
    return browser.new_context(base_url=base_url, locale="pt-BR", **{**DEVICES[device], **options})


@pytest.fixture
def context(browser: Browser, live_server: str, device: str) -> Iterator[BrowserContext]:
    browser_context = new_context(browser, live_server, device)
    yield browser_context
    browser_context.close()


@contextmanager
def checked_page(context: BrowserContext) -> Iterator[Page]:
    """A tab that fails the test on any script error or console error (a CSP refusal too)."""
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def on_console(message: ConsoleMessage) -> None:
        # The browser logs every 4xx answer; the tests cause some on purpose.
        if message.type == "error" and "Failed to load resource" not in message.text:
            problems.append(f"console: {message.text}")

    tab.on("console", on_console)
    yield tab
    assert problems == []


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    with checked_page(context) as tab:
        yield tab


def run_axe(page: Page) -> list[dict[str, Any]]:
    # Evaluated through the DevTools protocol, which the page's CSP does not restrict.
    page.evaluate(AXE.read_text())
    result: dict[str, Any] = page.evaluate("() => axe.run(document)")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


def assert_accessible(page: Page) -> None:
    violations = run_axe(page)
    assert not violations, describe(violations)


def screenshot(page: Page, name: str, device: str, *, full_page: bool = True) -> None:
    """Saved for people to look at; ``full_page=False`` keeps what the screen shows (a
    dialog in front of the page)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{device}.png", full_page=full_page)


def drawing_file(directory: Path, name: str, width: int, height: int, seed: int) -> Path:
    image_format = "PNG" if name.endswith(".png") else "JPEG"
    path = directory / name
    path.write_bytes(encode(drawing(width, height, seed=seed), image_format))
    return path


@pytest.fixture(scope="module")
def sample_book(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Book:
    """A finished book made through the API: six texts, drawings on pages 1 and 2."""
    folder = tmp_path_factory.mktemp("drawings")
    with httpx.Client(base_url=live_server) as http:
        created = http.post(
            "/api/books",
            json={
                "title": "A Árvore que Dançava",
                "author": "Maria Eduarda",
                "teacher": "Professora Ana Lúcia",
                "school": "EMEF Monteiro Lobato",
                "pages": [{"number": n, "text": text} for n, text in enumerate(STORY, 1)],
            },
        ).json()
        code, key = created["magic_code"], created["edit_key"]
        auth = {"Authorization": f"Bearer {key}"}
        for number, path in (
            (1, drawing_file(folder, "um.png", 1200, 900, seed=1)),
            (2, drawing_file(folder, "dois.jpg", 900, 1600, seed=2)),
        ):
            response = http.put(
                f"/api/books/{code}/pages/{number}/illustration",
                files={"file": (path.name, path.read_bytes())},
                headers=auth,
            )
            assert response.status_code == 200, response.text
        book = http.get(f"/api/books/{code}").json()
    return Book(code=code, key=key, json=book)
