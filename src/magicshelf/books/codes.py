"""Magic codes: 8 random symbols plus 1 check symbol, shown as ``XXX-XXX-XXX``.

The alphabet has no look-alikes (no 0/O, 1/I/L) and 31 symbols. 31 is prime, so the check
``sum(position * value) % 31 == 0`` over positions 1..9 catches every single wrong symbol
(``position * delta`` is never a multiple of 31) and every swap of two different neighbours
(the sum moves by the difference of their values). A typo is therefore rejected before any
database query, and guessing needs ~2^39.6 tries per hit.
"""

from __future__ import annotations

import re
import secrets

from magicshelf.errors import InvalidCode

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BASE = len(ALPHABET)  # 31, a prime
RANDOM_SYMBOLS = 8
LENGTH = RANDOM_SYMBOLS + 1
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
# What a person may type between symbols: white space (exactly what Python's \s means, so
# that the schema's pattern says the same in any regex dialect) and every dash a phone
# keyboard may offer (U+2010..U+2015 besides "-").
SEPARATORS = (
    r"\t\n\u000b\u000c\r\u001c-\u001f\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029"
    r"\u202f\u205f\u3000\-\u2010-\u2015"
)
_SYMBOLS = "2-9A-HJKMNP-Za-hjkmnp-z"  # ALPHABET as a character class, in either case
# A code as people type it, for the API's schema: nine symbols, separators anywhere.
TYPED_PATTERN = f"^[{SEPARATORS}]*(?:[{_SYMBOLS}][{SEPARATORS}]*){{9}}$"
_IGNORED = re.compile(f"[{SEPARATORS}]+")
# Inverse of the check symbol's weight (9) modulo 31, so the check symbol can be solved for.
_INVERSE_LAST_WEIGHT = pow(LENGTH, -1, BASE)


def _weighted_sum(values: list[int]) -> int:
    return sum(position * value for position, value in enumerate(values, start=1)) % BASE


def check_symbol(body: str) -> str:
    """The symbol that makes ``body + symbol`` a valid code."""
    partial = _weighted_sum([_VALUE[s] for s in body])
    return ALPHABET[(-partial * _INVERSE_LAST_WEIGHT) % BASE]


def new_code() -> str:
    """A fresh random code in canonical compact form (9 symbols, no hyphens)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return body + check_symbol(body)


def is_valid(compact: str) -> bool:
    return (
        len(compact) == LENGTH
        and all(s in _VALUE for s in compact)
        and _weighted_sum([_VALUE[s] for s in compact]) == 0
    )


def parse(typed: str) -> str:
    """Turn what a person typed into the compact code, or raise InvalidCode saying why."""
    compact = _IGNORED.sub("", typed)
    # Only ASCII is folded: str.upper() makes "S" of "ſ" and two letters of "ﬀ".
    compact = compact.upper() if compact.isascii() else compact
    if len(compact) != LENGTH:
        raise InvalidCode(
            f"A magic code has {LENGTH} letters and digits (like ABC-DEF-GH3); "
            f"this one has {len(compact)}."
        )
    wrong = sorted({s for s in compact if s not in _VALUE})
    if wrong:
        raise InvalidCode(
            f"A magic code never contains {', '.join(repr(s) for s in wrong)}: "
            "it uses digits 2-9 and letters other than I, L and O."
        )
    if _weighted_sum([_VALUE[s] for s in compact]) != 0:
        raise InvalidCode("This is not a valid magic code: please check it for a typo.")
    return compact


def display(compact: str) -> str:
    """``ABCDEFGHJ`` → ``ABC-DEF-GHJ``."""
    return f"{compact[0:3]}-{compact[3:6]}-{compact[6:9]}"
