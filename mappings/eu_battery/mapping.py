"""EU battery passport carbon-footprint section <-> canonical declaration.

``fields.toml`` carries the identity, administrative and text fields; this module converts
the footprint values between per declared unit and per kWh of lifetime energy
(:mod:`mappings.eu_battery.energy`), maps the stages (:mod:`mappings.eu_battery.stages`)
and reports everything else the passport cannot hold.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any

from gateway.core.errors import MissingRequiredValue
from gateway.core.i18n import N_
from gateway.core.model import Declaration, declaration_from_data
from gateway.core.report import TranslationReport
from mappings import precision
from mappings.base import TranslateOptions
from mappings.eu_battery import aspect, energy, stages
from mappings.fieldmap import FieldMap, unconsumed
from mappings.precision import plain

FIELDS = FieldMap.load("mappings.eu_battery")
NAMESPACE = "eu-battery"
CONTEXT = "jjjPassportContext"
# The paths of the extension keys of our namespace that have a place in the passport.
_CARRIED = tuple(f"extensions/{NAMESPACE}/{key}" for key in ("batteryCategory", "batteryMass", "absoluteCarbonFootprint"))


def _text(value: Any) -> str:
    return format(Decimal(value), "f")


def _rounding(exact: bool, report: TranslationReport, source: str, target: str) -> None:
    """A quotient read into the canonical model that does not terminate: rounded, so reported so."""
    if not exact:
        report.rounded(source, target, f"the quotient does not terminate; rounded half-even to {energy.QUOTIENT_DIGITS} significant digits")


# -- canonical -> passport ---------------------------------------------------------------


def from_canonical(decl: Declaration, options: TranslateOptions, report: TranslationReport, data: dict[str, Any]) -> dict[str, Any]:
    own = dict(data.get("extensions", {}).get(NAMESPACE, {}))
    fields, consumed = FIELDS.to_native(data, report, allow_defaults=options.allow_defaults)
    basis = _basis_for(decl, options, own, report)
    source, total = _total(decl, report)
    consumed.add(source)
    per_kwh = precision.quotient(*basis.per_kwh_terms(total), options, report, source, "batteryCarbonFootprint")
    trivial = basis.kwh_num == basis.kwh_den
    if not trivial:
        report.converted(source, "batteryCarbonFootprint",
                         f"{plain(total)} kgCO2e per {basis.amount} {basis.unit} = {plain(per_kwh)} kgCO2e/kWh of lifetime energy "
                         f"({basis.explanation})")
    native: dict[str, Any] = {
        "batteryCarbonFootprint": per_kwh,
        "carbonFootprintPerLifecycleStage": _stages_to_native(data, basis, options, report, trivial),
        "carbonFootprintPerformanceClass": fields["carbonFootprintPerformanceClass"],
        "carbonFootprintStudy": fields["carbonFootprintStudy"],
    }
    consumed.add("stages")
    terms = basis.per_battery_terms(total)
    if terms is not None:
        absolute = precision.quotient(*terms, options, report, source, "absoluteCarbonFootprint")
        native["absoluteCarbonFootprint"] = absolute
        report.converted(source, "absoluteCarbonFootprint", f"kgCO2e of one battery = {plain(absolute)} ({basis.explanation})")
        if "absoluteCarbonFootprint" in own and Decimal(own["absoluteCarbonFootprint"]) != absolute:
            report.dropped(f"extensions/{NAMESPACE}/absoluteCarbonFootprint", "absoluteCarbonFootprint",
                           f"replaced by {plain(absolute)} computed from the total and the lifetime energy")
    elif "absoluteCarbonFootprint" in own:
        native["absoluteCarbonFootprint"] = Decimal(own["absoluteCarbonFootprint"])
    context = fields[CONTEXT]
    if basis.lifetime is not None:
        context["lifetimeEnergy"] = _written_lifetime(basis.lifetime, options, report)
    if basis.battery_mass is not None or "batteryMass" in own:
        context["batteryMass"] = basis.battery_mass or Decimal(own["batteryMass"])
    if "batteryCategory" in own:
        context["batteryCategory"] = own["batteryCategory"]
    sites = data.get("product", {}).get("sites", [])
    if sites:
        context["manufacturingPlace"] = sites[0]
        consumed.add("product/sites/0")
    native[CONTEXT] = context
    if decl.declared_unit.lifetime_energy is not None:
        consumed.add("declared_unit/lifetime_energy")
    consumed.update(_CARRIED)
    report.dropped_values(unconsumed(data, consumed), "the battery passport carbon-footprint section has no place for")
    return native


def _basis_for(decl: Declaration, options: TranslateOptions, own: dict[str, Any], report: TranslationReport) -> energy.Basis:
    lifetime = energy.declared_lifetime(decl, options, report, f"{CONTEXT}/lifetimeEnergy")
    mass: tuple[Decimal, str] | None = None
    if options.mass_per_piece is not None:
        mass = (options.mass_per_piece, "supplied by the caller's option mass_per_piece_kg")
    elif "batteryMass" in own:
        mass = (Decimal(own["batteryMass"]), f"extensions/{NAMESPACE}/batteryMass")
    return energy.basis(decl.declared_unit.unit, decl.declared_unit.amount, lifetime, mass)


def _total(decl: Declaration, report: TranslationReport) -> tuple[str, Decimal]:
    results = decl.results
    if results.total_including_biogenic is not None:
        return "results/total_including_biogenic", results.total_including_biogenic.amount
    if results.total_excluding_biogenic is not None:
        report.defaulted("results/total_excluding_biogenic", "batteryCarbonFootprint",
                         "the declaration has no total including biogenic emissions and removals; "
                         "the total excluding them is used")
        return "results/total_excluding_biogenic", results.total_excluding_biogenic.amount
    raise MissingRequiredValue(N_("the battery passport needs the carbon footprint, but the declaration has no total"),
                               path="results/total_including_biogenic", target="batteryCarbonFootprint")


def _written_lifetime(lifetime: energy.Lifetime, options: TranslateOptions, report: TranslationReport) -> Decimal:
    """The lifetime energy in kWh as the passport writes it (a MJ value converts with a division,
    rounded to the buyer's precision only when it does not terminate)."""
    if lifetime.den == 1:
        return lifetime.num
    return precision.quotient(lifetime.num, lifetime.den, options, report, "declared_unit/lifetime_energy", f"{CONTEXT}/lifetimeEnergy")


def _stages_to_native(data: dict[str, Any], basis: energy.Basis, options: TranslateOptions, report: TranslationReport,
                      trivial: bool) -> list[dict[str, Any]]:
    out = []
    per = f" kgCO2e per {basis.amount} {basis.unit} = "
    for code, value, sources in stages.to_regulation(data.get("stages", []), report):
        target = f"{stages.TARGET}[lifecycleStage={code}]"
        per_kwh = precision.quotient(*basis.per_kwh_terms(value), options, report, sources, target)
        if not trivial:
            report.converted(sources, target, f"{plain(value)}{per}{plain(per_kwh)} kgCO2e/kWh")
        out.append({"lifecycleStage": code, "carbonFootprint": per_kwh})
    return out


# -- passport -> canonical ---------------------------------------------------------------


def to_canonical(native: dict[str, Any], options: TranslateOptions, report: TranslationReport) -> Declaration:
    data, consumed = FIELDS.to_canonical(native, report)
    # A bare Battery Pass aspect (as published, 1.2.0 or 1.0.0) has no companion object: what
    # it lacks is defaulted or reported missing, each named in the report.
    context = native.get(CONTEXT, {})
    aspect.fill(native, data, report, bare=CONTEXT not in native)
    aspect.check_plausible(native, report)
    own: dict[str, Any] = {}
    du = data["declared_unit"]
    lifetime = context.get("lifetimeEnergy")
    if lifetime is not None:
        du["lifetime_energy"] = {"amount": _text(lifetime), "unit": "kWh"}
    for key in ("batteryCategory", "batteryMass"):
        if key in context:
            own[key] = context[key] if key == "batteryCategory" else _text(context[key])
    if "manufacturingPlace" in context:
        data.setdefault("product", {})["sites"] = [context["manufacturingPlace"]]
    try:
        basis = energy.basis(
            du["unit"], Decimal(du["amount"]),
            energy.lifetime(Decimal(lifetime), "kWh", f"{CONTEXT}/lifetimeEnergy") if lifetime is not None else None,
            (Decimal(context["batteryMass"]), f"{CONTEXT}/batteryMass") if "batteryMass" in context else None,
        )
    except MissingRequiredValue as exc:
        missing = f"{CONTEXT}/batteryMass" if exc.path == "mass_per_piece" else f"{CONTEXT}/lifetimeEnergy"
        raise MissingRequiredValue(
            N_("the values are per kWh and {context}/declaredUnit is per {unit}: converting back needs {missing}", context=CONTEXT, unit=du['unit'], missing=missing),
            path=missing, target="declared_unit",
        ) from None
    trivial = basis.kwh_num == basis.kwh_den
    total, exact = basis.from_per_kwh(Decimal(native["batteryCarbonFootprint"]))
    if not trivial:
        report.converted("batteryCarbonFootprint", "results/total_including_biogenic",
                         f"{native['batteryCarbonFootprint']} kgCO2e/kWh = {plain(total)} kgCO2e per {basis.amount} {basis.unit} "
                         f"({basis.explanation})")
    _rounding(exact, report, "batteryCarbonFootprint", "results/total_including_biogenic")
    total = _prefer_absolute(native, basis, total, own, report)
    data["results"] = {"total_including_biogenic": {"amount": _text(total), "unit": "kgCO2e"}}
    regional = stages.to_canonical(native["carbonFootprintPerLifecycleStage"], report)
    if regional:
        data["stages"] = [_stage_to_canonical(code, value, basis, report, trivial) for code, value in regional]
    if own:
        data.setdefault("extensions", {})[NAMESPACE] = own
    consumed.update(("batteryCarbonFootprint", "carbonFootprintPerLifecycleStage", "absoluteCarbonFootprint"))
    consumed.update(f"{CONTEXT}/{key}" for key in ("lifetimeEnergy", "batteryMass", "batteryCategory", "manufacturingPlace"))
    report.dropped_values(unconsumed(native, consumed), "no canonical field holds")
    return declaration_from_data(data)


def _prefer_absolute(native: dict[str, Any], basis: energy.Basis, total: Decimal, own: dict[str, Any],
                     report: TranslationReport) -> Decimal:
    """The absolute footprint is the exact per-battery figure. When it agrees with the total,
    nothing more is needed; when the per-kWh quotient was rounded and the absolute value is
    consistent with it, the total is taken from the absolute value (undoing the rounding);
    otherwise the per-kWh value, which the regulation declares, wins and the absolute value
    is kept in the extension."""
    if "absoluteCarbonFootprint" not in native:
        return total
    absolute = Decimal(native["absoluteCarbonFootprint"])
    derived = basis.per_battery(total)
    if derived is not None and derived[0] == absolute:
        return total
    from_absolute = basis.from_per_battery(absolute)
    if from_absolute is not None and _agrees(basis.per_kwh(from_absolute[0])[0], Decimal(native["batteryCarbonFootprint"])):
        report.converted("absoluteCarbonFootprint", "results/total_including_biogenic",
                         f"total {plain(from_absolute[0])} taken from the absolute footprint ({basis.explanation})")
        _rounding(from_absolute[1], report, "absoluteCarbonFootprint", "results/total_including_biogenic")
        return from_absolute[0]
    own["absoluteCarbonFootprint"] = _text(absolute)
    return total


def _agrees(computed: Decimal, written: Decimal) -> bool:
    """``written`` is ``computed`` at the written value's own significant digits (a writer may round)."""
    digits = len(written.normalize().as_tuple().digits)
    return Context(prec=digits, rounding=ROUND_HALF_EVEN).plus(computed) == written


def _stage_to_canonical(code: str, value: Decimal, basis: energy.Basis, report: TranslationReport,
                        trivial: bool) -> dict[str, Any]:
    amount, exact = basis.from_per_kwh(value)
    source = f"{stages.TARGET}[lifecycleStage={stages.regulation_stage(code)}]"
    if not trivial:
        report.converted(source, f"stages[stage={code}]",
                         f"{plain(value)} kgCO2e/kWh = {plain(amount)} kgCO2e per {basis.amount} {basis.unit}")
    _rounding(exact, report, source, f"stages[stage={code}]")
    return {"stage": code, "value": {"amount": _text(amount), "unit": "kgCO2e"}}
