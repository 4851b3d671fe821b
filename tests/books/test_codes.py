"""Magic codes: format, forgiving parsing, and the check symbol's promise."""

from __future__ import annotations

import math

import pytest

from magicshelf.books import codes
from magicshelf.errors import InvalidCode


def test_new_codes_are_valid_and_use_only_the_alphabet() -> None:
    for _ in range(2000):
        code = codes.new_code()
        assert len(code) == 9
        assert set(code) <= set(codes.ALPHABET)
        assert codes.parse(code) == code


def test_alphabet_has_no_look_alikes_and_enough_randomness() -> None:
    assert len(codes.ALPHABET) == 31 == len(set(codes.ALPHABET))
    assert not set("01ILO") & set(codes.ALPHABET)
    assert codes.RANDOM_SYMBOLS * math.log2(len(codes.ALPHABET)) >= 39


def test_codes_are_random() -> None:
    assert len({codes.new_code() for _ in range(5000)}) == 5000


@pytest.mark.parametrize(
    "typed",
    ["{}", "{}".lower(), "{0}-{1}-{2}", " {0} {1} {2} ", "{0}–{1}—{2}", "{0}\u2011{1}\t{2}"],
)
def test_parsing_forgives_case_spaces_and_hyphens(typed: str) -> None:
    code = codes.new_code()
    parts = (code[:3], code[3:6], code[6:])
    assert codes.parse(typed.format(*parts) if "{0}" in typed else typed.format(code)) == code


def test_display_form() -> None:
    assert codes.display("ABCDEFGHJ") == "ABC-DEF-GHJ"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "has 0"),
        ("ABC-DEF-GH", "has 8"),
        ("ABC-DEF-GHJK", "has 10"),
        ("ABC-DEF-GH0", "'0'"),
        ("ABC-DEF-GHI", "'I'"),
        ("abc def ghl", "'L'"),
        ("ABC/DEF/GH", "has 10"),
    ],
)
def test_malformed_codes_say_what_is_wrong(typed: str, says: str) -> None:
    with pytest.raises(InvalidCode) as caught:
        codes.parse(typed)
    assert says in caught.value.detail


def test_every_single_substitution_is_caught() -> None:
    """Exhaustive over many codes: each of the 9 positions × 30 wrong symbols."""
    for _ in range(200):
        code = codes.new_code()
        for position in range(9):
            for symbol in codes.ALPHABET:
                if symbol == code[position]:
                    continue
                typo = code[:position] + symbol + code[position + 1 :]
                assert not codes.is_valid(typo), (code, typo)
                with pytest.raises(InvalidCode):
                    codes.parse(typo)


def test_every_adjacent_transposition_is_caught() -> None:
    """Exhaustive over all 31×31 neighbour pairs at each of the 8 places they can sit."""
    base = codes.new_code()
    for position in range(8):
        for first in codes.ALPHABET:
            for second in codes.ALPHABET:
                if first == second:
                    continue
                body = list(base[:8])
                if position < 7:
                    body[position], body[position + 1] = first, second
                    code = "".join(body) + codes.check_symbol("".join(body))
                else:  # the pair formed by the last random symbol and the check symbol
                    body[7] = first
                    code = "".join(body) + codes.check_symbol("".join(body))
                    if code[8] == code[7]:
                        continue
                assert codes.is_valid(code)
                swapped = (
                    code[:position] + code[position + 1] + code[position] + code[position + 2 :]
                )
                if swapped == code:
                    continue
                assert not codes.is_valid(swapped), (code, swapped)
