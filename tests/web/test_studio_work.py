"""The studio keeps the teacher's work, in a real headless Chromium.

A double tap makes one book, a lost answer retried makes no second; the key stays on
screen (a reload too) until she has kept it, and prints on a card; texts save by
themselves, a failed save is said and retried, and leaving with unsaved text asks first.
Without JavaScript the studio shows only its notice.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, Request, Route, expect

from tests.web.conftest import assert_accessible, checked_page, new_context, screenshot

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
PAGE_PUT = re.compile(r"/api/books/[^/]+/pages/\d$")


def fill_details(page: Page, title: str) -> None:
    page.get_by_label("Título do livro").fill(title)
    page.get_by_label("Autor ou autora").fill("Lia")
    page.get_by_label("Professor ou professora").fill("Rui")


def creates(requests: list[Request]) -> list[Request]:
    return [r for r in requests if r.method == "POST" and r.url.endswith("/api/books")]


def books_in(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("select count(*) from books").fetchone()
    return int(count)


@pytest.fixture
def fresh(browser: Browser, empty_server: str, device: str) -> Iterator[Page]:
    """A tab on a server of its own, whose database says how many books were made."""
    context = new_context(browser, empty_server, device)
    try:
        with checked_page(context) as tab:
            yield tab
    finally:
        context.close()


def new_book(page: Page, title: str = "Guardado") -> tuple[str, str]:
    page.goto("/studio")
    fill_details(page, title)
    page.get_by_role("button", name="Criar livro").click()
    panel = page.locator("#key-panel")
    expect(panel).to_be_visible()
    return panel.locator("[data-created-code]").inner_text(), panel.locator(
        "[data-created-key]"
    ).inner_text()


def text_on_server(page: Page, code: str, number: int) -> str:
    text: str = page.request.get(f"/api/books/{code}").json()["pages"][number - 1]["text"]
    return text


class HeldSaves:
    """Page saves held on their way to the server until released: a save in flight."""

    def __init__(self, page: Page) -> None:
        self.routes: list[Route] = []
        page.route(PAGE_PUT, lambda route: self.routes.append(route))

    def release(self) -> None:
        while self.routes:
            self.routes.pop(0).continue_()


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_a_double_tap_on_create_makes_one_book(fresh: Page, tmp_path: Path) -> None:
    requests: list[Request] = []
    fresh.on("request", lambda request: requests.append(request))
    fresh.goto("/studio")
    fill_details(fresh, "Um toque só")
    fresh.get_by_role("button", name="Criar livro").dblclick()
    expect(fresh.locator("#key-panel")).to_be_visible()
    assert len(creates(requests)) == 1
    assert UUID.match(creates(requests)[0].headers["idempotency-key"])
    assert books_in(tmp_path / "empty" / "live.sqlite3") == 1


@pytest.mark.parametrize("device", ["phone"], indirect=True)
def test_a_create_whose_answer_was_lost_is_retried_as_the_same_book(
    fresh: Page, tmp_path: Path
) -> None:
    def lose_the_answer(route: Route) -> None:
        route.fetch()  # the server makes the book; the phone never hears of it
        route.abort("connectionreset")

    fresh.route("**/api/books", lose_the_answer, times=1)
    requests: list[Request] = []
    fresh.on("request", lambda request: requests.append(request))
    fresh.goto("/studio")
    fill_details(fresh, "Wi-Fi da escola")
    create = fresh.get_by_role("button", name="Criar livro")
    create.click()
    expect(fresh.locator("[data-book-form] [role=alert]")).to_contain_text("Sem conexão")
    expect(create).to_be_enabled()
    create.click()
    expect(fresh.locator("#key-panel")).to_be_visible()
    first, again = (r.headers["idempotency-key"] for r in creates(requests))
    assert first == again
    assert books_in(tmp_path / "empty" / "live.sqlite3") == 1


def test_the_key_stays_until_she_has_kept_it(page: Page, device: str, tmp_path: Path) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    code, key = new_book(page, "A chave guardada")
    panel = page.locator("#key-panel")
    expect(panel).to_be_focused()
    expect(panel.get_by_role("heading", name="Livro criado!")).to_be_visible()
    panel.get_by_role("button", name="Copiar código e chave").click()
    assert page.evaluate("navigator.clipboard.readText()") == (
        f"Código mágico: {code}\nChave de edição: {key}"
    )
    with page.expect_download() as card:
        panel.get_by_role("button", name="Imprimir cartão da chave").click()
    expect(panel.locator("[data-key-status]")).to_have_text(
        "Cartão baixado. Imprima e guarde num lugar seguro."
    )
    assert card.value.suggested_filename == f"chave-{code}.pdf"
    saved = tmp_path / "card.pdf"
    card.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert_accessible(page)
    screenshot(page, "studio-key", device)

    # Not kept yet: a reload brings the book and the key back, in this tab only.
    page.reload()
    expect(page.locator("[data-editing]")).to_contain_text(code)
    expect(panel).to_be_visible()
    expect(panel.locator("[data-created-key]")).to_have_text(key)
    assert page.context.cookies() == []
    assert key not in page.url
    panel.get_by_role("button", name="Já guardei a chave").click()
    expect(panel).to_be_hidden()
    page.reload()
    expect(page.locator("[data-editing]")).to_contain_text(code)
    expect(panel).to_be_hidden()

    # Typed back as a person writes it down: small letters, spaces for hyphens.
    page.get_by_role("button", name="Fechar este livro").click()
    page.get_by_label("Código mágico").fill(code.lower())
    page.get_by_label("Chave de edição").fill(key.lower().replace("-", " "))
    page.get_by_role("button", name="Abrir livro").click()
    expect(page.get_by_label("Título do livro")).to_have_value("A chave guardada")


def test_texts_save_by_themselves(page: Page, device: str) -> None:
    code, _ = new_book(page)
    page.get_by_role("button", name="Já guardei a chave").click()
    held = HeldSaves(page)
    editor = page.locator('[data-page-editor="1"]')
    status = editor.locator('[data-status="text"]')
    editor.get_by_label("Texto da página 1").press_sequentially("Era uma vez")
    expect(status).to_have_text("Alterações ainda não salvas.")
    expect(status).to_have_text("Salvando…")  # about a second after the last key
    editor.scroll_into_view_if_needed()
    assert_accessible(page)
    screenshot(page, "studio-saving", device, full_page=False)
    held.release()
    expect(status).to_have_text("Salvo!")
    assert text_on_server(page, code, 1) == "Era uma vez"
    page.get_by_role("button", name="Salvar texto").first.click()  # nothing new to send
    assert held.routes == []


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_a_failed_save_is_said_and_retried(page: Page) -> None:
    code, _ = new_book(page)
    page.get_by_role("button", name="Já guardei a chave").click()
    page.route(
        PAGE_PUT,
        lambda route: route.fulfill(
            status=503,
            content_type="application/problem+json",
            body='{"type": "/problems/internal-error", "title": "x", "status": 503}',
        ),
        times=1,
    )
    editor = page.locator('[data-page-editor="2"]')
    status = editor.locator('[data-status="text"]')
    editor.get_by_label("Texto da página 2").fill("O vento soprou.")
    expect(status).to_have_text(
        "Não deu para salvar agora. Tentando de novo em 2 s; o texto continua aqui."
    )
    expect(status).to_have_class(re.compile(r"\bproblem\b"))
    assert_accessible(page)
    expect(status).to_have_text("Salvo!", timeout=5000)
    assert text_on_server(page, code, 2) == "O vento soprou."

    # Offline: tried again with longer waits, and at once when the connection is back.
    page.context.set_offline(True)
    editor.get_by_label("Texto da página 2").fill("O vento soprou forte.")
    expect(status).to_contain_text("Tentando de novo em 4 s", timeout=5000)
    page.context.set_offline(False)
    expect(status).to_have_text("Salvo!", timeout=3000)
    assert text_on_server(page, code, 2) == "O vento soprou forte."


@pytest.mark.parametrize("device", ["phone"], indirect=True)
def test_leaving_with_unsaved_text_asks_first(page: Page) -> None:
    code, key = new_book(page)
    HeldSaves(page)
    text = page.get_by_label("Texto da página 3")
    text.press_sequentially("Quase pronto")
    expect(page.locator('[data-page-editor="3"] [data-status="text"]')).to_have_text("Salvando…")

    # Closing the book asks, and staying keeps the text.
    page.get_by_role("button", name="Fechar este livro").click()
    dialog = page.get_by_role("dialog", name="Fechar sem salvar?")
    expect(dialog.get_by_role("button", name="Continuar editando")).to_be_focused()
    assert_accessible(page)
    dialog.get_by_role("button", name="Continuar editando").click()
    expect(dialog).to_be_hidden()
    expect(text).to_have_value("Quase pronto")

    # A reload asks the browser's own question; the book and its key come back.
    asked: list[str] = []

    def answer(question: Dialog) -> None:
        asked.append(question.type)
        question.accept()

    page.on("dialog", answer)
    page.reload()
    assert asked == ["beforeunload"]
    expect(page.locator("[data-editing]")).to_contain_text(code)
    expect(page.locator("[data-created-key]")).to_have_text(key)

    page.get_by_label("Texto da página 3").press_sequentially("Outro")
    page.get_by_role("button", name="Fechar este livro").click()
    dialog.get_by_role("button", name="Fechar mesmo assim").click()
    expect(page.get_by_role("heading", name="Criar um livro novo")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Criar um livro novo")).to_be_visible()
    assert asked == ["beforeunload"]  # nothing was left to lose


@pytest.mark.parametrize("device", ["phone"], indirect=True)
def test_without_javascript_the_studio_shows_only_its_notice(
    browser: Browser, live_server: str, device: str
) -> None:
    context: BrowserContext = new_context(browser, live_server, device, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/studio")
        notice = "O estúdio precisa de JavaScript ligado no navegador."
        visible = page.locator("main :is(form, input, textarea, button, section, p):visible")
        expect(visible).to_have_count(1)
        expect(visible).to_have_text(notice)
    finally:
        context.close()


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_intents_are_uuids_on_a_plain_http_school_server_too(page: Page) -> None:
    page.goto("/studio")
    # Without a secure context (http on the school's LAN) crypto.randomUUID is missing.
    made = page.evaluate(
        """async () => {
             const src = document.querySelector("script[type=module]").src;
             const { newIntent } = await import(new URL("studio-api.js", src));
             const standard = newIntent();
             crypto.randomUUID = undefined;
             return [standard, newIntent(), newIntent()];
           }"""
    )
    assert all(UUID.match(intent) for intent in made)
    assert len(set(made)) == 3
