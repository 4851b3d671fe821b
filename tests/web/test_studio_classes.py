"""The studio as the teacher's home, in a real headless Chromium at phone and desktop size.

First the whole term in one test, from an empty server to a printed sheet of slips for a
class of 30; then the account's other ways (a wrong password, an invitation, a reset
link), the roster's mistakes and a CSV from Excel, publishing one book and deleting a
class. axe-core checks every view on the way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Request, expect

from tests.voices import corpus
from tests.web.conftest import (
    assert_accessible,
    checked_page,
    drawing_file,
    new_context,
    screenshot,
)

PASSWORD = "girassol-azul-42"
ADMIN = {"name": "Ana Lúcia Ferreira", "email": "ana@escola.br", "password": PASSWORD}
CLASS: dict[str, Any] = {"name": "3º ano B", "school": "EMEF Monteiro Lobato", "year": 2026}
# A Brazilian class of 30, as a school office types it: accents, two children with the
# same name (two books), and a name with an apostrophe.
CHILDREN = [
    "Ana Clara Souza",
    "Arthur Oliveira",
    "Beatriz Conceição",
    "Bernardo Lima",
    "Caio Prado",
    "Cecília Araújo",
    "Davi Luiz Santos",
    "Eloá Rodrigues",
    "Enzo Gabriel Costa",
    "Gabriela D'Ávila",
    "Heitor Almeida",
    "Helena Barbosa",
    "Isabela Ribeiro",
    "Íris Müller",
    "João Miguel Pereira",
    "Júlia Carvalho",
    "Laura Gomes",
    "Lorenzo Martins",
    "Luiza Fernandes",
    "Maria Eduarda Rocha",
    "Matheus Dias",
    "Miguel Nascimento",
    "Nicolas Teixeira",
    "Pedro Henrique Moura",
    "Rafaela Cardoso",
    "Samuel Freitas",
    "Sophia Mendes",
    "Théo Batista",
    "Valentina Moreira",
    "Ana Clara Souza",
]


def section(page: Page, view: str) -> Locator:
    """The part of the studio a view shows (its first element with that view)."""
    return page.locator(f'[data-views="{view}"]').first


def sign_up(page: Page, teacher: dict[str, str]) -> None:
    form = page.locator("[data-signup-form]")
    form.get_by_label("Seu nome").fill(teacher["name"])
    form.get_by_label("E-mail").fill(teacher["email"])
    form.get_by_label("Senha nova").fill(teacher["password"])
    form.get_by_role("button", name="Criar conta").click()


def sign_in(page: Page, email: str, password: str) -> None:
    form = page.locator("[data-signin-form]")
    form.get_by_label("E-mail").fill(email)
    form.get_by_label("Senha").fill(password)
    form.get_by_role("button", name="Entrar").click()


def grid_rows(page: Page) -> Locator:
    return page.locator("[data-grid-body] tr")


def cell(page: Page, child: str, number: int) -> Locator:
    return page.get_by_role("link", name=f"{child}, página {number}:")


def announcement(page: Page) -> Locator:
    """The studio's status line: what just happened, read out by screen readers too."""
    return page.get_by_role("status").and_(page.locator("[data-announce]"))


