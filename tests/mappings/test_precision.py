"""Quotients at the buyer's precision (mappings/precision.py): exact ones never rounded."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from gateway.core.parsing import MAX_SIGNIFICANT_DIGITS
from gateway.core.report import TranslationReport
from mappings import TranslateOptions
from mappings.precision import EXACT, plain, quotient, terminating_digits


def test_a_terminating_quotient_is_exact_beyond_the_default_context() -> None:
    report = TranslationReport()
    value = quotient(Decimal("0.1000000000000000055511151231257827"), Decimal("2"), TranslateOptions(), report, "a", "b")
    assert Fraction(value) * 2 == Fraction(Decimal("0.1000000000000000055511151231257827"))
    assert len(value.as_tuple().digits) == 34
    assert report.entries == [] and report.lossless


def test_a_terminating_quotient_longer_than_a_document_may_carry_is_rounded_and_reported() -> None:
    """Found by tests/mappings/test_every_leaf.py: eu-battery-json wrote an absoluteCarbonFootprint
    with 40 significant digits, which every reader of ours (its own included) refuses beyond 34."""
    report = TranslationReport()
    value = quotient(Decimal("0.1000000000000000055511151231257827"), Decimal("1024"), TranslateOptions(), report, "a", "b")
    assert value == Decimal("0.0000976563")
    (entry,) = report.entries
    assert entry.kind.value == "rounded" and "needs 40 significant digits, more than the 34 a document may carry" in entry.detail
    assert not report.lossless


def test_a_non_terminating_quotient_is_rounded_half_even_and_reported() -> None:
    report = TranslationReport()
    assert quotient(Decimal(2), Decimal(3), TranslateOptions(), report, "results/x", "pcf/x") == Decimal("0.666667")
    (entry,) = report.entries
    assert (entry.kind.value, entry.source_path, entry.target_path) == ("rounded", "results/x", "pcf/x")
    assert entry.detail.startswith("exact 2/3 does not terminate; written 0.666667 (6 significant digits, half-even")
    assert not report.lossless


def test_thirty_digits_are_thirty_not_the_default_contexts_twenty_eight() -> None:
    value = quotient(Decimal(1), Decimal(3), TranslateOptions(precision=30), TranslationReport(), None, None)
    assert value == Decimal("0." + "3" * 30)


def test_a_lifetime_in_mj_whose_exact_kwh_needs_more_digits_than_a_document_carries_stays_a_ratio() -> None:
    from mappings.eu_battery.energy import lifetime

    long = lifetime(Decimal("9" * 34), "MJ", "declared_unit/lifetime_energy")  # ÷3.6 terminates after 35 digits
    assert (long.num, long.den) == (Decimal("9" * 34), Decimal("3.6"))
    short = lifetime(Decimal("36"), "MJ", "declared_unit/lifetime_energy")
    assert (short.num, short.den) == (Decimal("10"), Decimal(1))


# -- against exact rational arithmetic ---------------------------------------------------------

_decimals = st.builds(
    lambda sign, coefficient, twos, fives, exponent: Decimal(sign * coefficient * 2**twos * 5**fives).scaleb(exponent),
    st.sampled_from((1, -1)), st.integers(1, 10**36), st.integers(0, 60), st.integers(0, 30), st.integers(-40, 20),
)


def _reference(numerator: Decimal, denominator: Decimal, digits: int) -> tuple[Decimal, str | None]:
    """What the quotient must be, from Fraction arithmetic: the exact value when it terminates
    within a document's digits, else the half-even rounding and why."""
    q = Fraction(numerator) / Fraction(denominator)
    needed = terminating_digits(q)
    if needed is not None:
        wide = Context(prec=needed)
        exact = wide.normalize(wide.divide(Decimal(q.numerator), Decimal(q.denominator)))
        assert Fraction(exact) == q
        if len(exact.as_tuple().digits) <= MAX_SIGNIFICANT_DIGITS:
            return exact, None
        why = f"needs {len(exact.as_tuple().digits)} significant digits"
    else:
        why = "does not terminate"
    ctx = Context(prec=digits, rounding=ROUND_HALF_EVEN)
    return ctx.divide(Decimal(q.numerator), Decimal(q.denominator)), why


@given(_decimals, _decimals, st.sampled_from((None, 3, 6, 34)))
def test_a_quotient_is_the_exact_rational_or_its_half_even_rounding(numerator: Decimal, denominator: Decimal,
                                                                     digits: int | None) -> None:
    options = TranslateOptions(precision=digits)
    report = TranslationReport()
    value = quotient(numerator, denominator, options, report, "a", "b")
    expected, why = _reference(numerator, denominator, options.significant_digits)
    assert value == expected and plain(value) == plain(expected)
    if why is None:
        assert report.entries == []
    else:
        (entry,) = report.entries
        assert entry.kind.value == "rounded" and f" {why}" in entry.detail


@given(_decimals)
def test_plain_is_the_normalised_value_in_full(value: Decimal) -> None:
    normal = Context(prec=len(value.as_tuple().digits)).normalize(value)
    assert plain(value) == format(normal, "f")
    assert Decimal(plain(value)) == value


@given(st.lists(_decimals, min_size=1, max_size=5))
def test_sums_and_products_in_the_exact_context_are_exact(values: list[Decimal]) -> None:
    total, product = Decimal(0), Decimal(1)
    for v in values:
        total, product = EXACT.add(total, v), EXACT.multiply(product, v)
    assert Fraction(total) == sum(map(Fraction, values))
    assert Fraction(product) == math.prod(map(Fraction, values))
