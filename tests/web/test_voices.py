"""Page recordings in a real headless Chromium with a fake microphone.

The microphone plays a WAV of tone bursts made here (Chromium loops it). Permission is
the browser's own: a context granted the microphone records, one without it is refused,
as when a teacher clicks "Block". A teacher records a page in the studio, listens back
and sends it, or sends a file; a family listens to a page, or to the whole book, which
turns to each page with a recording by itself. Without JavaScript every such page has
the browser's own player.
"""

from __future__ import annotations

import io
import math
import re
import struct
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from tests.images import drawing, encode
from tests.web.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    STORY,
    Book,
    assert_accessible,
    checked_page,
    new_context,
    screenshot,
    serving,
)

RATE = 48_000
STORED_AUDIO = re.compile(r"^/media/[0-9a-f]{64}\.m4a$")
# A recording plays for a second or two; turning the book's pages waits for each to end.
LISTENING_MS = 20_000
# MAGICSHELF_MAX_AUDIO_SECONDS of a server whose studio stops recording within the test.
SHORT_LIMIT_SECONDS = 3


def tone_bursts(seconds: float, *, amplitude: float = 0.5) -> bytes:
    """A mono 16-bit WAV: rising tones of 0.3 s with 0.1 s pauses, like syllables."""
    samples = []
    for index in range(int(seconds * RATE)):
        moment = index / RATE
        within = moment % 0.4
        frequency = 300 + 1500 * within  # a sweep, not a steady hum a noise filter removes
        level = amplitude if within < 0.3 else 0.0
        samples.append(int(32767 * level * math.sin(2 * math.pi * frequency * within)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def microphone_browser(
    live_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    """Chromium whose microphone hears tone bursts; without --use-fake-ui-for-media-stream,
    so a context's permissions decide whether a page may use it."""
    sound = tmp_path_factory.mktemp("microphone") / "leitura.wav"
    sound.write_bytes(tone_bursts(4))
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={sound}",
    ]
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield chromium
        chromium.close()


@contextmanager
def own_tab(
    browser: Browser, server: str, device: str, *, permissions: tuple[str, ...] = ()
) -> Iterator[Page]:
    """A tab in a browser context of its own: ``("microphone",)`` as after the teacher
    clicked "Allow"; none as after "Block", or as at home, where nobody records."""
    context = new_context(browser, server, device, permissions=list(permissions))
    try:
        with checked_page(context) as page:
            yield page
    finally:
        context.close()


@pytest.fixture
def tab(microphone_browser: Browser, live_server: str, device: str) -> Iterator[Page]:
    with own_tab(microphone_browser, live_server, device, permissions=("microphone",)) as page:
        yield page


@pytest.fixture
def short_limit_server(tmp_path: Path) -> Iterator[str]:
    """A server of its own whose recordings may last only SHORT_LIMIT_SECONDS."""
    with serving(tmp_path / "short", max_audio_seconds=SHORT_LIMIT_SECONDS) as url:
        yield url


def make_book(server: str, *, recorded: tuple[int, ...] = (), drawn: tuple[int, ...] = ()) -> Book:
    """A book with six texts, a recording (tone bursts) on each page in `recorded` and a
    drawing on each page in `drawn`."""
    with httpx.Client(base_url=server) as http:
        created = http.post(
            "/api/books",
            json={
                "title": "A Árvore que Cantava",
                "author": "Maria Eduarda",
                "teacher": "Professora Ana Lúcia",
                "pages": [{"number": n, "text": text} for n, text in enumerate(STORY, 1)],
            },
        ).json()
        code, key = created["magic_code"], created["edit_key"]
        uploads = [(n, "audio", f"pagina-{n}.wav", tone_bursts(1.2)) for n in recorded] + [
            (n, "illustration", "desenho.png", encode(drawing(800, 600, seed=n), "PNG"))
            for n in drawn
        ]
        for number, kind, name, content in uploads:
            response = http.put(
                f"/api/books/{code}/pages/{number}/{kind}",
                files={"file": (name, content)},
                headers={"Authorization": f"Bearer {key}"},
            )
            assert response.status_code == 200, response.text
        return Book(code=code, key=key, json=http.get(f"/api/books/{code}").json())


def page_audio(page: Page, code: str, number: int) -> dict[str, Any] | None:
    audio: dict[str, Any] | None = page.request.get(f"/api/books/{code}").json()["pages"][
        number - 1
    ]["audio"]
    return audio


def open_in_studio(page: Page, book: Book, number: int = 1) -> Locator:
    """The studio with the book open by its key (kept in the tab): page `number`'s editor."""
    page.goto("/studio")
    page.evaluate(
        "([code, key]) => sessionStorage.setItem('magicshelf.studio', JSON.stringify({code, key}))",
        [book.code, book.key],
    )
    page.reload()
    expect(page.locator("[data-editing]")).to_be_visible()
    return page.locator(f'[data-page-editor="{number}"]')


def voice_status(editor: Locator) -> Locator:
    return editor.locator('[data-status="voice"]')


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_a_teacher_records_a_page_listens_and_sends_it_and_a_family_plays_it(
    tab: Page, microphone_browser: Browser, live_server: str, device: str
) -> None:
    book = make_book(live_server)
    editor = open_in_studio(tab, book)
    expect(editor.get_by_text("Ainda sem gravação.")).to_be_visible()
    editor.get_by_role("button", name="Gravar", exact=True).click()

    stop = editor.get_by_role("button", name="Parar")
    expect(stop).to_be_focused()
    expect(voice_status(editor)).to_have_text("Gravando… Fale pertinho do microfone.")
    # The meter hears the tone bursts, and the clock counts up to the limit.
    tab.wait_for_function("m => m.value > 0.5", arg=editor.locator("[data-level]").element_handle())
    expect(editor.locator("[data-clock]")).to_have_text(re.compile(r"^0:0[2-9] / 3:00$"))
    screenshot(tab, "studio-recording", device)
    stop.click()

    expect(voice_status(editor)).to_contain_text("Gravação pronta (0:0")
    take = editor.locator("[data-take-audio]")
    expect(take).to_have_attribute("src", re.compile(r"^blob:"))
    # Listening back works (the page's policy lets blob: media play).
    take.evaluate("audio => audio.play()")
    tab.wait_for_function("audio => audio.currentTime > 0.2", arg=take.element_handle())
    take.evaluate("audio => audio.pause()")
    send = editor.get_by_role("button", name="Enviar", exact=True)
    expect(send).to_be_focused()
    expect(editor.get_by_role("button", name="Gravar de novo")).to_be_visible()
    send.click()

    expect(voice_status(editor)).to_have_text("Gravação enviada!")
    stored = editor.locator("[data-stored-audio]")
    expect(stored).to_have_attribute("src", STORED_AUDIO)
    expect(editor.locator("[data-duration]")).to_have_text(re.compile(r"^Duração: 0:0[1-9]$"))
    expect(editor.get_by_role("button", name="Apagar gravação")).to_be_visible()
    audio = page_audio(tab, book.code, 1)
    assert audio is not None
    assert audio["content_type"] == "audio/mp4"
    assert audio["duration_seconds"] > 1
    assert stored.get_attribute("src") == audio["url"]
    served = tab.request.get(audio["url"])
    assert served.status == 200
    assert served.headers["content-type"] == "audio/mp4"
    assert served.body()[4:8] == b"ftyp"  # an MP4 file, whatever the browser recorded
    screenshot(tab, "studio-recorded", device)

    # At home, in a browser of its own, the family plays what the teacher recorded.
    with own_tab(microphone_browser, live_server, device) as reader:
        # The reader's one player lives outside the document: keep a hand on what plays.
        reader.add_init_script(
            """window.playing = new Set();
            const play = HTMLMediaElement.prototype.play;
            HTMLMediaElement.prototype.play = function () {
                playing.add(this);
                return play.call(this);
            };"""
        )
        reader.goto(f"/read/{book.code}?page=1")
        listen = reader.locator("#page-1").get_by_role("button", name="Ouvir esta página")
        listen.click()
        expect(listen).to_have_attribute("aria-pressed", "true")
        reader.wait_for_function(
            """url => [...playing].some(
                audio => audio.src.endsWith(url) && audio.currentTime > 0.5
            )""",
            arg=audio["url"],
        )
        expect(listen).to_have_attribute("aria-pressed", "false", timeout=LISTENING_MS)
        # The whole book: page 1 plays, and when it ends the book turns to its end.
        book_button(reader).click()
        expect(where(reader)).to_have_text("Página 1 de 6")
        expect(where(reader)).to_have_text("Fim", timeout=LISTENING_MS)
        expect(reader.locator("[data-voice-error]")).to_have_text("")


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_the_studio_stops_recording_by_itself_before_the_limit(
    microphone_browser: Browser, short_limit_server: str, device: str
) -> None:
    book = make_book(short_limit_server)
    with own_tab(
        microphone_browser, short_limit_server, device, permissions=("microphone",)
    ) as tab:
        editor = open_in_studio(tab, book)
        status = voice_status(editor)
        # Each change of the status, on the page's own clock: when recording began, and
        # when the recorder had stopped and its take was ready.
        status.evaluate(
            """status => {
                window.statusLog = [];
                new MutationObserver(() => statusLog.push([performance.now(), status.textContent]))
                    .observe(status, {childList: true, characterData: true, subtree: true});
            }"""
        )
        editor.get_by_role("button", name="Gravar", exact=True).click()
        expect(status).to_have_text("Gravando… Fale pertinho do microfone.")
        clock = editor.locator("[data-clock]")
        expect(clock).to_have_text(re.compile(r"^0:0[0-2] / 0:03$"))

        # Nobody clicks Parar.
        expect(status).to_have_text(
            "Chegou ao limite de 0:03 e a gravação parou. Ouça e, se estiver boa, envie.",
            timeout=(SHORT_LIMIT_SECONDS + 5) * 1000,
        )
        log: list[tuple[float, str]] = tab.evaluate("statusLog")
        began = next(moment for moment, text in log if text.startswith("Gravando"))
        ended = next(moment for moment, text in log if text.startswith("Chegou ao limite"))
        assert SHORT_LIMIT_SECONDS - 1 < (ended - began) / 1000 < SHORT_LIMIT_SECONDS, log
        expect(clock).to_have_text(re.compile(r"^0:0[0-2] / 0:03$"))  # it never showed 0:03
        expect(editor.get_by_role("button", name="Parar")).to_be_hidden()
        expect(editor.locator("[data-take-audio]")).to_have_attribute("src", re.compile(r"^blob:"))

        send = editor.get_by_role("button", name="Enviar", exact=True)
        expect(send).to_be_focused()
        send.click()
        expect(status).to_have_text("Gravação enviada!")
        audio = page_audio(tab, book.code, 1)
        assert audio is not None
        assert SHORT_LIMIT_SECONDS - 1 < audio["duration_seconds"] < SHORT_LIMIT_SECONDS


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_a_refused_microphone_is_explained(
    microphone_browser: Browser, live_server: str, device: str
) -> None:
    # No microphone permission: Chromium refuses getUserMedia (NotAllowedError), as when
    # the teacher blocks the microphone for the site.
    with own_tab(microphone_browser, live_server, device) as page:
        editor = open_in_studio(page, make_book(live_server), number=2)
        record = editor.get_by_role("button", name="Gravar", exact=True)
        record.click()
        expect(editor.get_by_role("alert")).to_have_text(
            "O navegador não deixou usar o microfone. Permita o microfone para este "
            "site e tente de novo, ou envie um arquivo de áudio."
        )
        expect(record).to_be_visible()
        expect(record).to_be_focused()
        expect(editor.get_by_role("button", name="Parar")).to_be_hidden()
        expect(editor.get_by_text("Enviar arquivo de áudio")).to_be_visible()


@pytest.mark.parametrize("device", ["phone"], indirect=True)
def test_a_teacher_sends_an_audio_file_and_deletes_it(
    tab: Page, live_server: str, tmp_path: Path
) -> None:
    book = make_book(live_server)
    editor = open_in_studio(tab, book, number=3)
    chooser = editor.locator("[data-audio-file]")
    not_audio = tmp_path / "desenho.mp3"
    not_audio.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    chooser.set_input_files(not_audio)
    expect(editor.get_by_role("alert")).to_have_text(
        "Esse arquivo não é uma gravação que a gente consiga ler. Use WebM, MP4 (M4A), Ogg, "
        "MP3 ou WAV."
    )
    assert page_audio(tab, book.code, 3) is None

    reading = tmp_path / "leitura.wav"
    reading.write_bytes(tone_bursts(2))
    chooser.set_input_files(reading)
    expect(voice_status(editor)).to_have_text("Gravação enviada!")
    expect(editor.get_by_role("alert")).to_be_hidden()
    expect(editor.locator("[data-stored-audio]")).to_have_attribute("src", STORED_AUDIO)
    expect(editor.locator("[data-duration]")).to_have_text("Duração: 0:02")
    audio = page_audio(tab, book.code, 3)
    assert audio is not None
    assert 1.5 < audio["duration_seconds"] <= 2.1

    editor.get_by_role("button", name="Apagar gravação").click()
    expect(voice_status(editor)).to_have_text("Gravação apagada.")
    expect(editor.get_by_text("Ainda sem gravação.")).to_be_visible()
    expect(editor.get_by_role("button", name="Gravar", exact=True)).to_be_focused()
    assert page_audio(tab, book.code, 3) is None


def book_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Ouvir o livro")


def where(page: Page) -> Locator:
    return page.locator("[data-where]")


@pytest.mark.parametrize("device", ["phone"], indirect=True)
def test_a_family_listens_to_a_page_and_to_the_whole_book(
    tab: Page, live_server: str, device: str
) -> None:
    # Page 2 has no recording: the book read aloud goes from page 1 to page 3.
    book = make_book(live_server, recorded=(1, 3), drawn=(1,))
    tab.goto(f"/read/{book.code}?page=1")
    listen = tab.locator("#page-1").get_by_role("button", name="Ouvir esta página")
    expect(listen).to_be_visible()
    expect(tab.locator("#page-1 audio")).to_be_hidden()  # the big button replaces it
    expect(tab.locator("#page-2").get_by_role("button")).to_have_count(0)
    screenshot(tab, "reader-listen", device)

    # A tap plays the page, another pauses it.
    listen.tap()
    expect(listen).to_have_attribute("aria-pressed", "true")
    listen.tap()
    expect(listen).to_have_attribute("aria-pressed", "false")

    book_button(tab).tap()
    expect(book_button(tab)).to_have_attribute("aria-pressed", "true")
    expect(where(tab)).to_have_text("Página 1 de 6")
    expect(listen).to_have_attribute("aria-pressed", "true")
    # When page 1's recording ends, the book turns to page 3 by itself, then to the end.
    expect(where(tab)).to_have_text("Página 3 de 6", timeout=LISTENING_MS)
    expect(tab.locator("#page-3")).to_be_visible()
    expect(tab.locator("#page-1")).to_be_hidden()
    expect(where(tab)).to_have_text("Fim", timeout=LISTENING_MS)
    expect(book_button(tab)).to_have_attribute("aria-pressed", "false")
    expect(tab.locator("[data-voice-error]")).to_have_text("")


@pytest.mark.parametrize("device", ["desktop"], indirect=True)
def test_the_book_read_aloud_works_from_the_keyboard(tab: Page, live_server: str) -> None:
    book = make_book(live_server, recorded=(2,))
    tab.goto(f"/read/{book.code}")
    expect(where(tab)).to_have_text("Capa")
    book_button(tab).focus()
    tab.keyboard.press("Enter")
    expect(where(tab)).to_have_text("Página 2 de 6")
    expect(book_button(tab)).to_have_attribute("aria-pressed", "true")
    tab.keyboard.press("Escape")
    expect(book_button(tab)).to_have_attribute("aria-pressed", "false")
    expect(where(tab)).to_have_text("Página 2 de 6")  # stopped where it was
    expect(book_button(tab)).to_be_focused()
    tab.keyboard.press("Space")
    expect(book_button(tab)).to_have_attribute("aria-pressed", "true")
    # Turning the page by hand ends the listening.
    tab.keyboard.press("ArrowRight")
    expect(where(tab)).to_have_text("Página 3 de 6")
    expect(book_button(tab)).to_have_attribute("aria-pressed", "false")


def test_without_javascript_each_recorded_page_has_a_player(
    microphone_browser: Browser, live_server: str, device: str
) -> None:
    book = make_book(live_server, recorded=(1,))
    context: BrowserContext = new_context(
        microphone_browser, live_server, device, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(f"/read/{book.code}?page=1")
        player = page.locator("#page-1 audio")
        expect(player).to_be_visible()
        expect(player).to_have_attribute("controls", "")
        expect(player).to_have_attribute("preload", "none")
        expect(player).to_have_attribute("src", STORED_AUDIO)
        assert player.get_attribute("src") == book.json["pages"][0]["audio"]["url"]
        expect(page.get_by_role("button", name="Ouvir esta página")).to_be_hidden()
        expect(page.get_by_role("button", name="Ouvir o livro")).to_be_hidden()
        expect(page.locator("#page-2 audio")).to_have_count(0)
    finally:
        context.close()


def test_only_the_studio_may_ask_for_the_microphone(live_server: str) -> None:
    book = make_book(live_server)
    with httpx.Client(base_url=live_server) as http:
        studio = http.get("/studio").headers["permissions-policy"]
        reader = http.get(f"/read/{book.code}").headers["permissions-policy"]
    assert "microphone=(self)" in studio
    assert "microphone=()" in reader


def test_recording_and_listening_are_accessible(tab: Page, live_server: str, device: str) -> None:
    book = make_book(live_server, recorded=(1, 2), drawn=(1,))
    tab.goto(f"/read/{book.code}?page=1")
    expect(tab.get_by_role("button", name="Ouvir esta página")).to_be_visible()
    screenshot(tab, "reader-listen-drawing", device)
    assert_accessible(tab)

    editor = open_in_studio(tab, book)
    expect(editor.locator("[data-stored-audio]")).to_be_visible()
    assert_accessible(tab)
    editor.get_by_role("button", name="Gravar", exact=True).click()
    expect(editor.get_by_role("meter", name="Volume do microfone")).to_be_visible()
    assert_accessible(tab)
    editor.get_by_role("button", name="Parar").click()
    expect(editor.locator("[data-take-audio]")).to_be_visible()
    assert_accessible(tab)