def assert_no_page_scroll_sideways(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_a_class_of_30_from_an_empty_server_to_the_slips(
    browser: Browser, empty_server: str, device: str, tmp_path: Path
) -> None:
    context = new_context(browser, empty_server, device)
    try:
        with checked_page(context) as page:
            walk_the_whole_term(page, device, tmp_path)
    finally:
        context.close()


def walk_the_whole_term(page: Page, device: str, tmp_path: Path) -> None:
    page.goto("/studio")
    expect(page.get_by_role("heading", name="Entrar para ver suas turmas")).to_be_visible()
    # The single book without an account is still offered right there.
    expect(page.get_by_role("heading", name="Criar um livro novo")).to_be_visible()
    assert_accessible(page)

    # The first teacher of an empty server signs up freely and becomes its admin.
    page.get_by_role("link", name="Criar conta de professor").click()
    expect(page.get_by_role("heading", name="Criar sua conta")).to_be_focused()
    sign_up(page, ADMIN)
    expect(page.get_by_text("Olá, Ana Lúcia Ferreira!")).to_be_visible()
    expect(page.get_by_role("heading", name="Minhas turmas")).to_be_focused()
    expect(page.get_by_text("Você ainda não tem turmas.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "studio-classes", device)

    form = page.locator("[data-class-form]")
    form.get_by_label("Nome da turma").fill(CLASS["name"])
    form.get_by_label("Escola da turma (opcional)").fill(CLASS["school"])
    expect(form.get_by_label("Ano letivo (opcional)")).to_have_value(re.compile(r"^20\d\d$"))
    form.get_by_label("Ano letivo (opcional)").fill(str(CLASS["year"]))
    form.get_by_role("button", name="Criar turma").click()
    expect(page.get_by_role("heading", name="3º ano B")).to_be_focused()
    expect(page.get_by_text("EMEF Monteiro Lobato · 2026")).to_be_visible()
    expect(page.get_by_text("Ainda não há crianças nesta turma.")).to_be_visible()

    # Pasted as a numbered list, the way it often comes from a document.
    pasted = "\n".join(f"{n}. {name}" for n, name in enumerate(CHILDREN, 1))
    page.get_by_label("Nomes das crianças").fill(pasted)
    page.get_by_role("button", name="Conferir a lista").click()
    preview = page.locator("[data-roster-preview]")
    expect(preview.get_by_role("heading", name="Entendemos 30 nomes")).to_be_visible()
    expect(preview).to_be_focused()
    expect(preview).to_contain_text("Uma lista com um nome por linha.")
    expect(preview.locator("li")).to_have_text(CHILDREN)
    assert grid_rows(page).count() == 0  # nothing is created by a preview
    assert_accessible(page)
    screenshot(page, "studio-roster-preview", device)

    preview.get_by_role("button", name="Criar os 30 livros").click()
    expect(page.locator("[data-class-status]")).to_have_text(
        "Pronto! 30 livros criados, cada um com seu código mágico."
    )
    expect(grid_rows(page)).to_have_count(30)
    expect(preview).to_be_hidden()
    expect(page.get_by_label("Nomes das crianças")).to_have_value("")
    expect(page.locator("[data-summary]")).to_have_text(
        "Crianças: 30 · Páginas prontas: 0 de 180 · Livros publicados: 0"
    )
    expect(grid_rows(page).locator("th")).to_have_text(
        [f"{name}O livro de {name}" for name in CHILDREN]
    )
    expect(page.get_by_role("columnheader")).to_have_text(
        ["Criança", *(f"Página {n}" for n in range(1, 7)), "Situação"]
    )
    assert page.locator("[data-grid-body] a.cell.empty").count() == 180
    # No book is published yet, so there is no class PDF to offer.
    expect(page.get_by_role("link", name="Todos os livros (PDF)")).to_be_hidden()
    assert_grid_fits(page, device)
    assert_accessible(page)
    screenshot(page, "studio-class", device)

    # One click from the grid to a child's page, ready to type in: the session edits it.
    edits: list[dict[str, str]] = []
    page.on(
        "request",
        lambda request: edits.append(request.headers) if request.method == "PUT" else None,
    )
    cell(page, "Cecília Araújo", 3).click()
    text = page.get_by_label("Texto da página 3")
    expect(text).to_be_focused()
    expect(page.locator("[data-editing]")).to_contain_text("O livro de Cecília Araújo")
    page.keyboard.type("A Cecília encontrou um dragão no quintal.")
    editor = page.locator('[data-page-editor="3"]')
    editor.get_by_role("button", name="Salvar texto").click()
    expect(editor.locator('[data-status="text"]')).to_have_text("Salvo!")
    editor.locator("[data-file]").set_input_files(
        drawing_file(tmp_path, "dragao.jpg", 800, 600, seed=7)
    )
    expect(editor.locator('[data-status="drawing"]')).to_have_text("Desenho enviado!")
    recording = tmp_path / "leitura.webm"
    recording.write_bytes(corpus.encode(corpus.speech(), "webm"))
    editor.locator("[data-audio-file]").set_input_files(recording)
    expect(editor.locator('[data-status="voice"]')).to_have_text("Gravação enviada!")
    expect(page.get_by_role("button", name="Fechar este livro")).to_be_hidden()
    assert len(edits) == 3
    assert not [headers for headers in edits if "authorization" in headers]
    assert page.evaluate("sessionStorage.getItem('magicshelf.studio')") is None
    assert_accessible(page)
    screenshot(page, "studio-class-book", device)

    page.get_by_role("link", name="Voltar para a turma").click()
    expect(page.get_by_role("heading", name="3º ano B")).to_be_focused()
    expect(cell(page, "Cecília Araújo", 3)).to_have_accessible_name(
        "Cecília Araújo, página 3: com texto, com desenho, com gravação"
    )
    expect(cell(page, "Cecília Araújo", 3)).to_have_class(re.compile(r"\bcomplete\b"))
    expect(cell(page, "Cecília Araújo", 3)).to_have_class(re.compile(r"\bhas-audio\b"))
    expect(cell(page, "Cecília Araújo", 4)).to_have_accessible_name(
        "Cecília Araújo, página 4: sem texto, sem desenho, sem gravação"
    )
    expect(page.locator(".legend")).to_contain_text("gravação da criança")
    code = book_code(page, "Cecília Araújo")
    saved = page.request.get(f"/api/books/{code}").json()
    assert saved["pages"][2]["text"] == "A Cecília encontrou um dragão no quintal."
    assert saved["published"] is False

    page.get_by_role("button", name="Publicar todos os livros").click()
    expect(page.locator("[data-class-status]")).to_have_text(
        "Todos os livros foram publicados. As famílias já podem ler!"
    )
    expect(page.locator("[data-summary]")).to_have_text(
        "Crianças: 30 · Páginas prontas: 1 de 180 · Livros publicados: 30"
    )
    expect(page.get_by_role("button", name=re.compile("^Publicar o livro"))).to_have_count(0)

    for name in ("Bilhetes para casa (PDF)", "Todos os livros (PDF)"):
        answer = page.request.get(page.get_by_role("link", name=name).get_attribute("href") or "")
        assert answer.status == 200, name
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.body().startswith(b"%PDF-")
    # And printed the way a teacher does it: the browser downloads the sheet of slips.
    slips = page.get_by_role("link", name="Bilhetes para casa (PDF)")
    with page.expect_download() as download:
        slips.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")


def book_code(page: Page, child: str) -> str:
    """The magic code behind a child's cell in the grid."""
    href = cell(page, child, 1).get_attribute("href") or ""
    return re.search(r"livro=([^&]+)", href).group(1)  # type: ignore[union-attr]


def assert_grid_fits(page: Page, device: str) -> None:
    """The page never scrolls sideways; on a phone the grid does, names staying put."""
    assert_no_page_scroll_sideways(page)
    scroller = page.locator(".grid-scroll")
    wide = scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    assert wide == (device == "phone")
    if not wide:
        return
    row = grid_rows(page).first
    scroller.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    box, name, first_page, state = (
        row.locator(part).bounding_box()
        for part in ("xpath=../../..", "th", "td >> nth=0", ".state")
    )
    assert box
    assert name
    assert first_page
    assert state
    right = box["x"] + box["width"]
    assert box["x"] <= name["x"] < name["x"] + name["width"] <= right  # the name stays put
    assert first_page["x"] < box["x"] + name["width"]  # page 1 went under it
    assert state["x"] + state["width"] <= right  # and the last column came into sight
    scroller.evaluate("e => { e.scrollLeft = 0; }")


# The other ways of the account, on the module's shared server. Its first teacher (the
# admin) signs up through the API, once.


@pytest.fixture(scope="module")
def admin(browser: Browser, live_server: str) -> dict[str, str]:
    context = browser.new_context(base_url=live_server)
    try:
        answer = context.request.post("/api/teachers", data=ADMIN)
        assert answer.status == 201, answer.text()
    finally:
        context.close()
    return ADMIN


def signed_in(context: BrowserContext, email: str, password: str = PASSWORD) -> None:
    answer = context.request.post("/api/session", data={"email": email, "password": password})
    assert answer.status == 200, answer.text()


def link_for(context: BrowserContext, email: str, purpose: str) -> str:
    answer = context.request.post("/api/invitations", data={"email": email, "purpose": purpose})
    assert answer.status == 201, answer.text()
    url: str = answer.json()["url"]
    return url


def class_with(context: BrowserContext, names: list[str], **about: Any) -> dict[str, Any]:
    made = context.request.post("/api/classes", data={**CLASS, **about}).json()
    answer = context.request.post(f"/api/classes/{made['id']}/roster", data={"names": names})
    assert answer.status == 201, answer.text()
    found: dict[str, Any] = context.request.get(f"/api/classes/{made['id']}").json()
    return found


@pytest.fixture
def teacher_context(
    browser: Browser, live_server: str, device: str, admin: dict[str, str]
) -> Iterator[BrowserContext]:
    """A browser where the admin is signed in."""
    context = new_context(browser, live_server, device)
    signed_in(context, admin["email"])
    yield context
    context.close()


@pytest.fixture
def teacher_page(teacher_context: BrowserContext) -> Iterator[Page]:
    with checked_page(teacher_context) as tab:
        yield tab


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_signing_in_and_out(page: Page, admin: dict[str, str]) -> None:
    page.goto("/studio")
    sign_in(page, admin["email"], "not-the-password")
    expect(page.locator("[data-signin-form] [role=alert]")).to_have_text(
        "E-mail ou senha não conferem. Confira e tente de novo."
    )
    sign_in(page, admin["email"], admin["password"])
    expect(page.get_by_role("heading", name="Minhas turmas")).to_be_focused()

    # The session is the browser's cookie: a reload stays signed in.
    page.reload()
    expect(page.get_by_text("Olá, Ana Lúcia Ferreira!")).to_be_visible()
    page.get_by_role("button", name="Sair").click()
    expect(announcement(page)).to_have_text("Você saiu. Até a próxima!")
    expect(page.get_by_role("heading", name="Entrar para ver suas turmas")).to_be_visible()
    expect(page.get_by_text("Olá, Ana Lúcia Ferreira!")).to_be_hidden()
    assert page.request.get("/api/me").status == 401


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_a_class_address_asks_to_sign_in_first(page: Page, teacher_context: BrowserContext) -> None:
    made = class_with(teacher_context, ["Lia Souza"], name="Turma do Girassol")
    page.goto(f"/studio#turma={made['id']}")
    expect(announcement(page)).to_have_text("Entre com sua conta para abrir essa turma.")
    sign_in(page, ADMIN["email"], PASSWORD)
    expect(page.get_by_role("heading", name="Turma do Girassol")).to_be_visible()
    expect(grid_rows(page)).to_have_count(1)


@pytest.mark.parametrize("device", ["phone"], indirect=True)
def test_an_invitation_link_signs_up_a_colleague(
    browser: Browser, live_server: str, teacher_page: Page
) -> None:
    teacher_page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    teacher_page.goto("/studio")
    card = teacher_page.locator("[data-admin]")
    expect(card.get_by_role("heading", name="Convidar colegas")).to_be_visible()
    card.get_by_label("E-mail").fill("bia@escola.br")
    card.get_by_role("button", name="Criar link").click()
    expect(card.locator("[data-link-for]")).to_contain_text("Link para bia@escola.br")
    url = card.locator("[data-link]").inner_text()
    assert "/studio?invitation=" in url
    card.get_by_role("button", name="Copiar link").click()
    expect(card.locator("[data-made-link] [data-status]")).to_have_text(
        "Copiado! Cole num lugar seguro."
    )
    assert teacher_page.evaluate("navigator.clipboard.readText()") == url
    assert_accessible(teacher_page)
    screenshot(teacher_page, "studio-invite", "phone")

    colleague = new_context(browser, live_server, "phone")
    try:
        with checked_page(colleague) as page:
            page.goto(url)
            expect(page.get_by_text("Você recebeu um convite.")).to_be_visible()
            assert_accessible(page)
            sign_up(page, {"name": "Beatriz Nunes", "email": "bia@escola.br", "password": PASSWORD})
            expect(page.get_by_text("Olá, Beatriz Nunes!")).to_be_visible()
            expect(page.get_by_text("Você ainda não tem turmas.")).to_be_visible()
            # Not the admin: no links to make; and the spent link left the address bar.
            expect(page.locator("[data-admin]")).to_be_hidden()
            assert page.url.endswith("/studio#") or page.url.endswith("/studio")
            page.get_by_role("button", name="Sair").click()
            page.goto(url)
            sign_up(page, {"name": "Outra", "email": "bia@escola.br", "password": PASSWORD})
            expect(page.locator("[data-signup-form] [role=alert]")).to_contain_text(
                "Esse link não funciona mais"
            )
    finally:
        colleague.close()


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_a_reset_link_sets_a_new_password(
    browser: Browser, live_server: str, teacher_context: BrowserContext, page: Page
) -> None:
    invitation = link_for(teacher_context, "caio@escola.br", "invite")
    page.goto(invitation)
    sign_up(page, {"name": "Caio Prado", "email": "caio@escola.br", "password": PASSWORD})
    expect(page.get_by_text("Olá, Caio Prado!")).to_be_visible()
    page.get_by_role("button", name="Sair").click()

    page.goto(link_for(teacher_context, "caio@escola.br", "reset"))
    expect(page.get_by_role("heading", name="Escolher uma senha nova")).to_be_visible()
    form = page.locator("[data-reset-form]")
    form.get_by_label("Senha nova").fill("curta")
    form.get_by_role("button", name="Salvar senha nova").click()
    expect(form.locator("#reset-password-error")).to_have_text(
        "A senha precisa ter pelo menos 10 caracteres."
    )
    form.get_by_label("Senha nova").fill("lua-cheia-no-quintal")
    form.get_by_role("button", name="Salvar senha nova").click()
    expect(announcement(page)).to_have_text("Senha nova salva! Agora é só entrar com ela.")
    expect(page.locator("#signin-email")).to_be_focused()
    sign_in(page, "caio@escola.br", "lua-cheia-no-quintal")
    expect(page.get_by_text("Olá, Caio Prado!")).to_be_visible()


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_roster_mistakes_name_their_line_and_a_csv_from_excel_is_understood(
    teacher_page: Page, tmp_path: Path
) -> None:
    made = teacher_page.request.post("/api/classes", data={"name": "Turma da Lua"}).json()
    teacher_page.goto(f"/studio#turma={made['id']}")
    names = teacher_page.get_by_label("Nomes das crianças")
    names.fill("Ana Souza\nBruno Lima\nCaio 🦖 Prado\n" + "Dora " * 20)
    teacher_page.get_by_role("button", name="Conferir a lista").click()
    errors = teacher_page.locator("#roster-error p")
    expect(errors).to_have_text(
        [
            "Linha 3: um nome só pode ter letras, espaços, apóstrofos, hífens e pontos.",
            "Linha 4: o nome passou de 80 caracteres (tem 99).",
        ]
    )
    expect(names).to_have_attribute("aria-invalid", "true")
    expect(teacher_page.locator("[data-roster-preview]")).to_be_hidden()
    expect(teacher_page.get_by_text("Ainda não há crianças nesta turma.")).to_be_visible()

    # Excel in Brazil saves ";"-separated Windows-1252, with a header row.
    sheet = tmp_path / "turma.csv"
    sheet.write_bytes("Nº;Nome;Nascimento\r\n1;João Conceição;12/03/2018\r\n".encode("cp1252"))
    teacher_page.locator("#roster-file").set_input_files(sheet)
    preview = teacher_page.locator("[data-roster-preview]")
    expect(preview.get_by_role("heading", name="Entendemos 1 nome")).to_be_visible()
    expect(errors).to_have_count(0)
    expect(preview).to_contain_text(
        "Uma tabela com colunas separadas por “;” (WINDOWS-1252), com uma linha de títulos, "
        "que não entra na lista. Os nomes vieram da coluna 2."
    )
    expect(preview.locator("li")).to_have_text(["João Conceição"])
    preview.get_by_role("button", name="Criar 1 livro").click()
    expect(teacher_page.locator("[data-class-status]")).to_have_text(
        "Pronto! 1 livro criado, com seu código mágico."
    )
    expect(grid_rows(teacher_page)).to_have_count(1)
    expect(teacher_page.locator(".grid-scroll")).to_be_focused()


@pytest.mark.parametrize("device", ["phone"], indirect=True)
def test_publishing_one_book_and_deleting_a_class(teacher_page: Page) -> None:
    made = class_with(teacher_page.context, ["Lia Souza", "Rui Barbosa"], name="Turma do Sol")
    teacher_page.goto(f"/studio#turma={made['id']}")
    publish = teacher_page.get_by_role("button", name="Publicar o livro de Rui Barbosa")
    publish.click()
    expect(teacher_page.locator("[data-class-status]")).to_have_text(
        "O livro de Rui Barbosa foi publicado."
    )
    rui = grid_rows(teacher_page).nth(1)
    expect(rui.get_by_text("Publicado")).to_be_focused()
    expect(teacher_page.get_by_role("button", name="Publicar o livro de Lia Souza")).to_be_visible()
    expect(teacher_page.locator("[data-summary]")).to_contain_text("Livros publicados: 1")

    teacher_page.get_by_role("button", name="Excluir turma…").click()
    dialog = teacher_page.get_by_role("dialog", name="Excluir a turma “Turma do Sol”?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Todos os livros dela (2), com textos e desenhos")
    expect(dialog.get_by_role("button", name="Não, manter a turma")).to_be_focused()
    assert_accessible(teacher_page)
    screenshot(teacher_page, "studio-delete", "phone", full_page=False)
    teacher_page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert teacher_page.request.get(f"/api/classes/{made['id']}").status == 200

    teacher_page.get_by_role("button", name="Excluir turma…").click()
    dialog.get_by_role("button", name="Sim, excluir").click()
    expect(teacher_page.get_by_role("heading", name="Minhas turmas")).to_be_focused()
    expect(announcement(teacher_page)).to_have_text("A turma “Turma do Sol” foi excluída.")
    expect(teacher_page.get_by_role("link", name=re.compile("Turma do Sol"))).to_have_count(0)
    assert teacher_page.request.get(f"/api/classes/{made['id']}").status == 404


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_a_double_tap_on_creating_the_books_makes_them_once(teacher_page: Page) -> None:
    made = teacher_page.request.post("/api/classes", data={"name": "Turma do Mar"}).json()
    rosters: list[Request] = []
    teacher_page.on(
        "request",
        lambda request: rosters.append(request) if "/roster" in request.url else None,
    )
    teacher_page.goto(f"/studio#turma={made['id']}")
    teacher_page.get_by_label("Nomes das crianças").fill("Ana Souza\nBruno Lima")
    teacher_page.get_by_role("button", name="Conferir a lista").click()
    teacher_page.get_by_role("button", name="Criar os 2 livros").dblclick()
    expect(grid_rows(teacher_page)).to_have_count(2)
    creating = [r for r in rosters if "preview" not in r.url]
    assert len(creating) == 1
    assert re.fullmatch(r"[0-9a-f-]{36}", creating[0].headers["idempotency-key"])
    found = teacher_page.request.get(f"/api/classes/{made['id']}").json()
    assert [book["author"] for book in found["books"]] == ["Ana Souza", "Bruno Lima"]


def test_a_lost_key_is_replaced_from_the_class(teacher_page: Page, device: str) -> None:
    made = class_with(teacher_page.context, ["Lia Souza"], name=f"Turma da Chave {device}")
    code = made["books"][0]["magic_code"]
    teacher_page.goto(f"/studio#turma={made['id']}&livro={code}&pagina=1")
    rekey = teacher_page.get_by_role("button", name="Gerar nova chave")
    dialog = teacher_page.get_by_role("dialog", name="Gerar uma chave nova para este livro?")

    # Asked first, and kept as it was when she changes her mind.
    rekey.click()
    expect(dialog).to_contain_text("A chave antiga para de funcionar. O código mágico continua")
    expect(dialog.get_by_role("button", name="Manter a chave atual")).to_be_focused()
    assert_accessible(teacher_page)
    teacher_page.keyboard.press("Escape")
    panel = teacher_page.locator("#key-panel")
    expect(panel).to_be_hidden()

    rekey.click()
    dialog.get_by_role("button", name="Gerar nova chave").click()
    expect(panel.get_by_role("heading", name="Chave nova criada!")).to_be_visible()
    expect(panel).to_contain_text("as famílias leem o livro como antes")
    expect(panel.locator("[data-created-code]")).to_have_text(code)
    key = panel.locator("[data-created-key]").inner_text()
    opens = teacher_page.request.get(
        f"/api/books/{code}/access", headers={"Authorization": f"Bearer {key}"}
    )
    assert opens.status == 204
    assert teacher_page.request.get(f"/api/books/{code}").json()["magic_code"] == code
    assert_accessible(teacher_page)
    screenshot(teacher_page, "studio-rekey", device)

    # The card prints the new key; it stays on screen until kept, a reload too.
    with teacher_page.expect_download() as card:
        panel.get_by_role("button", name="Imprimir cartão da chave").click()
    assert card.value.suggested_filename == f"chave-{code}.pdf"
    teacher_page.reload()
    expect(panel.locator("[data-created-key]")).to_have_text(key)
    panel.get_by_role("button", name="Já guardei a chave").click()
    expect(panel).to_be_hidden()
    teacher_page.get_by_role("link", name="Voltar para a turma").click()
    expect(teacher_page.get_by_role("heading", name=made["name"])).to_be_visible()
    expect(panel).to_be_hidden()
