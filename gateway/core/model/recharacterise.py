"""Exact re-characterisation of totals between IPCC GWP100 sets from a per-gas inventory.

A total expressed with set A becomes a total with set B by adding, for every gas of the
inventory, ``mass * (GWP_B - GWP_A)``. Gases outside the inventory (CO2 at factor 1 in
both sets, or not declared) are unchanged, so the result is exact for what is declared.
Without an inventory there is nothing to compute from, and callers must say so.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from gateway.core.errors import MissingRequiredValue, Unrepresentable
from gateway.core.i18n import N_
from gateway.core.model.codelists import gwp_sets
from gateway.core.model.declaration import Declaration, GwpSet, Quantity
from gateway.core.report import TranslationReport

_BIOGENIC_GASES = frozenset({"CH4-non-fossil"})


def gwp_deltas(decl: Declaration, source: GwpSet, target: GwpSet) -> tuple[Decimal, Decimal]:
    """(change of the fossil part, change of the biogenic part) in kg CO2e per declared unit."""
    if not decl.gases:
        raise MissingRequiredValue(
            N_("re-characterising from {source} to {target} needs a per-gas inventory; the declaration has none", source=source, target=target),
            path="gases",
        )
    factors = gwp_sets()
    fossil = biogenic = Decimal(0)
    for i, g in enumerate(decl.gases):
        if g.gas not in factors[source] or g.gas not in factors[target]:
            raise Unrepresentable(N_("no GWP100 factor for {gas}", gas=g.gas), path=f"gases/{i}/gas")
        delta = g.mass.amount * (factors[target][g.gas] - factors[source][g.gas])
        if g.gas in _BIOGENIC_GASES:
            biogenic += delta
        else:
            fossil += delta
    return fossil, biogenic


def recharacterise(decl: Declaration, target: GwpSet, report: TranslationReport | None = None) -> Declaration:
    """The declaration with its totals expressed in ``target``'s GWP100 factors."""
    source = decl.method.gwp_set
    if source is None:
        raise MissingRequiredValue(N_("the declaration does not name its GWP set"), path="method/gwp_set")
    if source == target:
        return decl
    fossil_delta, biogenic_delta = gwp_deltas(decl, source, target)
    total_delta = fossil_delta + biogenic_delta
    shifts = {
        "total_excluding_biogenic": total_delta,
        "total_including_biogenic": total_delta,
        "fossil": fossil_delta,
        "biogenic_emissions": biogenic_delta,
    }
    changes = {}
    for name, delta in shifts.items():
        old: Quantity | None = getattr(decl.results, name)
        if old is None or delta == 0:
            continue
        changes[name] = Quantity(old.amount + delta, old.unit)
        if report is not None:
            report.recharacterised(
                f"results/{name}", f"results/{name}",
                f"{old.amount} ({source}) -> {old.amount + delta} ({target}) from the per-gas inventory",
            )
    results = dataclasses.replace(decl.results, **changes)
    method = dataclasses.replace(decl.method, gwp_set=target)
    if report is not None:
        report.recharacterised("method/gwp_set", "method/gwp_set", f"GWP100 set {source} -> {target}")
        if decl.stages:
            # The inventory is for the whole product; which stage emitted which gas is unknown.
            report.dropped("stages", None, f"per-stage results cannot be re-characterised to {target} without a per-stage inventory")
    return dataclasses.replace(decl, results=results, method=method, stages=() if decl.stages else decl.stages)
