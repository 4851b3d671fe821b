"""The words on the pages, in Brazilian Portuguese (the default) and English.

Keys starting with ``js.`` are also handed to the studio's JavaScript, so the messages it
shows (saving, uploading, the API's errors) come from the same catalog as the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Literal

Locale = Literal["pt-BR", "en"]
DEFAULT_LOCALE: Final[Locale] = "pt-BR"

PT: Final[dict[str, str]] = {
    "site.tagline": "Livros escritos e desenhados por crianças",
    "nav.skip": "Pular para o conteúdo",
    "nav.home": "Início",
    "landing.title": "Vamos ler o livro?",
    "landing.lead": "O código mágico está no bilhete que a escola mandou para casa.",
    "landing.label": "Digite o código mágico",
    "landing.hint": "São 9 letras e números, como ABC-DEF-GH3. Maiúsculas, espaços e hífens "
    "tanto faz.",
    "landing.submit": "Ler o livro",
    "landing.teacher": "É professor ou professora?",
    "landing.studio": "Crie e edite os livros no estúdio",
    "error.empty_code": "Digite o código mágico para abrir o livro.",
    "error.invalid_code": "Hmm, esse código não está certo. Confira cada letra e número no "
    "bilhete e tente de novo.",
    "error.unknown_code": "Não encontramos nenhum livro com esse código. Confira o bilhete e "
    "tente de novo.",
    "error.still_writing": "Esse livro ainda está sendo escrito! O código está certo: volte "
    "quando a turma terminar.",
    "error.too_many": "Foram muitas tentativas com códigos que não existem. Espere uns "
    "{minutes} minutos e tente de novo.",
    "reader.by": "Escrito e desenhado por {author}",
    "reader.teacher": "Orientação: {teacher}",
    "reader.cover": "Capa",
    "reader.page_of": "Página {number} de {total}",
    "reader.prev": "Anterior",
    "reader.next": "Próxima",
    "reader.pages": "Virar as páginas",
    "reader.pdf": "Baixar PDF para imprimir",
    "reader.drawing_alt": "Desenho da página {number}",
    "reader.blank": "Esta página ficou em branco.",
    "reader.tip": "Dica: use as setas do teclado ou deslize o dedo para virar a página.",
    "reader.another": "Ler outro livro",
    "studio.title": "Estúdio do professor",
    "studio.lead": "Crie o livro da criança, digite os textos e envie os desenhos. Cada livro "
    "ganha um código mágico para a família ler em casa.",
    "studio.new": "Criar um livro novo",
    "studio.details": "Dados do livro",
    "field.title": "Título do livro",
    "field.author": "Autor ou autora (a criança)",
    "field.teacher": "Professor ou professora",
    "field.school": "Escola (opcional)",
    "field.code": "Código mágico",
    "field.key": "Chave de edição",
    "studio.create": "Criar livro",
    "studio.save_details": "Salvar dados do livro",
    "studio.open": "Abrir um livro que já existe",
    "studio.open_hint": "Use o código mágico e a chave de edição que você guardou.",
    "studio.open_submit": "Abrir livro",
    "studio.created": "Livro criado!",
    "studio.keep_key": "Guarde esta chave!",
    "studio.key_warning": "Ela aparece só agora e é a única forma de editar o livro depois. "
    "Ninguém consegue mostrá-la de novo.",
    "studio.code_label": "Código mágico (para a família)",
    "studio.key_label": "Chave de edição (só para você)",
    "studio.copy": "Copiar código e chave",
    "studio.pages": "As seis páginas",
    "studio.page": "Página {number}",
    "studio.text_label": "Texto da página {number}",
    "studio.save_text": "Salvar texto",
    "studio.drawing": "Desenho da página {number}",
    "studio.remove": "Remover desenho",
    "studio.drawing_hint": "Foto ou digitalização em PNG, JPEG ou WebP, até {megabytes} MB.",
    "studio.read": "Ver como a família vai ver",
    "studio.close": "Fechar este livro",
    "studio.needs_js": "O estúdio precisa de JavaScript ligado no navegador.",
    "js.copy_text": "Código mágico: {code}\nChave de edição: {key}",
    "js.copied": "Copiado! Cole num lugar seguro.",
    "js.copy_failed": "Não deu para copiar. Selecione o código e a chave e copie à mão.",
    "js.counter": "{count} de {max} caracteres",
    "js.too_long": "Passou do limite de {max} caracteres.",
    "js.saving": "Salvando…",
    "js.saved": "Salvo!",
    "js.unsaved": "Alterações ainda não salvas.",
    "js.uploading": "Enviando… {percent}%",
    "js.processing": "Preparando o desenho…",
    "js.file_too_large": "Esse arquivo tem {size} MB e o limite é {max} MB. Envie uma foto "
    "menor (por exemplo, tirada com resolução mais baixa).",
    "js.uploaded": "Desenho enviado!",
    "js.removing": "Removendo…",
    "js.removed": "Desenho removido.",
    "js.no_drawing": "Ainda sem desenho.",
    "js.choose": "Escolher desenho",
    "js.replace": "Trocar desenho",
    "js.preview_alt": "Prévia do desenho da página {number}",
    "js.editing": "Editando “{title}” · código {code}",
    "js.code_required": "Digite o código mágico do livro.",
    "js.key_required": "Digite a chave de edição que você guardou.",
    "js.network": "Sem conexão com o servidor. Confira a internet e tente de novo.",
    "js.problem.invalid-magic-code": "Esse código mágico não está certo. Confira cada letra e "
    "número.",
    "js.problem.book-not-found": "Não existe livro com esse código mágico.",
    "js.problem.too-many-misses": "Muitas tentativas com códigos que não existem. Espere alguns "
    "minutos e tente de novo.",
    "js.problem.edit-key-required": "Digite a chave de edição do livro.",
    "js.problem.wrong-edit-key": "Essa chave de edição não abre este livro. Feche o livro e "
    "abra de novo com a chave certa.",
    "js.problem.payload-too-large": "O arquivo é grande demais. Envie uma foto menor (por "
    "exemplo, tirada com resolução mais baixa).",
    "js.problem.unsupported-image": "Esse arquivo não é uma imagem PNG, JPEG ou WebP.",
    "js.problem.unprocessable-image": "Não conseguimos abrir essa imagem: ela pode estar "
    "corrompida ou ser grande demais.",
    "js.problem.internal-error": "Algo deu errado do nosso lado. Tente de novo daqui a pouco.",
    # By the API's field error codes (errors.FIELD_ERROR_CODES), with their params.
    "js.field.required": "Preencha este campo.",
    "js.field.empty": "Este campo não pode ficar vazio.",
    "js.field.too_long": "Use no máximo {limit} caracteres (agora são {actual}).",
    "js.field.control_characters": "Tem caracteres invisíveis que não podem ser usados. Apague "
    "e digite de novo.",
    "js.field.invalid_characters": "Tem caracteres que não são texto. Apague e digite de novo.",
}

EN: Final[dict[str, str]] = {
    "site.tagline": "Books written and drawn by children",
    "nav.skip": "Skip to content",
    "nav.home": "Home",
    "landing.title": "Shall we read the book?",
    "landing.lead": "The magic code is on the note the school sent home.",
    "landing.label": "Type the magic code",
    "landing.hint": "9 letters and digits, like ABC-DEF-GH3. Capitals, spaces and hyphens "
    "don't matter.",
    "landing.submit": "Read the book",
    "landing.teacher": "Are you a teacher?",
    "landing.studio": "Create and edit books in the studio",
    "error.empty_code": "Type the magic code to open the book.",
    "error.invalid_code": "Hmm, that code isn't right. Check each letter and digit on the note "
    "and try again.",
    "error.unknown_code": "We couldn't find a book with that code. Check the note and try again.",
    "error.still_writing": "This book is still being written! The code is right: come back "
    "when the class has finished it.",
    "error.too_many": "Too many tries with codes that don't exist. Please wait about "
    "{minutes} minutes and try again.",
    "reader.by": "Written and drawn by {author}",
    "reader.teacher": "Teacher: {teacher}",
    "reader.cover": "Cover",
    "reader.page_of": "Page {number} of {total}",
    "reader.prev": "Previous",
    "reader.next": "Next",
    "reader.pages": "Turn the pages",
    "reader.pdf": "Download PDF to print",
    "reader.drawing_alt": "Drawing for page {number}",
    "reader.blank": "This page was left blank.",
    "reader.tip": "Tip: use the arrow keys or swipe to turn the page.",
    "reader.another": "Read another book",
    "studio.title": "Teacher's studio",
    "studio.lead": "Create the child's book, type the texts and upload the drawings. Every "
    "book gets a magic code so the family can read it at home.",
    "studio.new": "Create a new book",
    "studio.details": "About the book",
    "field.title": "Book title",
    "field.author": "Author (the child)",
    "field.teacher": "Teacher",
    "field.school": "School (optional)",
    "field.code": "Magic code",
    "field.key": "Edit key",
    "studio.create": "Create book",
    "studio.save_details": "Save book details",
    "studio.open": "Open an existing book",
    "studio.open_hint": "Use the magic code and the edit key you saved.",
    "studio.open_submit": "Open book",
    "studio.created": "Book created!",
    "studio.keep_key": "Save this key!",
    "studio.key_warning": "It is shown only now and it is the only way to edit the book later. "
    "Nobody can show it again.",
    "studio.code_label": "Magic code (for the family)",
    "studio.key_label": "Edit key (just for you)",
    "studio.copy": "Copy code and key",
    "studio.pages": "The six pages",
    "studio.page": "Page {number}",
    "studio.text_label": "Text for page {number}",
    "studio.save_text": "Save text",
    "studio.drawing": "Drawing for page {number}",
    "studio.remove": "Remove drawing",
    "studio.drawing_hint": "A photo or scan as PNG, JPEG or WebP, up to {megabytes} MB.",
    "studio.read": "See it as the family will",
    "studio.close": "Close this book",
    "studio.needs_js": "The studio needs JavaScript turned on in the browser.",
    "js.copy_text": "Magic code: {code}\nEdit key: {key}",
    "js.copied": "Copied! Paste it somewhere safe.",
    "js.copy_failed": "Copying did not work. Select the code and the key and copy them by hand.",
    "js.counter": "{count} of {max} characters",
    "js.too_long": "Over the limit of {max} characters.",
    "js.saving": "Saving…",
    "js.saved": "Saved!",
    "js.unsaved": "Changes not saved yet.",
    "js.uploading": "Uploading… {percent}%",
    "js.processing": "Preparing the drawing…",
    "js.file_too_large": "This file is {size} MB and the limit is {max} MB. Send a smaller "
    "photo (for example, taken at a lower resolution).",
    "js.uploaded": "Drawing uploaded!",
    "js.removing": "Removing…",
    "js.removed": "Drawing removed.",
    "js.no_drawing": "No drawing yet.",
    "js.choose": "Choose drawing",
    "js.replace": "Replace drawing",
    "js.preview_alt": "Preview of the drawing for page {number}",
    "js.editing": "Editing “{title}” · code {code}",
    "js.code_required": "Type the book's magic code.",
    "js.key_required": "Type the edit key you saved.",
    "js.network": "No connection to the server. Check the internet and try again.",
    # No js.problem.* or js.field.*: the API's own English is shown for those.
}

CATALOGS: Final[dict[Locale, dict[str, str]]] = {"pt-BR": PT, "en": EN}
Translate = Callable[..., str]


def _preferences(header: str) -> list[tuple[str, float]]:
    """The language ranges of an Accept-Language header, in the order written, with q."""
    ranges = []
    for item in header.split(","):
        tag, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag:
            ranges.append((tag.lower(), quality))
    return ranges


def negotiate(accept_language: str | None) -> Locale:
    """English only when the browser prefers some English over any Portuguese."""
    best: dict[str, tuple[float, int]] = {}
    for position, (tag, quality) in enumerate(_preferences(accept_language or "")):
        language = tag.split("-")[0]
        if language in ("en", "pt") and quality > 0:
            # Higher q wins; with equal q, the range written first wins.
            rank = (quality, -position)
            best[language] = max(best.get(language, rank), rank)
    if "en" in best and ("pt" not in best or best["en"] > best["pt"]):
        return "en"
    return DEFAULT_LOCALE


def translator(locale: Locale) -> Translate:
    """``t("key", name=value)``: the message in this locale (a missing key is a bug)."""
    catalog = CATALOGS[locale]

    def translate(key: str, /, **values: object) -> str:
        message = catalog[key]
        return message.format(**values) if values else message

    return translate


def script_messages(locale: Locale) -> dict[str, str]:
    """The ``js.`` messages, without the prefix, for the studio's JavaScript."""
    return {key[3:]: text for key, text in CATALOGS[locale].items() if key.startswith("js.")}
