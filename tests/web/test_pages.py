"""The pages over HTTP, on SQLite and PostgreSQL: language, codes, escaping and headers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from magicshelf.books import codes
from magicshelf.settings import Settings
from magicshelf.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import make_settings
from tests.images import drawing, encode
from tests.web.markup import Page

MISS_LIMIT = 3
BOOK = {"title": "A Árvore que Dançava", "author": "Maria Eduarda", "teacher": "Professora Ana"}


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url, miss_limit=MISS_LIMIT)


async def create(client: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    response = await client.post("/api/books", json={**BOOK, **changes})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def illustrate(
    client: httpx.AsyncClient, created: dict[str, Any], number: int, width: int, height: int
) -> None:
    response = await client.put(
        f"/api/books/{created['magic_code']}/pages/{number}/illustration",
        files={"file": ("desenho.png", encode(drawing(width, height), "PNG"))},
        headers={"Authorization": f"Bearer {created['edit_key']}"},
    )
    assert response.status_code == 200, response.text


def unknown_code() -> str:
    return codes.display(codes.new_code())


def typo(code: str) -> str:
    """The code with one symbol changed: the check symbol rejects it."""
    last = codes.ALPHABET[(codes.ALPHABET.index(code[0]) + 1) % codes.BASE]
    return last + code[1:]


async def test_landing_speaks_brazilian_portuguese_by_default(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-language"] == "pt-BR"
    assert "Accept-Language" in response.headers["vary"]
    page = Page(response.text)
    assert page.one("html").attrs["lang"] == "pt-BR"
    assert "Digite o código mágico" in response.text
    form = page.one("form")
    assert (form.attrs["method"], form.attrs["action"]) == ("get", "/read")
    field = page.one("input", name="code")
    assert field.attrs["autocapitalize"] == "characters"
    assert field.attrs["autocomplete"] == "off"
    assert field.attrs["inputmode"] == "text"
    assert page.find("a", href="/studio")


async def test_landing_speaks_english_when_the_browser_prefers_it(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,pt;q=0.5"})
    assert response.headers["content-language"] == "en"
    assert Page(response.text).one("html").attrs["lang"] == "en"
    assert "Type the magic code" in response.text


async def test_reader_redirects_a_loosely_typed_code(client: httpx.AsyncClient) -> None:
    code = (await create(client))["magic_code"]
    loose = code.lower().replace("-", " ")
    response = await client.get(f"/read/{loose}", params={"page": "2"})
    assert response.status_code == 308
    assert response.headers["location"] == f"/read/{code}?page=2"
    assert (await client.get(response.headers["location"])).status_code == 200


async def test_the_landing_form_leads_to_the_reader(client: httpx.AsyncClient) -> None:
    code = (await create(client))["magic_code"]
    response = await client.get("/read", params={"code": f" {code.lower()} "})
    assert response.status_code == 303
    assert response.headers["location"] == f"/read/{code}"


@pytest.mark.parametrize("via", ["form", "path"])
async def test_a_mistyped_code_gets_a_friendly_400_page(
    client: httpx.AsyncClient, via: str
) -> None:
    code = typo((await create(client))["magic_code"])
    response = await (
        client.get("/read", params={"code": code}) if via == "form" else client.get(f"/read/{code}")
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    page = Page(response.text)
    assert "esse código não está certo" in response.text
    field = page.one("input", name="code")
    assert field.attrs["value"] == code
    assert field.attrs["aria-invalid"] == "true"
    assert page.one("p", role="alert")


@pytest.mark.parametrize("via", ["form", "path"])
async def test_an_unknown_code_gets_a_friendly_404_page(
    client: httpx.AsyncClient, via: str
) -> None:
    code = unknown_code()
    response = await (
        client.get("/read", params={"code": code}) if via == "form" else client.get(f"/read/{code}")
    )
    assert response.status_code == 404
    assert "Não encontramos nenhum livro com esse código" in response.text
    assert Page(response.text).one("input", name="code").attrs["value"] == code


async def test_an_empty_code_asks_for_one(client: httpx.AsyncClient) -> None:
    response = await client.get("/read", params={"code": "  "})
    assert response.status_code == 400
    assert "Digite o código mágico para abrir o livro." in response.text


async def test_too_many_misses_get_a_friendly_429_page(client: httpx.AsyncClient) -> None:
    code = (await create(client))["magic_code"]
    for _ in range(MISS_LIMIT):
        assert (await client.get(f"/read/{unknown_code()}")).status_code == 404
    for path in (f"/read/{unknown_code()}", f"/read/{code}", f"/read?code={code}"):
        response = await client.get(path)
        assert response.status_code == 429
        assert 0 < int(response.headers["retry-after"]) <= 600
        assert "Espere uns 10 minutos" in response.text


async def test_book_text_is_always_escaped(client: httpx.AsyncClient) -> None:
    created = await create(
        client,
        title="<script>alert('título')</script>",
        author='Ana & "Bia"',
        pages=[{"number": 1, "text": "<img src=x onerror=alert(1)>\nFim"}],
    )
    response = await client.get(f"/read/{created['magic_code']}", params={"page": 1})
    html = response.text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;título&#39;)&lt;/script&gt;" in html
    assert "Ana &amp; &#34;Bia&#34;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;\nFim" in html
    assert not Page(html).find("img", src="x")


async def test_reader_shows_the_requested_page_server_side(client: httpx.AsyncClient) -> None:
    code = (await create(client, pages=[{"number": 3, "text": "Terceira"}]))["magic_code"]
    for query, shown in (("3", 3), ("7", 7), ("99", 7), ("-4", 0), ("três", 0), ("", 0)):
        page = Page((await client.get(f"/read/{code}", params={"page": query})).text)
        visible = [e.attrs["id"] for e in page.find("section") if "hidden" not in e.attrs]
        assert visible == [f"page-{shown}"]
        label = {0: "Capa", 7: "Fim"}.get(shown, f"Página {shown} de 6")
        assert page.one("p", data_where="").text == label
    html = (await client.get(f"/read/{code}", params={"page": 3})).text
    page = Page(html)
    assert page.one("a", data_turn="prev").attrs["href"] == "?page=2"
    assert page.one("a", data_turn="next").attrs["href"] == "?page=4"
    assert page.one("a", data_goto="7").attrs["href"] == "?page=7"  # the top bar's downloads
    assert page.one("meta", name="robots").attrs["content"] == "noindex, nofollow"


async def test_after_page_six_the_end_page_reads_again_or_downloads(
    client: httpx.AsyncClient,
) -> None:
    code = (await create(client))["magic_code"]
    six = Page((await client.get(f"/read/{code}", params={"page": 6})).text)
    assert six.one("a", data_turn="next").attrs["href"] == "?page=7"

    response = await client.get(f"/read/{code}", params={"page": 7})
    page = Page(response.text)
    [end] = [e for e in page.find("section") if "hidden" not in e.attrs]
    assert (end.attrs["id"], end.attrs["aria-label"]) == ("page-7", "Fim")
    texts = [e.text for e in page.find("p") if e.section == "page-7"]
    assert texts[:2] == ["Fim", "Escrito e desenhado por Maria Eduarda"]
    links = {" ".join(e.text.split()): e.attrs for e in page.find("a") if e.section == "page-7"}
    assert links["↺ Ler de novo"]["href"] == f"/read/{code}"  # the cover
    assert links["Baixar para ler"]["href"] == f"/api/books/{code}/pdf"
    assert links["Baixar para imprimir e dobrar"]["href"] == f"/api/books/{code}/pdf?layout=booklet"
    hints = {e.attrs["id"]: e.text for e in page.find("span") if "hint" in e.attrs.get("class", "")}
    assert hints["download-read-hint"] == "PDF em A5, uma página por folha."
    assert "dobre ao meio" in hints[links["Baixar para imprimir e dobrar"]["aria-describedby"]]
    assert page.one("a", data_turn="prev").attrs["href"] == "?page=6"
    assert page.one("a", data_turn="next").attrs["aria-disabled"] == "true"
    for link in ("Baixar para ler", "Baixar para imprimir e dobrar"):
        assert (await client.get(links[link]["href"])).headers["content-type"] == "application/pdf"

    english = Page(
        (await client.get(f"/read/{code}?page=7", headers={"Accept-Language": "en"})).text
    )
    words = [" ".join(e.text.split()) for e in english.find("a") if e.section == "page-7"]
    assert words == ["↺ Read it again", "Download to read", "Download to print and fold"]


async def test_without_javascript_no_tip_about_arrows_or_swiping(
    client: httpx.AsyncClient,
) -> None:
    code = (await create(client))["magic_code"]
    page = Page((await client.get(f"/read/{code}")).text)
    # The script shows the tip; without it, the tip stays hidden with what it describes.
    [tip] = page.find("p", data_tip="")
    assert "setas do teclado" in tip.text
    assert "hidden" in tip.attrs


async def test_reader_images_are_responsive(client: httpx.AsyncClient) -> None:
    created = await create(client, pages=[{"number": 3, "text": "Só texto"}])
    await illustrate(client, created, 1, 2000, 1000)
    await illustrate(client, created, 2, 300, 200)
    book = (await client.get(f"/api/books/{created['magic_code']}")).json()
    page = Page((await client.get(f"/read/{created['magic_code']}?page=2")).text)
    images = {e.section: e for e in page.find("img") if e.section}
    assert set(images) == {"page-1", "page-2"}

    big = images["page-1"].attrs
    first = book["pages"][0]["illustration"]
    assert big["srcset"] == f"{first['thumbnail_url']} 400w, {first['url']} 1600w"
    assert (big["width"], big["height"]) == ("1600", "800")
    assert big["sizes"]
    assert big["alt"] == "Desenho da página 1"
    assert big["loading"] == "lazy"

    small = images["page-2"].attrs
    assert small["srcset"] == f"{book['pages'][1]['illustration']['url']} 300w"
    assert (small["width"], small["height"]) == ("300", "200")
    assert "loading" not in small  # the page being shown loads at once
    assert small["fetchpriority"] == "high"

    (text_only,) = [e for e in page.find("section") if e.attrs["id"] == "page-3"]
    assert "text-only" in text_only.attrs["class"]
    assert [e.text for e in page.find("div") if e.section == "page-3"] == ["Só texto"]


async def test_the_studio_gets_its_messages_and_limits(client: httpx.AsyncClient) -> None:
    response = await client.get("/studio", headers={"Accept-Language": "en"})
    assert response.headers["cache-control"] == "no-store"
    page = Page(response.text)
    main = page.one("main")
    messages = json.loads(main.attrs["data-messages"])
    assert messages["counter"] == "{count} of {max} characters"
    assert "problem.unsupported-image" not in messages  # the API's English is used
    assert int(main.attrs["data-max-upload-bytes"]) == 15_000_000
    assert [e.attrs["data-max"] for e in page.find("textarea", data_text="")] == ["1500"] * 6
    assert len(page.find("input", data_file="")) == 6
    portuguese = json.loads(
        Page((await client.get("/studio")).text).one("main").attrs["data-messages"]
    )
    assert portuguese["problem.unsupported-image"].startswith("Esse arquivo não é uma imagem")


async def test_the_studio_without_javascript_shows_only_its_notice(
    client: httpx.AsyncClient,
) -> None:
    page = Page((await client.get("/studio")).text)
    assert (
        page.one("noscript").text.strip() == "O estúdio precisa de JavaScript ligado no navegador."
    )
    # Every view waits, hidden, for the script to choose one; forms live in views or in
    # dialogs, which stay closed without it.
    for element in page.elements:
        if "data-views" in element.attrs or element.tag == "section":
            assert "hidden" in element.attrs, element.attrs
    for form in page.find("form"):
        assert form.section is not None or form.attrs.get("method") == "dialog", form.attrs
    assert not [d for d in page.find("dialog") if "open" in d.attrs]


async def test_the_studio_signs_teachers_in_with_what_password_managers_expect(
    client: httpx.AsyncClient,
) -> None:
    page = Page((await client.get("/studio")).text)
    fields = {
        e.attrs["id"]: (e.attrs["type"], e.attrs["autocomplete"])
        for e in page.find("input")
        if e.attrs.get("id", "").startswith(("signin-", "signup-", "reset-"))
    }
    assert fields == {
        "signin-email": ("email", "username"),
        "signin-password": ("password", "current-password"),
        "signup-name": ("text", "name"),
        "signup-email": ("email", "username"),
        "signup-password": ("password", "new-password"),
        "reset-password": ("password", "new-password"),
    }
    labels = {e.attrs.get("for") for e in page.find("label")}
    assert set(fields) <= labels


async def test_the_class_grid_is_a_table_with_headers(client: httpx.AsyncClient) -> None:
    page = Page((await client.get("/studio")).text)
    table = page.one("table")
    assert "Cada linha é o livro de uma criança" in page.one("caption").text
    columns = [e.text.split() for e in page.find("th", scope="col")]
    assert columns == [["Criança"], *(["Página", str(n)] for n in range(1, 7)), ["Situação"]]
    assert table.attrs["class"] == "class-grid"
    # The row of one child, filled in by the script: its name heads the row.
    assert page.find("th", scope="row")
    scroller = page.one("div", role="region")
    assert (scroller.attrs["tabindex"], scroller.attrs["aria-labelledby"]) == ("0", "grid-heading")


async def pages_to_check(client: httpx.AsyncClient) -> list[str]:
    created = await create(client, pages=[{"number": 1, "text": "Um"}])
    await illustrate(client, created, 1, 800, 600)
    code = created["magic_code"]
    return [
        "/",
        "/studio",
        f"/read/{code}",
        f"/read/{code}?page=1",
        f"/read/{code}?page=2",
        f"/read/{code}?page=7",
        f"/read?code={typo(code)}",
        f"/read?code={unknown_code()}",
    ]


async def test_html_responses_carry_the_security_headers(client: httpx.AsyncClient) -> None:
    for path in await pages_to_check(client):
        for language in ("pt-BR", "en"):
            response = await client.get(path, headers={"Accept-Language": language})
            headers = response.headers
            assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
            assert "script-src 'self';" in headers["content-security-policy"]
            assert headers["referrer-policy"] == "no-referrer"
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["x-frame-options"] == "DENY"
            assert "camera=()" in headers["permissions-policy"]
            assert headers["content-language"] == ("en" if language == "en" else "pt-BR")
            assert "Accept-Language" in headers["vary"]


async def test_only_html_gets_the_page_policy(client: httpx.AsyncClient) -> None:
    code = (await create(client))["magic_code"]
    api = await client.get(f"/api/books/{code}")
    assert "content-security-policy" not in api.headers
    docs = await client.get("/docs")
    assert docs.status_code == 200
    # Swagger UI needs its inline bootstrap script, but nothing from another origin.
    assert "'unsafe-inline'" in docs.headers["content-security-policy"]
    assert "http" not in docs.headers["content-security-policy"]
    assert docs.headers["x-frame-options"] == "DENY"


async def test_api_docs_work_without_internet(client: httpx.AsyncClient) -> None:
    docs = (await client.get("/docs")).text
    assert "cdn" not in docs.lower()
    assert "https://" not in docs
    for asset in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css"):
        assert asset in docs
        assert (await client.get(asset)).status_code == 200


async def test_no_inline_script_or_style_anywhere(client: httpx.AsyncClient) -> None:
    for path in await pages_to_check(client):
        response = await client.get(path)
        page = Page(response.text)
        assert not page.find("style"), path
        for element in page.elements:
            assert "style" not in element.attrs, (path, element.tag)
            assert not [name for name in element.attrs if name.startswith("on")], path
            for name in ("href", "src", "action"):
                assert not element.attrs.get(name, "").lower().startswith("javascript:"), path
        for script in page.find("script"):
            assert script.attrs["src"].startswith("/static/v-"), path
            assert script.attrs["type"] == "module"
            assert not script.text.strip(), path
        for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', response.text):
            assert (await client.get(asset)).status_code == 200, asset


async def test_static_files_are_versioned_and_cached(client: httpx.AsyncClient) -> None:
    html = (await client.get("/")).text
    stylesheet = re.search(r'href="(/static/v-[0-9a-f]+/base\.css)"', html)
    assert stylesheet
    versioned = await client.get(stylesheet.group(1))
    assert versioned.status_code == 200
    assert versioned.headers["content-type"].startswith("text/css")
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    plain = await client.get("/static/reader.js")
    assert plain.headers["cache-control"] == "public, max-age=3600"
    assert "javascript" in plain.headers["content-type"]
    older = await client.get("/static/v-0123456789ab/base.css")
    assert older.headers["cache-control"] == "no-cache"
    for missing in ("/static/nothing.css", "/static/v-0123/../../__init__.py"):
        assert (await client.get(missing)).status_code == 404
