"""Per declared unit <-> per kWh of lifetime energy, in exact Decimal arithmetic.

A :class:`Basis` holds, for one declaration, the two exact ratios that turn a value per
declared unit into kg CO2e per kWh of the energy one battery delivers over its service life
and into kg CO2e per battery. Products are exact; the single division per value is rounded
(half-even, :data:`QUOTIENT_DIGITS` significant digits) only when the quotient does not
terminate, and the caller is told so. Writers take the exact terms (``*_terms``) and round a
non-terminating quotient to the buyer's precision (:mod:`mappings.precision`).

A lifetime energy declared in MJ is held as the exact ratio ``MJ / 3.6`` kWh (:class:`Lifetime`),
never as a rounded kWh value: a quotient computed from a rounded kWh value would be reported
against a value that is not exact, and a footprint per kWh that terminates (5850 kg CO2e over
400000 MJ is 0.05265 kg CO2e/kWh) would be reported rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, Inexact
from fractions import Fraction

from gateway.core.errors import MissingRequiredValue, Unrepresentable
from gateway.core.i18n import N_
from gateway.core.model import Declaration, codelists
from gateway.core.report import TranslationReport
from mappings.options import TranslateOptions
from mappings.precision import EXACT, MAX_SIGNIFICANT_DIGITS, plain, terminating_digits

QUOTIENT_DIGITS = 34  # IEEE 754 decimal128


def product(*factors: Decimal) -> Decimal:
    """The exact product."""
    result = Decimal(1)
    for factor in factors:
        result = EXACT.multiply(result, factor)
    return result


def quotient(numerator: Decimal, denominator: Decimal) -> tuple[Decimal, bool]:
    """``numerator / denominator`` and whether it is exact (else rounded to 34 digits)."""
    ctx = Context(prec=QUOTIENT_DIGITS, rounding=ROUND_HALF_EVEN)
    value = ctx.divide(numerator, denominator)
    exact = not ctx.flags[Inexact]
    # trailing zeros carry no information (0.0019420000 -> 0.001942); numbers are written
    # in plain notation, so an exponent (1E+2) never reaches a document
    return ctx.normalize(value), exact


def scale(value: Decimal, num: Decimal, den: Decimal) -> tuple[Decimal, bool]:
    """``value × num / den`` with one rounding at most."""
    return quotient(product(value, num), den)


@dataclass(frozen=True, slots=True)
class Lifetime:
    """The energy one battery delivers over its service life: ``num / den`` kWh exactly, and
    where it came from (a declaration's path or the caller's option, for the report)."""

    num: Decimal
    den: Decimal
    source: str

    def text(self) -> str:
        """The exact kWh value: its decimal, or the ratio (``400000/3.6``) when that does not terminate."""
        return plain(self.num) if self.den == 1 else f"{plain(self.num)}/{plain(self.den)}"


def lifetime(amount: Decimal, unit: str, source: str) -> Lifetime:
    """``amount`` ``unit`` (kWh or MJ) as an exact kWh ratio (a decimal over 1 when it terminates)."""
    if unit == "kWh":
        return Lifetime(amount, Decimal(1), source)
    units = codelists.units()
    num, den = product(amount, units[unit].factor), units["kWh"].factor
    q = Fraction(num) / Fraction(den)
    digits = terminating_digits(q)
    if digits is None or digits > MAX_SIGNIFICANT_DIGITS:
        # kept as the ratio: the writer rounds it to what a document may carry, and says so
        return Lifetime(num, den, source)
    return Lifetime(Context(prec=digits).divide(Decimal(q.numerator), Decimal(q.denominator)), Decimal(1), source)


def declared_lifetime(decl: Declaration, options: TranslateOptions, report: TranslationReport, target: str) -> Lifetime | None:
    """The declaration's lifetime energy (a conversion from MJ reported with its exact kWh
    value), else the caller's option ``lifetime_energy_kwh``, else None."""
    declared = decl.declared_unit.lifetime_energy
    if declared is not None:
        found = lifetime(declared.amount, declared.unit, "declared_unit/lifetime_energy")
        if declared.unit != "kWh":
            exact = "" if found.den == 1 else (" exactly (the decimal does not terminate; values per kWh are divided "
                                               "by this ratio, not by a rounded kWh value)")
            report.converted("declared_unit/lifetime_energy", target, f"{plain(declared.amount)} {declared.unit} = {found.text()} kWh{exact}")
        return found
    if options.lifetime_energy is not None:
        return lifetime(options.lifetime_energy, "kWh", "supplied by the caller's option lifetime_energy_kwh")
    return None


