"""``declared-unit``: results are per an accepted unit, or re-expressible per kWh from the lifetime energy."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Context as DecimalContext, Decimal, localcontext
from typing import Any

from gateway.core.model import codelists
from gateway.recognition.context import Context
from gateway.recognition.criteria._common import CONDITIONAL, FAIL, PASS, bilingual, en_list, ev
from gateway.recognition.outcome import Finding

_PLACES = Decimal("0.000001")
_RESTATE = bilingual("结果须按每千瓦时重新表述后使用。", "The results are to be used as restated per kWh.")


def evaluate(params: Mapping[str, Any], ctx: Context) -> Finding:
    unit = ctx.declaration.declared_unit
    units = params["units"]
    evidence = [ev("declared_unit/unit", unit.unit), ev("declared_unit/amount", unit.amount)]
    if unit.unit in units:
        return PASS, f"结果以每 {unit.amount} {unit.unit} 表示。", f"Results are per {unit.amount} {unit.unit}.", tuple(evidence), None
    energy = unit.lifetime_energy
    if params.get("convertible_with_lifetime_energy") and "kWh" in units and energy is not None:
        evidence.append(ev("declared_unit/lifetime_energy", f"{format(energy.amount, 'f')} {energy.unit}"))
        kwh = codelists.convert_unit(energy.amount, energy.unit, "kWh")
        total = ctx.declaration.results.total_excluding_biogenic
        if kwh > 0 and total is not None:
            with localcontext(DecimalContext(prec=28)):
                per_kwh = (total.amount / kwh).quantize(_PLACES)
            evidence.append(ev("results/total_excluding_biogenic", total.amount))
            evidence.append(ev("results/total_excluding_biogenic@per-kWh", per_kwh))
            return (
                CONDITIONAL,
                f"结果以每 {unit.unit} 表示，可按全寿命总能量 {kwh} kWh 换算为每千瓦时 {per_kwh} kgCO2e。",
                f"Results are per {unit.unit}; over the lifetime energy of {kwh} kWh they are {per_kwh} kgCO2e per kWh.",
                tuple(evidence), _RESTATE,
            )
    return FAIL, f"结果以每 {unit.unit} 表示，本政策要求：{en_list(units)}。", f"Results are per {unit.unit}; this policy requires {en_list(units)}.", tuple(evidence), None
