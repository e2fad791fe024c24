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
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction

from gateway.core.parsing import MAX_SIGNIFICANT_DIGITS
from gateway.core.report import TranslationReport
from mappings.options import TranslateOptions


def plain(value: Decimal) -> str:
    """Decimal text without exponent or trailing zeros (``1E+2`` -> ``100``, ``0.50`` -> ``0.5``)."""
    if not value:
        return "0"
    # normalize in a context as wide as the value: the default context would round to 28 digits
    return format(Context(prec=max(len(value.as_tuple().digits), 1)).normalize(value), "f")


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


def quotient(
    numerator: Decimal, denominator: Decimal, options: TranslateOptions, report: TranslationReport,
    source: str | None, target: str | None,
) -> Decimal:
    """``numerator / denominator`` exactly when it terminates within the digits a document may
    carry, else rounded and reported."""
    q = Fraction(numerator) / Fraction(denominator)
    digits = terminating_digits(q)
    if digits is not None:
        exact = Context(prec=digits)
        value = exact.normalize(exact.divide(Decimal(q.numerator), Decimal(q.denominator)))
        if len(value.as_tuple().digits) <= MAX_SIGNIFICANT_DIGITS:
            return value
        why = f"needs {len(value.as_tuple().digits)} significant digits, more than the {MAX_SIGNIFICANT_DIGITS} a document may carry"
    else:
        why = "does not terminate"
    precision = options.significant_digits
    ctx = Context(prec=precision, rounding=ROUND_HALF_EVEN)
    written = ctx.normalize(ctx.divide(Decimal(q.numerator), Decimal(q.denominator)))
    report.rounded(
        source, target,
        f"exact {plain(numerator)}/{plain(denominator)} {why}; written {plain(written)} "
        f"({precision} significant digits, half-even; option precision sets them)",
    )
    return written
