"""Choosing the language from Accept-Language, and the two catalogs."""

from __future__ import annotations

import pytest

from magicshelf import errors
from magicshelf.web.i18n import CATALOGS, PT, negotiate, script_messages, translator


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        (None, "pt-BR"),
        ("", "pt-BR"),
        ("pt-BR,pt;q=0.9,en;q=0.8", "pt-BR"),
        ("pt", "pt-BR"),
        ("en", "en"),
        ("en-US", "en"),
        ("fr-FR,fr;q=0.9", "pt-BR"),
        ("fr, en;q=0.5", "en"),
        ("en;q=0.4, pt-BR;q=0.6", "pt-BR"),
        ("pt-BR;q=0.4, EN;q=0.6", "en"),
        ("en, pt", "en"),
        ("pt, en", "pt-BR"),
        ("en;q=0", "pt-BR"),
        ("en;q=banana", "pt-BR"),
        ("*", "pt-BR"),
        (";;, ,en", "en"),
    ],
)
def test_language_negotiation(header: str | None, locale: str) -> None:
    assert negotiate(header) == locale


def test_english_has_every_message_but_the_api_translations() -> None:
    portuguese, english = set(CATALOGS["pt-BR"]), set(CATALOGS["en"])
    assert english <= portuguese
    untranslated = portuguese - english
    assert all(key.startswith(("js.problem.", "js.field.")) for key in untranslated)


def test_translations_fill_in_values() -> None:
    assert translator("pt-BR")("reader.page_of", number=3, total=6) == "Página 3 de 6"
    assert translator("en")("reader.page_of", number=3, total=6) == "Page 3 of 6"


def test_scripts_get_only_their_messages() -> None:
    messages = script_messages("pt-BR")
    assert messages["saved"] == "Salvo!"
    nested = {key.split(".")[0] for key in messages if "." in key}
    assert nested == {"problem", "field"}
    assert "reader.cover" not in messages


def _problem_types(kind: type[errors.MagicShelfError]) -> set[str]:
    return {kind.slug}.union(*(_problem_types(sub) for sub in kind.__subclasses__()))


def test_every_problem_and_field_error_of_the_api_is_said_in_portuguese() -> None:
    # The studio shows these by their stable type and code: a new one needs its words.
    problems = {f"js.problem.{slug}" for slug in _problem_types(errors.MagicShelfError)}
    fields = {f"js.field.{code}" for code in errors.FIELD_ERROR_CODES}
    assert (problems | fields) - set(PT) == set()
