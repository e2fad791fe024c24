"""Declared units between the canonical model and PACT, with exact conversions.

Canonical results are per ``amount`` x ``unit`` (as in PACT 3.0). PACT 2.x values are per ONE
declared unit, with ``unitaryProductAmount`` counting the declared units in the product, so
writing 2.x divides every result by the declared amount expressed in the PACT unit; a quotient
that does not terminate is written at the buyer's precision (:mod:`mappings.precision`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gateway.core.errors import MissingRequiredValue, Unrepresentable
from gateway.core.i18n import N_
from gateway.core.model import codelists
from gateway.core.report import TranslationReport
from mappings import precision
from mappings.base import TranslateOptions
from mappings.pact.profile import Profile


def text(value: Decimal) -> str:
    """Plain decimal text (no exponent), as every PACT decimal pattern wants it."""
    if value == value.to_integral_value():
        # to_integral_value, unlike quantize, is not bounded by the context's precision.
        value = value.to_integral_value()
    out = format(value, "f")
    return "0" if out in ("-0", "+0") else out


def _computed(value: Decimal) -> str:
    return text(value.normalize())


def to_pact(profile: Profile, data: dict[str, Any], options: TranslateOptions, report: TranslationReport) -> dict[str, Any]:
    """Canonical data with its declared unit, mass and results in PACT terms: a new top level
    and new declared unit and results; every other member is ``data``'s own (not copied)."""
    view = dict(data)
    du = data["declared_unit"]
    unit, amount = du["unit"], Decimal(du["amount"])
    unit_path = profile.fields_native("declared_unit/unit")
    mass = _mass_kg(du)
    mass_source = "declared_unit/mass"
    if unit == "piece" and mass is None and options.mass_per_piece is not None:
        mass, mass_source = options.mass_per_piece * amount, "option mass_per_piece_kg"
    pact_unit, pact_amount = unit, amount
    if unit not in profile.codes["unit"]:
        pact_unit = profile.codes.get("unit_conversion", {}).get(unit)
        if pact_unit is None:
            raise Unrepresentable(N_("{id} has no declared unit for {unit!r}", id=profile.id, unit=unit), path="declared_unit/unit", target=unit_path)
        if unit == "piece":
            if mass is None:
                raise MissingRequiredValue(
                    N_("{id} has no 'piece' declared unit: a per-piece declaration needs its mass "
                    "(declared_unit/mass, or the option mass_per_piece_kg) to be written per kilogram", id=profile.id),
                    path="declared_unit/mass", target=unit_path, option="mass_per_piece_kg",
                )
            pact_amount = mass
        else:
            pact_amount = codelists.convert_unit(amount, unit, pact_unit)
        report.converted(
            "declared_unit", unit_path,
            f"{du['amount']} {unit} written as {text(pact_amount)} {pact_unit}"
            + (f" using the mass from {mass_source}" if unit == "piece" else " (exact)"),
        )
    mass = _v3_mass(profile, unit, pact_unit, pact_amount, mass, mass_source, report)
    if profile.results_per_single_unit:
        _per_single_unit(view, pact_amount, options, report, profile)  # replaces view["results"]
        if mass is not None:
            mass = precision.quotient(mass, pact_amount, options, report, "declared_unit/mass",
                                      profile.fields_native("declared_unit/mass"))
    view["declared_unit"] = {"unit": pact_unit, "amount": text(pact_amount)}
    if mass is not None:
        view["declared_unit"]["mass"] = {"amount": text(mass), "unit": "kg"}
    return view


def in_pact_terms(profile: Profile, du: dict[str, Any]) -> tuple[str, Decimal] | None:
    """The unit and amount :func:`to_pact` writes for a canonical declared unit; None for a
    piece whose mass only an option gives."""
    unit, amount = du["unit"], Decimal(du["amount"])
    if unit in profile.codes["unit"]:
        return unit, amount
    pact_unit = profile.codes.get("unit_conversion", {}).get(unit)
    if pact_unit is None:
        return None
    if unit == "piece":
        mass = _mass_kg(du)
        return None if mass is None else (pact_unit, mass)
    return pact_unit, codelists.convert_unit(amount, unit, pact_unit)


def _mass_kg(du: dict[str, Any]) -> Decimal | None:
    mass = du.get("mass")
    if mass is None:
        return None
    return codelists.convert_unit(Decimal(mass["amount"]), mass["unit"], "kg")


def _v3_mass(
    profile: Profile, unit: str, pact_unit: str, amount: Decimal, mass: Decimal | None, source: str,
    report: TranslationReport,
) -> Decimal | None:
    """PACT 3.0 requires productMassPerDeclaredUnit; 2.x leaves it optional."""
    target = profile.fields_native("declared_unit/mass")
    if mass is not None or profile.results_per_single_unit:
        if mass is not None and source != "declared_unit/mass":
            report.converted(source, target, f"mass of the declared unit {text(mass)} kg from {source}")
        return mass
    if codelists.units()[pact_unit].dimension == "mass":
        report.converted("declared_unit/amount", target, f"mass of {text(amount)} {pact_unit} is {text(amount)} kg by definition")
        return codelists.convert_unit(amount, pact_unit, "kg")
    if pact_unit in profile.mass_zero_units:
        report.converted("declared_unit/unit", target, f"mass is not relevant for {pact_unit}: 0 as the specification requires")
        return Decimal(0)
    raise MissingRequiredValue(
        N_("{format} requires the mass of the declared unit ({unit}); the declaration has no declared_unit/mass and the"
           " option mass_per_piece_kg was not given", format=profile.id, unit=unit) if unit == "piece" else
        N_("{format} requires the mass of the declared unit ({unit}); the declaration has no declared_unit/mass",
           format=profile.id, unit=unit),
        path="declared_unit/mass", target=target, option="mass_per_piece_kg" if unit == "piece" else None,
    )


def _per_single_unit(
    view: dict[str, Any], divisor: Decimal, options: TranslateOptions, report: TranslationReport, profile: Profile,
) -> None:
    if divisor == 1:
        return
    results = {}
    for name, q in view.get("results", {}).items():
        path = f"results/{name}"
        value = precision.quotient(Decimal(q["amount"]), divisor, options, report, path, profile.fields_native(path))
        results[name] = {**q, "amount": text(value)}
    if "results" in view:
        view["results"] = results
    report.converted("results", "pcf", f"{profile.id} values are per one declared unit: every result divided by {text(divisor)}")


def from_pact(profile: Profile, data: dict[str, Any]) -> None:
    """Canonical data read from PACT fields back to per-declared-unit results, in place."""
    du = data.get("declared_unit")
    if not du:
        return
    mass = du.get("mass")
    if mass is not None and Decimal(mass["amount"]) == 0:
        del du["mass"]
    if not profile.results_per_single_unit or "amount" not in du:
        return
    factor = Decimal(du["amount"])
    if factor == 1:
        return
    for q in data.get("results", {}).values():
        q["amount"] = _computed(Decimal(q["amount"]) * factor)
    if "mass" in du:
        du["mass"]["amount"] = _computed(Decimal(du["mass"]["amount"]) * factor)
