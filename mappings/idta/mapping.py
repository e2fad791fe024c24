"""IDTA 02035-3 CarbonFootprintBattery <-> canonical declaration (rows and code lists in ``fields.toml``)."""

from __future__ import annotations

import copy
import tomllib
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from gateway.core.errors import MissingRequiredValue, Unrepresentable
from gateway.core.i18n import N_
from gateway.core.model import Declaration
from gateway.core.report import TranslationReport
from mappings.base import TranslateOptions
from mappings.catenax import identity, regional
from mappings.catenax.battery import total_of
from mappings.precision import as_written

PACKAGE = "mappings.idta"
NAMESPACE = "idta-battery-cf"
FORMAT_ID = "idta-battery-cf"
MAPPING_VERSION = "1"
SHARED = ("PcfCalculationMethods", "ReferenceImpactUnitForCalculation", "QuantityOfMeasureForCalculation",
          "PerformanceClass", "WebLinkToPublicCarbonFootprintStudy")


@cache
def codes() -> dict[str, dict[str, str]]:
    return tomllib.loads(resources.files(PACKAGE).joinpath("fields.toml").read_text("utf-8"))["codes"]


def _phases(text: str) -> list[str]:
    return [p.strip() for p in text.split(", ")]


def _required(data: dict[str, Any], path: str, target: str) -> Any:
    node: Any = data
    for key in path.split("/"):
        node = node.get(key) if isinstance(node, dict) else None
    if not node:
        raise MissingRequiredValue(N_("{format_id} requires {target}, but the declaration has no {path}", format_id=FORMAT_ID, target=target, path=path), path=path, target=target)
    return node


# -- canonical -> submodel -------------------------------------------------------------------


def from_canonical(decl: Declaration, options: TranslateOptions, report: TranslationReport, data: dict[str, Any]) -> dict[str, Any]:
    own = data.get("extensions", {}).get(NAMESPACE, {})
    table = codes()
    unit = decl.declared_unit.unit
    if unit not in table["unit"]:
        raise Unrepresentable(N_("{format_id} has no reference unit for {unit!r} (known: {items})", format_id=FORMAT_ID, unit=unit, items=', '.join(table['unit'])),
                              path="declared_unit/unit", target="ReferenceImpactUnitForCalculation")
    boundary = _required(data, "method/boundary", "LifeCyclePhases")
    shared = {
        "PcfCalculationMethods": list(dict.fromkeys(_required(data, "method/standards", "PcfCalculationMethods"))),
        "ReferenceImpactUnitForCalculation": table["unit"][unit],
        "QuantityOfMeasureForCalculation": decl.declared_unit.amount,
        "PerformanceClass": _required(data, "performance_class", "PerformanceClass"),
        "WebLinkToPublicCarbonFootprintStudy": [_required(data, "links/study_url", "WebLinkToPublicCarbonFootprintStudy")],
    }
    _, total = total_of(decl, report, "ProductCarbonFootprints/0/PcfCo2eq")
    entries = [{**shared, "PcfCo2eq": total, "LifeCyclePhases": _phases(table["boundary"][boundary])}]
    for i, stage in enumerate(data.get("stages", [])):
        phase = table["phase"][stage["stage"]]
        if stage["stage"] == "transport":
            report.converted(f"stages/{i}", f"ProductCarbonFootprints/{len(entries)}/LifeCyclePhases",
                             f"regional transport (运输) written as {phase!r}: the regional stage does not separate inbound transport (A2)")
        entries.append({**copy.deepcopy(shared), "PcfCo2eq": Decimal(stage["value"]["amount"]), "LifeCyclePhases": [phase]})
    entries += copy.deepcopy(own.get("ProductCarbonFootprints", []))
    native: dict[str, Any] = {"ProductCarbonFootprints": entries}
    if "extensions" in own:
        native["extensions"] = copy.deepcopy(own["extensions"])
    regional.carry_canonical(FORMAT_ID, NAMESPACE, data, native, lambda n: read(n, TranslationReport())[0], options, report,
                             f"{FORMAT_ID}/{MAPPING_VERSION}")
    return native


