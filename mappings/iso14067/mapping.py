"""ISO 14067 CFP report <-> canonical declaration.

The field table (``fields.toml``) carries every scalar; this module adds the structural
parts: per-stage results, the per-gas inventory, the data sources, the derived boundary
fields (``stagesIncluded``, ``cfpType``) and the other formats' extensions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gateway.core.errors import MissingRequiredValue
from gateway.core.i18n import N_
from gateway.core.model import Declaration, declaration_from_data
from gateway.core.model import codelists
from gateway.core.report import TranslationReport
from mappings.base import TranslateOptions
from mappings.fieldmap import FieldMap, unconsumed

FIELDS = FieldMap.load("mappings.iso14067")
NAMESPACE = "iso14067"
_DERIVED = ("stagesIncluded", "cfpType")
# Canonical parts this module maps in code rather than through field rows.
_CODE_CANONICAL = ("stages", "gases", "data_quality/factor_sources", "extensions")
_CODE_NATIVE = (
    "results/perStage", "results/ghgInventory", "dataQuality/dataSources", "extensions",
    "systemBoundary/stagesIncluded", "systemBoundary/cfpType",
)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else format(Decimal(value), "f")


def included_stages(data: dict[str, Any]) -> list[str]:
    """The stages the boundary includes (minus exclusions), else the stages with results."""
    method = data.get("method", {})
    excluded = {e["stage"] for e in method.get("excluded_stages", ())}
    boundary = method.get("boundary")
    if boundary:
        stages = codelists.boundaries()[boundary].stages
    else:
        reported = {s["stage"] for s in data.get("stages", ())}
        stages = tuple(c for c in codelists.stages() if c in reported)
    return [s for s in stages if s not in excluded]


def cfp_type(data: dict[str, Any]) -> str | None:
    boundary = data.get("method", {}).get("boundary")
    if boundary is None:
        return None
    return "cfp" if boundary == "cradle-to-grave" else "partial-cfp"


def from_canonical(decl: Declaration, options: TranslateOptions, report: TranslationReport, data: dict[str, Any]) -> dict[str, Any]:
    results = data.get("results", {})
    if "total_including_biogenic" not in results and "total_excluding_biogenic" not in results:
        raise MissingRequiredValue(
            N_("an ISO 14067 report needs the CFP result, but the declaration has no total"),
            path="results/total_including_biogenic",
            target="results/cfp",
        )
    native, consumed = FIELDS.to_native(data, report, allow_defaults=options.allow_defaults)
    # from the declaration, not its data form, which would turn Decimals into text
    extensions = dict(decl.extensions)
    own = dict(extensions.pop(NAMESPACE, {}))
    boundary = native.setdefault("systemBoundary", {})
    stages = own.pop("stagesIncluded", None) or included_stages(data)
    if stages:
        boundary["stagesIncluded"] = stages
    kind = own.pop("cfpType", None) or cfp_type(data)
    if kind:
        boundary["cfpType"] = kind
    if not boundary:
        del native["systemBoundary"]
    for key in own:
        report.dropped(f"extensions/{NAMESPACE}/{key}", None, "not an ISO 14067 report field")
    if data.get("stages"):
        native["results"]["perStage"] = [
            {"stage": s["stage"], "value": Decimal(s["value"]["amount"])} for s in data["stages"]
        ]
    if data.get("gases"):
        native["results"]["ghgInventory"] = [{"gas": g["gas"], "mass": Decimal(g["mass"]["amount"])} for g in data["gases"]]
    sources = data.get("data_quality", {}).get("factor_sources")
    if sources:
        native.setdefault("dataQuality", {})["dataSources"] = [_source_to_native(s) for s in sources]
    if extensions:
        native["extensions"] = extensions
    consumed.update(_CODE_CANONICAL)
    for path, value in unconsumed(data, consumed).items():
        report.dropped(path, None, f"no ISO 14067 report field holds {value!r:.60}")
    return native


def _source_to_native(source: dict[str, Any]) -> dict[str, Any]:
    out = {"database": source["database"]}
    if "version" in source:
        out["version"] = source["version"]
    if source.get("factor_ids"):
        out["factorIds"] = list(source["factor_ids"])
    return out


def _source_to_canonical(source: dict[str, Any]) -> dict[str, Any]:
    out = {"database": source["database"]}
    if "version" in source:
        out["version"] = source["version"]
    if source.get("factorIds"):
        out["factor_ids"] = list(source["factorIds"])
    return out


def to_canonical(native: dict[str, Any], options: TranslateOptions, report: TranslationReport) -> Declaration:
    data, consumed = FIELDS.to_canonical(native, report)
    results = native.get("results", {})
    if results.get("perStage"):
        data["stages"] = [
            {"stage": s["stage"], "value": {"amount": _text(s["value"]), "unit": "kgCO2e"}} for s in results["perStage"]
        ]
    if results.get("ghgInventory"):
        data["gases"] = [{"gas": g["gas"], "mass": {"amount": _text(g["mass"]), "unit": "kg"}} for g in results["ghgInventory"]]
    sources = native.get("dataQuality", {}).get("dataSources")
    if sources:
        data.setdefault("data_quality", {})["factor_sources"] = [_source_to_canonical(s) for s in sources]
    extensions = dict(native.get("extensions", {}))
    own = {}
    boundary = native.get("systemBoundary", {})
    derived = {"stagesIncluded": included_stages(data) or None, "cfpType": cfp_type(data)}
    for key in _DERIVED:
        if key in boundary and boundary[key] != derived[key]:
            own[key] = boundary[key]
    if own:
        extensions[NAMESPACE] = own
    if extensions:
        data["extensions"] = extensions
    consumed.update(_CODE_NATIVE)
    for path, value in unconsumed(native, consumed).items():
        report.dropped(path, None, f"no canonical field holds {value!r:.60}")
    return declaration_from_data(data)
