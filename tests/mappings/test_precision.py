"""Quotients at the buyer's precision (mappings/precision.py): exact ones never rounded."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from gateway.core.report import TranslationReport
from mappings import TranslateOptions
from mappings.precision import quotient


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