# -- submodel -> canonical -------------------------------------------------------------------


def read(native: dict[str, Any], report: TranslationReport) -> tuple[dict[str, Any], dict[str, Any]]:
    """Canonical data from the entries alone, and what stays native (our namespace)."""
    table = codes()
    boundaries = {tuple(_phases(v)): k for k, v in table["boundary"].items()}
    stage_of = {v: k for k, v in table["phase"].items()}
    entries = native["ProductCarbonFootprints"]
    index = next((i for i, e in enumerate(entries) if tuple(e.get("LifeCyclePhases", ())) in boundaries), None)
    if index is None:
        raise MissingRequiredValue(
            N_("{format_id}: no ProductCarbonFootprints entry covers the phases of a system boundary "
            "({items}), so none gives the total", format_id=FORMAT_ID, items='; '.join(table['boundary'].values())),
            path="/ProductCarbonFootprints", target="results/total_including_biogenic",
        )
    total = entries[index]
    shared = {k: total[k] for k in SHARED}
    unit, amount = _unit(total, report)
    data: dict[str, Any] = {
        "declared_unit": {"unit": unit, "amount": as_written(amount)},
        "results": {"total_including_biogenic": {"amount": as_written(Decimal(total["PcfCo2eq"])), "unit": "kgCO2e"}},
        "method": {"boundary": boundaries[tuple(total["LifeCyclePhases"])]},
        "performance_class": total["PerformanceClass"],
    }
    if total["PcfCalculationMethods"]:
        data["method"]["standards"] = list(total["PcfCalculationMethods"])
    own: dict[str, Any] = {}
    links = total["WebLinkToPublicCarbonFootprintStudy"]
    if len(links) == 1:
        data["links"] = {"study_url": links[0]}
    elif links:
        own["WebLinkToPublicCarbonFootprintStudy"] = list(links)
    stages, kept = [], []
    for i, entry in enumerate(entries):
        if i == index:
            continue
        phases = entry.get("LifeCyclePhases", [])
        code = stage_of.get(phases[0]) if len(phases) == 1 else None
        if code and all(entry.get(k) == v for k, v in shared.items()) and not any(s["stage"] == code for s in stages):
            stages.append({"stage": code, "value": {"amount": as_written(Decimal(entry["PcfCo2eq"])), "unit": "kgCO2e"}})
        else:
            kept.append(copy.deepcopy(entry))
    if stages:
        data["stages"] = stages
    if kept:
        own["ProductCarbonFootprints"] = kept
    own.update(copy.deepcopy({k: v for k, v in native.items() if k not in ("ProductCarbonFootprints", "extensions")}))
    if own:
        data["extensions"] = {NAMESPACE: own}
    return data, own


def _unit(entry: dict[str, Any], report: TranslationReport) -> tuple[str, Decimal]:
    table = codes()
    native_unit = entry["ReferenceImpactUnitForCalculation"]
    amount = Decimal(entry["QuantityOfMeasureForCalculation"])
    reverse = {v: k for k, v in table["unit"].items()}
    if native_unit in reverse:
        return reverse[native_unit], amount
    unit, factor = table["unit_scaled"][native_unit].split()
    report.converted("ProductCarbonFootprints/ReferenceImpactUnitForCalculation", "declared_unit",
                     f"{as_written(amount)} {native_unit} = {as_written(amount * Decimal(factor))} {unit} (exact)")
    return unit, amount * Decimal(factor)


def to_canonical(native: dict[str, Any], options: TranslateOptions, report: TranslationReport) -> Declaration:
    data, own = read(native, report)
    return identity.section_declaration(FORMAT_ID, NAMESPACE, native, data, own, report, "a native IDTA member")
