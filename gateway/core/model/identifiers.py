"""Identifier checks with the real algorithms.

- Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a
  31-character alphabet (no I, O, S, V, Z); the 18th is a check character, weights 3^i mod 31.
- GTIN-8/12/13/14 (GS1 General Specifications §7.9): mod-10 check digit, weights 3,1 from the right.
- GB/T 2260 province-level codes and ISO 3166-2:CN codes, from the code list.
"""

from __future__ import annotations

import operator
import re

from gateway.core.errors import InvalidIdentifier
from gateway.core.i18n import N_
from gateway.core.model.codelists import regions, regions_by_iso

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_USCC_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_RE = re.compile(rf"^[{USCC_ALPHABET}]{{17}}[{USCC_ALPHABET}]$")
_GTIN_RE = re.compile(r"^(\d{8}|\d{12}|\d{13}|\d{14})$")


def uscc_check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a USCC."""
    if len(first17) != len(_USCC_WEIGHTS):
        raise ValueError(f"a USCC check character is computed from 17 characters, not {len(first17)}")
    # map/sum run in C: identifiers are checked on every translation.
    try:
        total = sum(map(operator.mul, map(_USCC_VALUES.__getitem__, first17), _USCC_WEIGHTS))
    except KeyError as exc:
        raise ValueError(f"{exc.args[0]!r} is not a USCC character") from None
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(code: str, path: str = "uscc") -> str:
    if not _USCC_RE.match(code):
        raise InvalidIdentifier(
            N_("unified social credit code {code!r} must be 18 characters from {uscc_alphabet}", code=code, uscc_alphabet=USCC_ALPHABET),
            path=path,
        )
    if not code[2:8].isdigit():
        raise InvalidIdentifier(
            N_("unified social credit code {code!r}: characters 3-8 must be a GB/T 2260 division code", code=code),
            path=path,
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise InvalidIdentifier(
            N_("unified social credit code {code!r} has check character {value!r}, expected {expected!r}", code=code, value=code[17], expected=expected),
            path=path,
        )
    return code


def gtin_check_digit(body: str) -> str:
    """The GS1 mod-10 check digit for a GTIN without its last digit."""
    digits = list(map(int, reversed(body)))
    total = 3 * sum(digits[0::2]) + sum(digits[1::2])
    return str((10 - total % 10) % 10)


def validate_gtin(code: str, path: str = "gtin") -> str:
    if not _GTIN_RE.match(code):
        raise InvalidIdentifier(N_("GTIN {code!r} must be 8, 12, 13 or 14 digits", code=code), path=path)
    expected = gtin_check_digit(code[:-1])
    if code[-1] != expected:
        raise InvalidIdentifier(
            N_("GTIN {code!r} has check digit {value}, expected {expected}", code=code, value=code[-1], expected=expected), path=path
        )
    return code


def validate_region(code: str, path: str = "region") -> str:
    """A GB/T 2260 province-level code (``130000``); ISO 3166-2 (``CN-HE``) is converted."""
    if code in regions():
        return code
    if code in regions_by_iso():
        return regions_by_iso()[code].gb2260
    raise InvalidIdentifier(
        N_("{code!r} is not a GB/T 2260 province-level code or ISO 3166-2:CN code", code=code), path=path
    )
