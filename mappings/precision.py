"""Quotients as the formats buyers read (PACT, battery passports, Catena-X) write them.

A conversion that divides (per one declared unit in PACT 2.x, per kWh of lifetime energy in a
battery footprint) makes a quotient that may not terminate, and such a quotient has no exact
decimal form. It is written rounded half-even to ``TranslateOptions.significant_digits``
(default :data:`mappings.options.DEFAULT_PRECISION`, ``--option precision=N``), and each
rounding is a ``rounded`` report entry naming the exact value (the quotient) and the written
one, so the report is no longer lossless. A quotient that terminates is written exactly,
unless it needs more significant digits than a document may carry
(:data:`gateway.core.parsing.MAX_SIGNIFICANT_DIGITS`, which every reader refuses beyond): then it
is rounded and reported as one that does not terminate. The canonical and regional formats never round: they do not call
this module.

Sums and products need no rounding at all: :data:`EXACT` computes them exactly.
"""

from __future__ import annotations

from decimal import MAX_PREC, ROUND_HALF_EVEN, Context, Decimal, Inexact
from fractions import Fraction
from functools import lru_cache
from math import gcd

from gateway.core.parsing import MAX_SIGNIFICANT_DIGITS
from gateway.core.report import TranslationReport
from mappings.options import TranslateOptions

# A sum or product has at most as many digits as its operands' widest span: at the widest
# precision there is, neither ever rounds (Inexact is trapped should one ever). One context for
# every caller: an exact operation sets no flag on it.
EXACT = Context(prec=MAX_PREC, traps=[Inexact])


def plain(value: Decimal) -> str:
    """Decimal text without exponent or trailing zeros (``1E+2`` -> ``100``, ``0.50`` -> ``0.5``)."""
    if not value:
        return "0"
    # format "f" writes every digit whatever the context's precision; only a fraction's
    # trailing zeros (and a bare point) remain to strip
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def as_written(value: Decimal) -> str:
    """A value with its digits as the document wrote them (trailing zeros kept, unlike
    :func:`plain`): read into the canonical data so that the data read back equals the data
    written and no amount is carried in an extension for its spelling, and in a unit
    conversion's text, which shows the exact product digit for digit."""
    return format(value, "f")


def terminating_digits(q: Fraction) -> int | None:
    """Significant digits the exact decimal form of ``q`` needs, or None when it does not terminate."""
    den, twos, fives = q.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den != 1:
        return None
    return len(str(abs(q.numerator))) + max(twos, fives) + 1


def exact_digits(numerator: Decimal, denominator: Decimal) -> int | None:
    """Significant digits of ``numerator / denominator`` written exactly, None when the quotient
    does not terminate (its reduced denominator has a prime factor other than 2 and 5)."""
    p, q = numerator.as_integer_ratio()
    r, s = denominator.as_integer_ratio()
    num, den = abs(p * s), abs(q * r)
    common = gcd(num, den)
    num, den = num // common, den // common
    twos = (den & -den).bit_length() - 1
    den >>= twos
    fives = 0
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den != 1:
        return None
    # num / (2^twos 5^fives) = num 2^(k-twos) 5^(k-fives) / 10^k: the digits of that numerator
    k = max(twos, fives)
    return len(str(num * 2 ** (k - twos) * 5 ** (k - fives)).rstrip("0"))


def quotient(
    numerator: Decimal, denominator: Decimal, options: TranslateOptions, report: TranslationReport,
    source: str | None, target: str | None,
) -> Decimal:
    """``numerator / denominator`` exactly when it terminates within the digits a document may
    carry, else rounded and reported."""
    # The division at the document's digits is correctly rounded, so it is the exact quotient
    # exactly when it multiplies back to the numerator: decided without reading a context's
    # flags, so the contexts are shared (making a Context costs more than the division).
    value = _EXACT_QUOTIENT.divide(numerator, denominator)
    if EXACT.multiply(value, denominator) == numerator:
        return _EXACT_QUOTIENT.normalize(value)
    digits = exact_digits(numerator, denominator)
    if digits is None:
        why = "does not terminate"
    else:
        why = f"needs {digits} significant digits, more than the {MAX_SIGNIFICANT_DIGITS} a document may carry"
    precision = options.significant_digits
    ctx = _rounding(precision)
    written = ctx.normalize(ctx.divide(numerator, denominator))
    report.rounded(
        source, target,
        f"exact {plain(numerator)}/{plain(denominator)} {why}; written {plain(written)} "
        f"({precision} significant digits, half-even; option precision sets them)",
    )
    return written


# Quotients at the document's digits; its flags are never read, so one context serves every thread.
_EXACT_QUOTIENT = Context(prec=MAX_SIGNIFICANT_DIGITS)


@lru_cache(maxsize=64)
def _rounding(precision: int) -> Context:
    """The context rounding half-even to ``precision`` digits: shared, its flags never read."""
    return Context(prec=precision, rounding=ROUND_HALF_EVEN)
