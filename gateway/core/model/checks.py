"""Semantic rules of the canonical model that a JSON Schema cannot state.

Identifier check characters, code-list membership, units matching their dimension, sign
rules and ranges. Every rule that fails is reported, each with the path of its field.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from gateway.core.errors import FieldViolation, InvalidDocument, InvalidIdentifier, InvalidValue
from gateway.core.i18n import N_
from gateway.core.model import codelists
from gateway.core.model.declaration import Declaration, Quantity
from gateway.core.model.identifiers import validate_gtin, validate_uscc

EMISSION_UNIT = "kgCO2e"
CARBON_UNIT = "kgC"

_ID_CHECKS = {"uscc": validate_uscc, "gtin": validate_gtin}
_EMISSIONS = (
    "total_excluding_biogenic", "total_including_biogenic", "fossil", "fossil_removals", "biogenic_emissions",
    "biogenic_removals", "dluc", "iluc", "land_management", "aircraft", "packaging",
)
_CARBON = ("fossil_carbon_content", "biogenic_carbon_content", "packaging_biogenic_carbon_content")
_NON_NEGATIVE = ("fossil", "biogenic_emissions", "dluc", "aircraft", "packaging") + _CARBON
_REMOVALS = ("fossil_removals", "biogenic_removals")
_DQR = ("technological", "temporal", "geographical", "completeness", "reliability")
_PERCENTAGES = ("primary_data_share", "coverage")
_ZERO, _ONE, _FIVE, _HUNDRED = Decimal(0), Decimal(1), Decimal(5), Decimal(100)


def check_declaration(decl: Declaration, *, identifiers: bool = True) -> None:
    """Raise :class:`InvalidDocument` listing every rule the declaration breaks; with
    ``identifiers=False`` the identifier check characters are left to the caller
    (:func:`identifier_violations`), who reports them as warnings at the border."""
    violations = list(_violations(decl, identifiers))
    if not violations:
        return
    first = violations[0]
    only_ids = all(v.path.endswith("/value") and "/ids/" in v.path for v in violations)
    cls = InvalidIdentifier if only_ids else InvalidValue
    raise cls(
        N_("{count} rule(s) broken; first: {path}: {message}", count=len(violations), path=first.path, message=first.text),
        path=first.path,
        violations=violations,
    )


def identifier_violations(decl: Declaration) -> list[FieldViolation]:
    """Every identifier whose check character (USCC, GTIN) is wrong, with its path."""
    out = []
    for scope, ids in (("organisation", decl.organisation.ids), ("product", decl.product.ids)):
        for i, ident in enumerate(ids):
            check = _ID_CHECKS.get(ident.scheme)
            if check is not None:
                try:
                    check(ident.value, f"{scope}/ids/{i}/value")
                except InvalidDocument as exc:
                    out.append(FieldViolation(f"{scope}/ids/{i}/value", exc.text))
    return out


def _violations(decl: Declaration, identifiers: bool = True) -> Iterator[FieldViolation]:
    if identifiers:
        yield from identifier_violations(decl)
    if decl.region is not None and decl.region not in codelists.regions():
        # ISO 3166-2 codes are converted at the format edge; the model holds GB/T 2260 only.
        yield FieldViolation("region", N_("{region!r} is not a GB/T 2260 province-level code, e.g. 130000", region=decl.region))
    if decl.version < 0:
        yield FieldViolation("version", N_("must not be negative"))
    if decl.product.sector is not None and decl.product.sector not in codelists.sectors():
        yield FieldViolation("product/sector", N_("unknown sector {sector!r}; known: {items}", sector=decl.product.sector, items=', '.join(codelists.sectors())))
    yield from _check_unit(decl)
    r = decl.results
    for names, unit in ((_EMISSIONS, EMISSION_UNIT), (_CARBON, CARBON_UNIT)):
        for name in names:
            q = getattr(r, name)
            if q is not None and q.unit != unit:
                yield _wrong_unit(f"results/{name}", unit, q)
    for name in _NON_NEGATIVE:
        q = getattr(r, name)
        if q is not None and q.amount < 0:
            yield FieldViolation(f"results/{name}", N_("must not be negative"))
    for name in _REMOVALS:
        q = getattr(r, name)
        if q is not None and q.amount > 0:
            yield FieldViolation(f"results/{name}", N_("removals are recorded as zero or negative numbers"))
    seen: set[str] = set()
    for i, s in enumerate(decl.stages):
        if s.stage not in codelists.stages():
            yield FieldViolation(f"stages/{i}/stage", N_("unknown life-cycle stage {stage!r}", stage=s.stage))
        if s.stage in seen:
            yield FieldViolation(f"stages/{i}/stage", N_("stage {stage!r} appears twice", stage=s.stage))
        seen.add(s.stage)
        if s.value.unit != EMISSION_UNIT:
            yield _wrong_unit(f"stages/{i}/value", EMISSION_UNIT, s.value)
    gases = codelists.gwp_sets()["AR6"]
    inventoried: set[str] = set()
    for i, g in enumerate(decl.gases):
        if g.gas not in gases:
            yield FieldViolation(f"gases/{i}/gas", N_("unknown gas {gas!r}", gas=g.gas))
        if g.gas in inventoried:
            # One mass per gas: a repeat would be counted twice when the totals are re-characterised.
            yield FieldViolation(f"gases/{i}/gas", N_("gas {gas!r} appears twice in the inventory", gas=g.gas))
        inventoried.add(g.gas)
        if g.mass.unit != "kg":
            yield FieldViolation(f"gases/{i}/mass/unit", N_("gas masses are in kg"))
        if g.mass.amount < 0:
            yield FieldViolation(f"gases/{i}/mass/amount", N_("must not be negative"))
    dq = decl.data_quality
    if dq is not None:
        for names, low, high in ((_PERCENTAGES, _ZERO, _HUNDRED), (_DQR, _ONE, _FIVE)):
            for name in names:
                value = getattr(dq, name)
                if value is not None and not low <= value <= high:
                    yield _out_of_range(f"data_quality/{name}", low, high, value)
    share = decl.method.exempted_share
    if share is not None and not _ZERO <= share <= _HUNDRED:
        yield _out_of_range("method/exempted_share", _ZERO, _HUNDRED, share)
    for path, period in (("validity", decl.validity), ("method/reference_period", decl.method.reference_period)):
        if period is not None and period.start and period.end and period.start > period.end:
            yield FieldViolation(path, N_("start is after end"))
    if decl.label and decl.label.valid_from and decl.label.valid_until and decl.label.valid_from > decl.label.valid_until:
        yield FieldViolation("label", N_("valid_from is after valid_until"))


def _check_unit(decl: Declaration) -> Iterator[FieldViolation]:
    du = decl.declared_unit
    units = codelists.units()
    if du.unit not in units:
        yield FieldViolation("declared_unit/unit", N_("unknown unit {unit!r}; known: {items}", unit=du.unit, items=', '.join(units)))
    if du.amount <= 0:
        yield FieldViolation("declared_unit/amount", N_("must be greater than zero"))
    for name, dimension in (("mass", "mass"), ("lifetime_energy", "energy")):
        q = getattr(du, name)
        if q is None:
            continue
        if q.unit not in units or units[q.unit].dimension != dimension:
            yield FieldViolation(f"declared_unit/{name}/unit", N_("must be a {dimension} unit", dimension=dimension))
        if q.amount <= 0:
            yield FieldViolation(f"declared_unit/{name}/amount", N_("must be greater than zero"))


# The rules run on every translation: each test is inline in _violations and only a broken
# rule builds its violation here.
def _wrong_unit(path: str, unit: str, q: Quantity) -> FieldViolation:
    return FieldViolation(f"{path}/unit", N_("must be {unit!r}, got {unit2!r}", unit=unit, unit2=q.unit))


def _out_of_range(path: str, low: Decimal, high: Decimal, value: Decimal) -> FieldViolation:
    return FieldViolation(path, N_("must be between {low} and {high}, got {value}", low=low, high=high, value=value))
