"""Per declared unit <-> per kWh of lifetime energy, in exact Decimal arithmetic.

A :class:`Basis` holds, for one declaration, the two exact ratios that turn a value per
declared unit into kg CO2e per kWh of the energy one battery delivers over its service life
and into kg CO2e per battery. Products are exact; the single division per value is rounded
(half-even, :data:`QUOTIENT_DIGITS` significant digits) only when the quotient does not
terminate, and the caller is told so. Writers take the exact terms (``*_terms``) and round a
non-terminating quotient to the buyer's precision (:mod:`mappings.precision`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, Inexact

from gateway.core.errors import MissingRequiredValue, Unrepresentable
from gateway.core.i18n import N_
from gateway.core.model import codelists

QUOTIENT_DIGITS = 34  # IEEE 754 decimal128


def product(*factors: Decimal) -> Decimal:
    """The exact product: the precision grows with the operands' digits."""
    result = Decimal(1)
    for factor in factors:
        digits = len(result.as_tuple().digits) + len(factor.as_tuple().digits)
        result = Context(prec=digits, traps=[Inexact]).multiply(result, factor)
    return result


def quotient(numerator: Decimal, denominator: Decimal) -> tuple[Decimal, bool]:
    """``numerator / denominator`` and whether it is exact (else rounded to 34 digits)."""
    ctx = Context(prec=QUOTIENT_DIGITS, rounding=ROUND_HALF_EVEN)
    value = ctx.divide(numerator, denominator)
    exact = not ctx.flags[Inexact]
    # trailing zeros carry no information (0.0019420000 -> 0.001942); numbers are written
    # in plain notation, so an exponent (1E+2) never reaches a document
    return ctx.normalize(value), exact


def convert(amount: Decimal, from_unit: str, to_unit: str) -> tuple[Decimal, bool]:
    """A unit conversion (t -> kg, MJ -> kWh) with one rounding at most."""
    table = codelists.units()
    return scale(amount, table[from_unit].factor, table[to_unit].factor)


def scale(value: Decimal, num: Decimal, den: Decimal) -> tuple[Decimal, bool]:
    """``value × num / den`` with one rounding at most."""
    return quotient(product(value, num), den)


@dataclass(frozen=True, slots=True)
class Basis:
    """``per_kwh = value × kwh_num / kwh_den``; ``per_battery = value × battery_num / battery_den``.

    ``lifetime_energy`` (kWh per battery) and ``battery_mass`` (kg) are the values used, and
    ``explanation`` says where they came from (for the report).
    """

    unit: str
    amount: Decimal
    kwh_num: Decimal
    kwh_den: Decimal
    battery_num: Decimal | None
    battery_den: Decimal | None
    lifetime_energy: Decimal | None
    battery_mass: Decimal | None
    explanation: str

    def per_kwh(self, value: Decimal) -> tuple[Decimal, bool]:
        return scale(value, self.kwh_num, self.kwh_den)

    def per_kwh_terms(self, value: Decimal) -> tuple[Decimal, Decimal]:
        """Numerator and denominator of the exact per-kWh value, for :func:`mappings.precision.quotient`."""
        return product(value, self.kwh_num), self.kwh_den

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
    lifetime_energy: tuple[Decimal, str] | None,
    battery_mass: tuple[Decimal, str] | None,
) -> Basis:
    """The conversion basis for a declaration per ``amount`` ``unit``.

    ``lifetime_energy`` and ``battery_mass`` are ``(value, where it came from)``; the value is
    already in kWh / kg. Raises :class:`MissingRequiredValue` naming what is missing.
    """
    units = codelists.units()
    dimension = units[unit].dimension if unit in units else None
    energy, energy_from = lifetime_energy if lifetime_energy else (None, "")
    if dimension == "energy":
        # value per A units = value x f(kWh) / (A x f(unit)) per kWh, with no intermediate rounding
        num, den = units["kWh"].factor, product(amount, units[unit].factor)
        if unit == "kWh":
            num, den = Decimal(1), amount
        why = f"declared per {amount} {unit} of delivered energy"
        if energy is None:
            return Basis(unit, amount, num, den, None, None, None, None, why)
        return Basis(unit, amount, num, den, product(energy, num), den, energy, None, f"{why}; lifetime energy {energy} kWh ({energy_from})")
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
        why = f"declared per {amount} piece(s); lifetime energy {energy} kWh per battery ({energy_from})"
        return Basis(unit, amount, Decimal(1), product(amount, energy), Decimal(1), amount, energy, None, why)
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
        f"lifetime energy {energy} kWh per battery ({energy_from})"
    )
    return Basis(unit, amount, mass, product(kg, energy), mass, kg, energy, mass, why)
