"""The pages in a real headless Chromium, at phone and desktop size.

A teacher makes a book in the studio, a family reads it; then the unhappy paths and an
axe-core accessibility check of every page.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import (
    AXE,
    STORY,
    Book,
    assert_accessible,
    drawing_file,
    new_context,
    screenshot,
)

CODE_PATTERN = re.compile(r"^[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}$")
# Seven groups of four symbols of Crockford's base32.
KEY_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$")


def wait_for_image(page: Page, selector: str) -> tuple[str, tuple[int, int]]:
    """Wait until a stored rendition (not a local preview) has loaded; its path and real size."""
    page.wait_for_function(
        """s => {
             const i = document.querySelector(s);
             return i && i.complete && i.naturalWidth && i.currentSrc.includes("/media/");
           }""",
        arg=selector,
    )
    source: str = page.locator(selector).evaluate("i => new URL(i.currentSrc).pathname")
    image = Image.open(io.BytesIO(page.request.get(source).body()))
    return source, image.size


def assert_srcset_tells_the_truth(page: Page, selector: str) -> tuple[int, int]:
    """The loaded rendition is a srcset candidate whose real width is the one declared."""
    source, size = wait_for_image(page, selector)
    srcset = page.locator(selector).get_attribute("srcset") or ""
    declared = dict(candidate.rsplit(" ", 1) for candidate in srcset.split(", "))
    assert declared[source] == f"{size[0]}w"
    return size


def assert_showing(page: Page, number: int, label: str) -> None:
    expect(page.locator("[data-where]")).to_have_text(label)
    expect(page.locator(f"#page-{number}")).to_be_visible()
    for other in range(8):  # the cover, six pages, the end page
        if other != number:
            expect(page.locator(f"#page-{other}")).to_be_hidden()


def fill_book_form(page: Page, title: str, author: str, teacher: str, school: str = "") -> None:
    page.get_by_label("Título do livro").fill(title)
    page.get_by_label("Autor ou autora").fill(author)
    page.get_by_label("Professor ou professora").fill(teacher)
    if school:
        page.get_by_label("Escola (opcional)").fill(school)
    page.get_by_role("button", name="Criar livro").click()


def test_a_teacher_makes_a_book_and_a_family_reads_it(
    page: Page, device: str, tmp_path: Path
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/studio")
    expect(page.get_by_role("heading", name="Criar um livro novo")).to_be_visible()
    expect(page.locator("#key-panel")).to_be_hidden()
    screenshot(page, "studio-start", device)
    fill_book_form(
        page, "O Gato que Voava", "João Pedro", "Professor Carlos", "EMEF Cecília Meireles"
    )

    panel = page.locator("#key-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Guarde esta chave!")
    code = page.locator("[data-created-code]").inner_text()
    key = page.locator("[data-created-key]").inner_text()
    assert CODE_PATTERN.match(code)
    assert KEY_PATTERN.match(key)
    panel.get_by_role("button", name="Copiar código e chave").click()
    expect(panel.locator("[data-key-status]")).to_have_text("Copiado! Cole num lugar seguro.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"Código mágico: {code}\nChave de edição: {key}"
    assert_accessible(page)

    # Typed as a keyboard with dead keys may send it: "a" + combining tilde is one "ã".
    decomposed = unicodedata.normalize("NFD", "O gato João subiu no telhado.  ")
    first = page.locator('[data-page-editor="1"]')
    first.get_by_label("Texto da página 1").fill(decomposed)
    expect(first.locator("[data-counter]")).to_have_text("29 de 1500 caracteres")
    expect(first.locator('[data-status="text"]')).to_have_text("Alterações ainda não salvas.")
    first.get_by_role("button", name="Salvar texto").click()
    expect(first.locator('[data-status="text"]')).to_have_text("Salvo!")
    for number in range(2, 7):
        editor = page.locator(f'[data-page-editor="{number}"]')
        editor.get_by_label(f"Texto da página {number}").fill(STORY[number - 1])
        editor.get_by_role("button", name="Salvar texto").click()
        expect(editor.locator('[data-status="text"]')).to_have_text("Salvo!")

    drawings = {
        1: drawing_file(tmp_path, "gato.png", 1200, 900, seed=3),
        2: drawing_file(tmp_path, "telhado.jpg", 900, 1600, seed=4),
    }
    for number, path in drawings.items():
        editor = page.locator(f'[data-page-editor="{number}"]')
        editor.locator("[data-file]").set_input_files(path)
        expect(editor.locator('[data-status="drawing"]')).to_have_text("Desenho enviado!")
        source, size = wait_for_image(page, f'[data-page-editor="{number}"] [data-preview]')
        assert source.startswith("/media/")
        assert max(size) == 400  # the thumbnail
        expect(editor.get_by_text("Trocar desenho")).to_be_visible()
    screenshot(page, "studio", device)

    # Kept: coming back in the same tab, the book reopens without showing the key again.
    panel.get_by_role("button", name="Já guardei a chave").click()
    expect(panel).to_be_hidden()
    expect(page.locator("[data-editing]")).to_be_focused()
    page.reload()
    expect(page.locator("[data-editing]")).to_contain_text(code)
    expect(page.locator("#key-panel")).to_be_hidden()
    expect(page.get_by_label("Texto da página 2")).to_have_value(STORY[1])
    assert key not in page.content()
    assert page.context.cookies() == []

    page.get_by_role("link", name="Ver como a família vai ver").click()
    page.wait_for_url(f"**/read/{code}")
    assert_showing(page, 0, "Capa")
    expect(page.locator("#page-0")).to_contain_text("O Gato que Voava")
    expect(page.locator("#page-0")).to_contain_text("Escrito e desenhado por João Pedro")
    # The top bar leads to the downloads on the end page.
    expect(page.get_by_role("link", name="Baixar e imprimir")).to_have_attribute("href", "?page=7")
    screenshot(page, "reader-cover", device)

    page.get_by_role("link", name="Próxima").click()
    assert_showing(page, 1, "Página 1 de 6")
    assert page.url.endswith(f"/read/{code}?page=1")
    expect(page.locator("#page-1 .story")).to_have_text("O gato João subiu no telhado.")
    assert assert_srcset_tells_the_truth(page, "#page-1 img") in ((400, 300), (1200, 900))
    expect(page.get_by_alt_text("Desenho da página 1")).to_be_visible()
    screenshot(page, "reader", device)

    page.keyboard.press("ArrowRight")
    assert_showing(page, 2, "Página 2 de 6")
    assert assert_srcset_tells_the_truth(page, "#page-2 img") in ((225, 400), (900, 1600))
    assert page.url.endswith("?page=2")
    page.keyboard.press("ArrowLeft")
    assert_showing(page, 1, "Página 1 de 6")
    page.get_by_role("link", name="Anterior").click()
    assert_showing(page, 0, "Capa")
    assert page.url.endswith(f"/read/{code}")

    download = page.request.get(f"/api/books/{code}/pdf")
    assert download.status == 200
    assert download.headers["content-type"] == "application/pdf"


def test_reader_pages_turn_with_a_swipe(page: Page, device: str, sample_book: Book) -> None:
    page.goto(f"/read/{sample_book.code}?page=3")
    assert_showing(page, 3, "Página 3 de 6")

    def swipe(dx: int) -> None:
        page.locator("[data-reader]").evaluate(
            """(book, dx) => {
                 const at = (x) => ({bubbles: true, pointerType: "touch", clientX: x, clientY: 9});
                 book.dispatchEvent(new PointerEvent("pointerdown", at(200)));
                 book.dispatchEvent(new PointerEvent("pointerup", at(200 + dx)));
               }""",
            dx,
        )

    swipe(-120)
    assert_showing(page, 4, "Página 4 de 6")
    swipe(10)  # a tap is not a swipe
    assert_showing(page, 4, "Página 4 de 6")


def test_the_end_page_reads_again_and_downloads(page: Page, device: str, sample_book: Book) -> None:
    code = sample_book.code
    page.goto(f"/read/{code}?page=6")
    page.get_by_role("link", name="Próxima").click()
    assert_showing(page, 7, "Fim")
    assert page.url.endswith(f"/read/{code}?page=7")
    end = page.locator("#page-7")
    expect(end).to_contain_text("Escrito e desenhado por Maria Eduarda")
    expect(page.get_by_role("link", name="Próxima")).to_be_hidden()
    read = end.get_by_role("link", name="Baixar para ler")
    fold = end.get_by_role("link", name="Baixar para imprimir e dobrar")
    expect(read).to_have_attribute("href", f"/api/books/{code}/pdf")
    expect(fold).to_have_attribute("href", f"/api/books/{code}/pdf?layout=booklet")
    expect(fold).to_have_accessible_description(re.compile("dobre ao meio"))
    booklet = page.request.get(fold.get_attribute("href") or "")
    assert (booklet.status, booklet.headers["content-type"]) == (200, "application/pdf")
    # With the script, the tip is there (a touch screen hides it: it has no arrow keys).
    expect(page.locator("[data-tip]")).not_to_have_attribute("hidden", "")
    assert_accessible(page)
    screenshot(page, "reader-end", device)

    page.keyboard.press("ArrowLeft")
    assert_showing(page, 6, "Página 6 de 6")
    page.keyboard.press("ArrowRight")
    assert_showing(page, 7, "Fim")
    page.keyboard.press("ArrowRight")  # nothing after the end
    assert_showing(page, 7, "Fim")

    end.get_by_role("link", name="Ler de novo").click()
    assert_showing(page, 0, "Capa")
    assert page.url.endswith(f"/read/{code}")
    expect(page.get_by_role("link", name="Próxima")).to_be_focused()

    page.get_by_role("link", name="Baixar e imprimir").click()
    assert_showing(page, 7, "Fim")
    expect(read).to_be_focused()


def test_reader_works_without_javascript(
    browser: Browser, live_server: str, device: str, sample_book: Book
) -> None:
    context = new_context(browser, live_server, device, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/read/{sample_book.code}")
        assert_showing(page, 0, "Capa")
        expect(page.get_by_role("link", name="Anterior")).to_be_hidden()
        page.get_by_role("link", name="Próxima").click()
        page.wait_for_url("**?page=1")
        assert_showing(page, 1, "Página 1 de 6")
        # No tip about arrow keys or swiping: they need the script.
        expect(page.locator("[data-tip]")).to_be_hidden()
        page.goto(f"/read/{sample_book.code}?page=6")
        assert_showing(page, 6, "Página 6 de 6")
        expect(page.locator("#page-6 .story")).to_have_text(STORY[5])
        page.get_by_role("link", name="Próxima").click()
        page.wait_for_url("**?page=7")
        assert_showing(page, 7, "Fim")
        expect(page.get_by_role("link", name="Próxima")).to_be_hidden()
        expect(page.get_by_role("link", name="Baixar para imprimir e dobrar")).to_be_visible()
        screenshot(page, "reader-end-no-js", device)
        page.get_by_role("link", name="Ler de novo").click()
        page.wait_for_url(f"**/read/{sample_book.code}")
        assert_showing(page, 0, "Capa")
    finally:
        context.close()


def test_landing_opens_a_loosely_typed_code(page: Page, device: str, sample_book: Book) -> None:
    page.goto("/")
    screenshot(page, "landing", device)
    field = page.get_by_label("Digite o código mágico")
    expect(field).to_have_attribute("autocapitalize", "characters")
    field.fill(sample_book.code.lower().replace("-", " "))
    field.press("Enter")
    page.wait_for_url(f"**/read/{sample_book.code}")
    expect(page.locator("#page-0")).to_contain_text("A Árvore que Dançava")


def test_landing_explains_a_mistyped_code(page: Page, device: str, sample_book: Book) -> None:
    # Two neighbours swapped: the check symbol catches it.
    compact = sample_book.code.replace("-", "")
    swapped = next(
        compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
        for i in range(len(compact) - 1)
        if compact[i] != compact[i + 1]
    )
    page.goto("/")
    page.get_by_label("Digite o código mágico").fill(swapped)
    page.get_by_role("button", name="Ler o livro").click()
    expect(page.get_by_role("alert")).to_contain_text("esse código não está certo")
    expect(page.get_by_label("Digite o código mágico")).to_have_value(swapped)
    screenshot(page, "landing-error", device)


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_studio_shows_errors_next_to_their_field(page: Page, tmp_path: Path) -> None:
    page.goto("/studio")
    fill_book_form(page, "Um título comprido " * 7, "Ana", "Bia")
    title_error = page.locator("#title-error")
    expect(title_error).to_have_text("Use no máximo 120 caracteres (agora são 132).")
    expect(page.get_by_label("Título do livro")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#key-panel")).to_be_hidden()

    page.get_by_label("Título do livro").fill("Curto")
    page.get_by_role("button", name="Criar livro").click()
    expect(page.locator("#key-panel")).to_be_visible()
    expect(title_error).to_be_hidden()

    third = page.locator('[data-page-editor="3"]')
    not_an_image = tmp_path / "desenho.png"
    not_an_image.write_text("isto é um texto, não um desenho")
    third.locator("[data-file]").set_input_files(not_an_image)
    expect(third.locator("#file-3-error")).to_have_text(
        "Esse arquivo não é uma imagem PNG, JPEG ou WebP."
    )
    expect(third.get_by_text("Ainda sem desenho.")).to_be_visible()
    expect(page.locator("#file-2-error")).to_be_hidden()

    third.get_by_label("Texto da página 3").fill("a" * 1501)
    expect(third.locator("[data-counter]")).to_have_text("Passou do limite de 1500 caracteres.")
    third.get_by_role("button", name="Salvar texto").click()
    expect(third.locator("#text-3-error")).to_have_text(
        "Use no máximo 1500 caracteres (agora são 1501)."
    )

    too_big = tmp_path / "enorme.jpg"
    too_big.write_bytes(b"\xff\xd8\xff" + bytes(16_500_000))
    third.locator("[data-file]").set_input_files(too_big)
    expect(third.locator("#file-3-error")).to_have_text(
        "Esse arquivo tem 16,5 MB e o limite é 15 MB. "
        "Envie uma foto menor (por exemplo, tirada com resolução mais baixa)."
    )


@pytest.mark.parametrize("device", ["phone"], indirect=True)
def test_studio_replaces_and_removes_a_drawing(page: Page, tmp_path: Path) -> None:
    page.goto("/studio")
    fill_book_form(page, "Trocas", "Lia", "Rui")
    editor = page.locator('[data-page-editor="4"]')
    expect(editor).to_be_visible()
    preview = '[data-page-editor="4"] [data-preview]'
    sources = []
    for seed in (5, 6):
        editor.locator("[data-file]").set_input_files(
            drawing_file(tmp_path, f"troca-{seed}.jpg", 640, 480, seed=seed)
        )
        expect(editor.locator('[data-status="drawing"]')).to_have_text("Desenho enviado!")
        sources.append(wait_for_image(page, preview)[0])
    assert sources[0] != sources[1]
    editor.get_by_role("button", name="Remover desenho").click()
    expect(editor.locator('[data-status="drawing"]')).to_have_text("Desenho removido.")
    expect(editor.get_by_text("Ainda sem desenho.")).to_be_visible()
    expect(editor.get_by_role("button", name="Remover desenho")).to_be_hidden()
    expect(editor.get_by_text("Escolher desenho")).to_be_visible()


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_studio_opens_an_existing_book_with_its_key(page: Page, sample_book: Book) -> None:
    page.goto("/studio")
    page.get_by_label("Código mágico").fill("ZZZ-ZZZ-ZZZ")
    page.get_by_label("Chave de edição").fill(sample_book.key)
    page.get_by_role("button", name="Abrir livro").click()
    expect(page.locator("#code-error")).to_have_text(
        "Esse código mágico não está certo. Confira cada letra e número."
    )
    # A wrong key is said at once, next to the key, and the editor stays closed.
    page.get_by_label("Código mágico").fill(sample_book.code.lower())
    page.get_by_label("Chave de edição").fill(sample_book.key[:-2] + "xx")
    page.get_by_role("button", name="Abrir livro").click()
    expect(page.locator("#key-error")).to_contain_text("Essa chave de edição não abre este livro")
    expect(page.get_by_role("button", name="Fechar este livro")).to_be_hidden()
    page.get_by_label("Chave de edição").fill(sample_book.key)
    page.get_by_role("button", name="Abrir livro").click()
    expect(page.get_by_label("Título do livro")).to_have_value("A Árvore que Dançava")
    expect(page.get_by_label("Texto da página 6")).to_have_value(STORY[5])
    stored = page.evaluate("sessionStorage.getItem('magicshelf.studio')")
    assert json.loads(stored) == {"code": sample_book.code, "key": sample_book.key}
    page.get_by_role("button", name="Fechar este livro").click()
    expect(page.get_by_role("heading", name="Abrir um livro que já existe")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('magicshelf.studio')") is None


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/read?code=AAA",
        "/read/{code}",
        "/read/{code}?page=1",
        "/read/{code}?page=7",
        "/studio",
    ],
)
def test_pages_are_accessible(page: Page, sample_book: Book, path: str) -> None:
    assert AXE.exists(), "run scripts/test-deps (npm ci --prefix tests/web) first"
    page.goto(path.format(code=sample_book.code))
    if path == "/studio":
        page.evaluate(
            "([code, key]) => sessionStorage.setItem('magicshelf.studio', "
            "JSON.stringify({code, key}))",
            [sample_book.code, sample_book.key],
        )
        page.reload()
        expect(page.locator("[data-editing]")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_api_docs_render_offline(page: Page) -> None:
    # The live server has no internet either: Swagger UI must come from the app itself.
    page.goto("/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.get_by_text("/api/books/{code}/pages/{number}/illustration")).to_have_count(2)
