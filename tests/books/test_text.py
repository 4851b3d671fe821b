"""What the schema's patterns say about typed text and codes is what the server does."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from magicshelf.books import codes
from magicshelf.books.text import PageText, Title
from magicshelf.classes.roster import ChildName
from magicshelf.errors import InvalidCode

# Characters where the rules have edges: controls, every kind of space, line breaks, a
# byte order mark, combining marks, letters that case-fold oddly, dashes, apostrophes.
EDGES = (
    "’'.ã\x00\x07\t\n\r\x1f\x7f\x85\x9f \xa0\u1680\u2003\u2028\u202f\u3000\ufeff\u0301aZ9ſﬀ-\u2013"
)
# Unpaired surrogates are refused too, but JSON Schema strings are Unicode text: no pattern
# can speak of them (tests/books/test_api.py sends one).
texts = st.text(
    alphabet=st.sampled_from(EDGES) | st.characters(exclude_categories=["Cs"]), max_size=12
)


def _schema_pattern(adapter: TypeAdapter[str]) -> re.Pattern[str]:
    return re.compile(adapter.json_schema()["pattern"])


@pytest.mark.parametrize("kind", [Title, PageText, ChildName])
@given(value=texts)
@example(value="   ")
@example(value="a\x00")
@example(value="\ufeff")
@example(value="Zoë O’Brien-Silva 🌻")
def test_a_text_is_accepted_exactly_when_it_matches_its_pattern(kind: object, value: str) -> None:
    adapter: TypeAdapter[str] = TypeAdapter(kind)
    matches = _schema_pattern(adapter).fullmatch(value) is not None
    try:
        adapter.validate_python(value)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == matches, repr(value)


@given(typed=st.text(alphabet=st.sampled_from(EDGES + codes.ALPHABET.lower()), max_size=14))
@example(typed="abc def gh3")
@example(typed="ſBC-DEF-GH3")
def test_a_code_matches_its_pattern_exactly_when_only_its_check_symbol_can_fail(
    typed: str,
) -> None:
    matches = re.fullmatch(codes.TYPED_PATTERN, typed) is not None
    try:
        codes.parse(typed)
        shaped = True
    except InvalidCode as error:
        shaped = "typo" in error.detail  # the check symbol, which no pattern can express
    assert shaped == matches, repr(typed)
