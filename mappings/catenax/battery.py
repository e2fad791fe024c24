"""The ``catenax-battery-cf`` mapping: the carbon footprint of the Catena-X battery passport 6.1.0.

The document is the passport's ``sustainability/carbonFootprint`` FootprintEntity list under a
``carbonFootprint`` member, validated against that subtree of the official schema. Values are
per kWh of lifetime energy (Regulation (EU) 2023/1542 Art. 7(1)(d)), converted with the exact
arithmetic of :mod:`mappings.eu_battery.energy` and the Annex II stages of
:mod:`mappings.eu_battery.stages`; ``fields_battery_cf.toml`` documents the rows and holds the
code lists.
"""

from __future__ import annotations

import copy
import tomllib
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from gateway.core.errors import MissingRequiredValue
from gateway.core.i18n import N_
from gateway.core.model import Declaration
from gateway.core.report import ReportEntry, TranslationReport
from mappings import precision
from mappings.base import TranslateOptions
from mappings.catenax import identity, regional
from mappings.eu_battery import energy, stages

PACKAGE = "mappings.catenax"
FORMAT_ID = NAMESPACE = "catenax-battery-cf"
MAPPING_VERSION = "1"
STUDY_HEADER = "Carbon footprint study"
MAX_HEADER = 100


@cache
def table() -> dict[str, Any]:
    return tomllib.loads(resources.files(PACKAGE).joinpath("fields_battery_cf.toml").read_text("utf-8"))


def lifetime_basis(decl: Declaration, options: TranslateOptions, report: TranslationReport, target: str) -> energy.Basis:
    """Per declared unit -> per kWh of lifetime energy, as eu-battery-json converts it."""
    lifetime = energy.declared_lifetime(decl, options, report, target)
    mass = (options.mass_per_piece, "supplied by the caller's option mass_per_piece_kg") if options.mass_per_piece is not None else None
    return energy.basis(decl.declared_unit.unit, decl.declared_unit.amount, lifetime, mass)


def total_of(decl: Declaration, report: TranslationReport, target: str) -> tuple[str, Decimal]:
    results = decl.results
    if results.total_including_biogenic is not None:
        return "results/total_including_biogenic", results.total_including_biogenic.amount
    if results.total_excluding_biogenic is not None:
        report.defaulted("results/total_excluding_biogenic", target,
                         "the declaration has no total including biogenic emissions and removals; the total excluding them is used")
        return "results/total_excluding_biogenic", results.total_excluding_biogenic.amount
    raise MissingRequiredValue(N_("the battery carbon footprint needs the total, but the declaration has no total"),
                               path="results/total_including_biogenic", target=target)


# -- canonical -> passport ------------------------------------------------------------


def from_canonical(decl: Declaration, options: TranslateOptions, report: TranslationReport, data: dict[str, Any]) -> dict[str, Any]:
    own = data.get("extensions", {}).get(NAMESPACE, {})
    codes = table()
    basis = lifetime_basis(decl, options, report, "carbonFootprint/0/value")
    source, total = total_of(decl, report, "carbonFootprint/0/value")
    trivial = basis.kwh_num == basis.kwh_den
    shared = _shared(data, own)
    per_kwh = precision.quotient(*basis.per_kwh_terms(total), options, report, source, "carbonFootprint/0/value")
    if not trivial:
        report.converted(source, "carbonFootprint/0/value",
                         f"{precision.plain(total)} kgCO2e per {basis.amount} {basis.unit} = {precision.plain(per_kwh)} kgCO2e/kWh ({basis.explanation})")
    entries = [{"value": per_kwh, "lifecycle": codes["total_lifecycle"], **shared}]
    start = len(report.entries)
    regulation_stages = stages.to_regulation(data.get("stages", []), report)
    _rename_stage_paths(report, start, {f"{stages.TARGET}[lifecycleStage={code}]": f"carbonFootprint/{i + 1}"
                                        for i, (code, _, _) in enumerate(regulation_stages)})
    for code, value, sources in regulation_stages:
        target = f"carbonFootprint/{len(entries)}/value"
        stage_kwh = precision.quotient(*basis.per_kwh_terms(value), options, report, sources, target)
        if not trivial:
            report.converted(sources, target, f"{precision.plain(value)} kgCO2e per {basis.amount} {basis.unit} = {precision.plain(stage_kwh)} kgCO2e/kWh")
        entries.append({"value": stage_kwh, "lifecycle": codes["codes"]["lifecycle"][code], **copy.deepcopy(shared)})
    entries += copy.deepcopy(own.get("carbonFootprint", []))
    native: dict[str, Any] = {"carbonFootprint": entries}
    if "extensions" in own:
        native["extensions"] = copy.deepcopy(own["extensions"])
    regional.carry_canonical(FORMAT_ID, NAMESPACE, data, native, lambda n: read(n, TranslationReport())[0],
                             options, report, f"{FORMAT_ID}/{MAPPING_VERSION}")
    return native