@dataclass(frozen=True, slots=True)
class Basis:
    """``per_kwh = value × kwh_num / kwh_den``; ``per_battery = value × battery_num / battery_den``.

    ``lifetime`` (kWh per battery, exact) and ``battery_mass`` (kg) are the values used, and
    ``explanation`` says where they came from (for the report).
    """

    unit: str
    amount: Decimal
    kwh_num: Decimal
    kwh_den: Decimal
    battery_num: Decimal | None
    battery_den: Decimal | None
    lifetime: Lifetime | None
    battery_mass: Decimal | None
    explanation: str

    def per_kwh(self, value: Decimal) -> tuple[Decimal, bool]:
        return scale(value, self.kwh_num, self.kwh_den)

    def per_kwh_terms(self, value: Decimal) -> tuple[Decimal, Decimal]:
        """Numerator and denominator of the exact per-kWh value, for :func:`mappings.precision.quotient`
        (one exact multiplication: once per stage and the total)."""
        return EXACT.multiply(value, self.kwh_num), self.kwh_den

    def per_battery_terms(self, value: Decimal) -> tuple[Decimal, Decimal] | None:
        if self.battery_num is None or self.battery_den is None:
            return None
        return product(value, self.battery_num), self.battery_den

    def per_battery(self, value: Decimal) -> tuple[Decimal, bool] | None:
        if self.battery_num is None or self.battery_den is None:
            return None
        return scale(value, self.battery_num, self.battery_den)

    def from_per_kwh(self, value: Decimal) -> tuple[Decimal, bool]:
        return scale(value, self.kwh_den, self.kwh_num)

    def from_per_battery(self, value: Decimal) -> tuple[Decimal, bool] | None:
        if self.battery_num is None or self.battery_den is None:
            return None
        return scale(value, self.battery_den, self.battery_num)


def basis(
    unit: str,
    amount: Decimal,
    energy: Lifetime | None,
    battery_mass: tuple[Decimal, str] | None,
) -> Basis:
    """The conversion basis for a declaration per ``amount`` ``unit``.

    ``energy`` is the lifetime energy (exact kWh); ``battery_mass`` is ``(kg, where it came
    from)``. Raises :class:`MissingRequiredValue` naming what is missing.
    """
    units = codelists.units()
    dimension = units[unit].dimension if unit in units else None
    if dimension == "energy":
        # value per A units = value x f(kWh) / (A x f(unit)) per kWh, with no intermediate rounding
        num, den = units["kWh"].factor, product(amount, units[unit].factor)
        if unit == "kWh":
            num, den = Decimal(1), amount
        why = f"declared per {amount} {unit} of delivered energy"
        if energy is None:
            return Basis(unit, amount, num, den, None, None, None, None, why)
        return Basis(unit, amount, num, den, product(energy.num, num), product(energy.den, den), energy, None,
                     f"{why}; lifetime energy {energy.text()} kWh ({energy.source})")
    if dimension not in ("count", "mass"):
        raise Unrepresentable(
            N_("a battery footprint per {unit!r} cannot be expressed per kWh of lifetime energy "
            "(declared units: piece, kg, t, kWh, MJ)", unit=unit),
            path="declared_unit/unit",
            target="batteryCarbonFootprint",
        )
    if energy is None:
        raise MissingRequiredValue(
            N_("a battery declared per {unit} converts to kg CO2e/kWh only with the total energy it delivers over "
            "its service life: set declared_unit/lifetime_energy or supply option lifetime_energy_kwh", unit=unit),
            path="declared_unit/lifetime_energy",
            target="batteryCarbonFootprint",
        )
    if dimension == "count":
        # value per A pieces = value / (A x E) per kWh, E = energy.num / energy.den kWh
        why = f"declared per {amount} piece(s); lifetime energy {energy.text()} kWh per battery ({energy.source})"
        return Basis(unit, amount, energy.den, product(amount, energy.num), Decimal(1), amount, energy, None, why)
    mass, mass_from = battery_mass if battery_mass else (None, "")
    if mass is None:
        raise MissingRequiredValue(
            N_("a battery declared per {unit} converts to kg CO2e/kWh only with the mass of one battery: "
            "supply option mass_per_piece_kg", unit=unit),
            path="mass_per_piece",
            target="batteryCarbonFootprint",
        )
    kg = product(amount, units[unit].factor / units["kg"].factor)
    why = (
        f"declared per {amount} {unit} = {kg} kg; battery mass {mass} kg ({mass_from}); "
        f"lifetime energy {energy.text()} kWh per battery ({energy.source})"
    )
    # value per kg' = value x mass / (kg' x E) per kWh
    return Basis(unit, amount, product(mass, energy.den), product(kg, energy.num), mass, kg, energy, mass, why)
