"""Code lists read from the TOML data files in ``gateway/core/codelists/``.

The files are the single source: validation, unit conversion, stage mapping,
re-characterisation and the generated docs all read them through this module.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any


def _load(name: str) -> dict[str, Any]:
    text = resources.files("gateway.core.codelists").joinpath(name).read_text("utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True, slots=True)
class Region:
    gb2260: str
    iso: str
    zh: str
    en: str
    jjj: bool = False


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    zh: str
    en: str
    dimension: str
    factor: Decimal


@dataclass(frozen=True, slots=True)
class Named:
    code: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class SchemeStage:
    code: str
    en: str
    covers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StageScheme:
    id: str
    name: str
    transport_rule: str
    stages: tuple[SchemeStage, ...]

    def stage_for(self, canonical: str) -> SchemeStage | None:
        return next((s for s in self.stages if canonical in s.covers), None)


@dataclass(frozen=True, slots=True)
class Boundary:
    code: str
    zh: str
    en: str
    stages: tuple[str, ...]


@cache
def regions() -> dict[str, Region]:
    """Province-level regions keyed by GB/T 2260 code."""
    return {r["gb2260"]: Region(**r) for r in _load("regions.toml")["region"]}


@cache
def regions_by_iso() -> dict[str, Region]:
    return {r.iso: r for r in regions().values()}


@cache
def sectors() -> dict[str, Named]:
    return {s["code"]: Named(**s) for s in _load("sectors.toml")["sector"]}


@cache
def units() -> dict[str, Unit]:
    return {
        u["code"]: Unit(**{**u, "factor": Decimal(u["factor"])})
        for u in _load("units.toml")["unit"]
    }


@cache
def _stage_data() -> dict[str, Any]:
    return _load("stages.toml")


@cache
def stages() -> dict[str, Named]:
    """The five canonical (GB/T 24067-2024) life-cycle stages, in order."""
    return {s["code"]: Named(**s) for s in _stage_data()["stage"]}


@cache
def stage_schemes() -> dict[str, StageScheme]:
    out = {}
    for s in _stage_data()["scheme"]:
        stages_ = tuple(
            SchemeStage(st["code"], st["en"], tuple(st["covers"])) for st in s["stage"]
        )
        out[s["id"]] = StageScheme(s["id"], s["name"], s["transport_rule"], stages_)
    return out


@cache
def boundaries() -> dict[str, Boundary]:
    return {
        b["code"]: Boundary(b["code"], b["zh"], b["en"], tuple(b["stages"]))
        for b in _stage_data()["boundary"]
    }


@cache
def gwp_sets() -> dict[str, dict[str, Decimal]]:
    """GWP100 factors per IPCC assessment report: ``{"AR5": {"CH4-fossil": Decimal("30"), ...}}``."""
    data = _load("gwp.toml")
    return {
        name: {gas: Decimal(v) for gas, v in body["gwp"].items()}
        for name, body in data["sets"].items()
    }


@cache
def gas_names() -> dict[str, str]:
    return dict(_load("gwp.toml")["gas_names"])


def convert_unit(amount: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Exact conversion between units of one dimension (t -> kg, kWh -> MJ, m3 -> L)."""
    table = units()
    src, dst = table[from_unit], table[to_unit]
    if src.dimension != dst.dimension:
        raise ValueError(f"cannot convert {from_unit} ({src.dimension}) to {to_unit} ({dst.dimension})")
    return amount * src.factor / dst.factor