def _rename_stage_paths(report: TranslationReport, start: int, names: dict[str, str]) -> None:
    """The Annex II stage helpers name the eu-battery members; this document's entries are these."""
    for index in range(start, len(report.entries)):
        e = report.entries[index]
        report.entries[index] = ReportEntry(e.kind, names.get(e.source_path or "", e.source_path),
                                            names.get(e.target_path or "", e.target_path), e.detail)


def _shared(data: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    codes = table()
    rulebook = [
        {"header": r["name"], "contentType": "text/plain", "content": r.get("number") or r["name"]}
        for r in data.get("method", {}).get("product_rules", []) if len(r["name"]) <= MAX_HEADER
    ]
    study = data.get("links", {}).get("study_url")
    shared: dict[str, Any] = {
        "rulebook": rulebook, "unit": codes["unit"], "type": codes["type"],
        "manufacturingPlant": copy.deepcopy(own.get("manufacturingPlant", [])),
        "declaration": [{"header": STUDY_HEADER, "contentType": "link", "content": study}] if study else [],
    }
    if data.get("performance_class"):
        shared["performanceClass"] = data["performance_class"]
    return shared

# -- passport -> canonical ------------------------------------------------------------


# -- passport -> canonical ------------------------------------------------------------


def read(native: dict[str, Any], report: TranslationReport) -> tuple[dict[str, Any], dict[str, Any]]:
    """Canonical data from the entries alone, and what stays native (our namespace)."""
    codes = table()
    stage_codes = {v: k for k, v in codes["codes"]["lifecycle"].items()}
    entries = native["carbonFootprint"]
    total_index = next((i for i, e in enumerate(entries) if _is_total(e)), None)
    if total_index is None:
        raise MissingRequiredValue(
            N_("{format_id}: no {type!r} entry in {unit!r} over the whole life cycle "
            "({total_lifecycle!r}) gives the battery's carbon footprint", format_id=FORMAT_ID, type=codes['type'], unit=codes['unit'], total_lifecycle=codes['total_lifecycle']),
            path="/carbonFootprint", target="results/total_including_biogenic",
        )
    total = entries[total_index]
    shared = {k: v for k, v in total.items() if k not in ("value", "lifecycle")}
    data: dict[str, Any] = {
        "declared_unit": {"unit": "kWh", "amount": "1"},
        "results": {"total_including_biogenic": {"amount": precision.as_written(Decimal(total["value"])), "unit": "kgCO2e"}},
    }
    report.converted("carbonFootprint/value", "declared_unit",
                     "values are per kWh of the energy the battery delivers over its service life: declared unit 1 kWh")
    own: dict[str, Any] = {}
    regulation = []
    positions: dict[str, str] = {}
    kept = []
    for i, entry in enumerate(entries):
        if i == total_index:
            continue
        code = stage_codes.get(entry.get("lifecycle"))
        if code and entry.get("value") is not None and {k: v for k, v in entry.items() if k not in ("value", "lifecycle")} == shared:
            positions[f"{stages.TARGET}/{len(regulation)}"] = f"carbonFootprint/{i}"
            regulation.append({"lifecycleStage": code, "carbonFootprint": entry["value"]})
        else:
            kept.append(copy.deepcopy(entry))
    if kept:
        own["carbonFootprint"] = kept
    start = len(report.entries)
    regional_stages = stages.to_canonical(regulation, report)
    _rename_stage_paths(report, start, positions)
    if regional_stages:
        data["stages"] = [{"stage": c, "value": {"amount": precision.as_written(v), "unit": "kgCO2e"}} for c, v in regional_stages]
    if shared.get("performanceClass"):
        data["performance_class"] = shared["performanceClass"]
    rules = [{"name": d["header"], **({"number": d["content"]} if d["content"] != d["header"] else {})}
             for d in shared.get("rulebook", []) if d.get("contentType") == "text/plain"]
    if len(rules) == len(shared.get("rulebook", [])) and rules:
        data["method"] = {"product_rules": rules}
    elif shared.get("rulebook"):
        own["rulebook"] = copy.deepcopy(shared["rulebook"])
    study = shared.get("declaration", [])
    if len(study) == 1 and study[0].get("header") == STUDY_HEADER and study[0].get("contentType") == "link":
        data["links"] = {"study_url": study[0]["content"]}
    elif study:
        own["declaration"] = copy.deepcopy(study)
    if shared.get("manufacturingPlant"):
        own["manufacturingPlant"] = copy.deepcopy(shared["manufacturingPlant"])
    rest = {k: v for k, v in native.items() if k not in ("carbonFootprint", "extensions")}
    own.update(copy.deepcopy(rest))
    if own:
        data["extensions"] = {NAMESPACE: own}
    return data, own


def _is_total(entry: dict[str, Any]) -> bool:
    codes = table()
    return (entry.get("lifecycle") == codes["total_lifecycle"] and entry.get("type") == codes["type"]
            and entry.get("unit") in codes["per_kwh_units"])


def to_canonical(native: dict[str, Any], options: TranslateOptions, report: TranslationReport) -> Declaration:
    data, own = read(native, report)
    return identity.section_declaration(FORMAT_ID, NAMESPACE, native, data, own, report, "a native battery passport member")
