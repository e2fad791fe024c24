"""Load grading schemes and grade a declaration against them, in exact Decimal arithmetic.

A threshold is an inclusive upper bound in kg CO2e per one scheme unit. The declaration's
result is per its declared unit (``amount`` of ``unit``); it is compared without division:
``result <= threshold × size``, where ``size`` is the declared unit expressed in scheme units
(an exact unit conversion within one dimension, or, for a per-kWh scheme, the declared
unit's total energy over service life). A declaration whose unit cannot be expressed in the
scheme's unit is not graded by it.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from gateway.core.errors import ConfigurationError, FieldViolation
from gateway.core import schema_text
from gateway.core.i18n import N_
from gateway.core.model import Declaration, codelists

_PACKAGE = "mappings.grading"


@dataclass(frozen=True, slots=True)
class GradeClass:
    name: str
    up_to: Decimal | None
    title_zh: str | None = None
    title_en: str | None = None


@dataclass(frozen=True, slots=True)
class GradingScheme:
    id: str
    version: str
    title_zh: str
    title_en: str
    basis_zh: str
    basis_en: str
    example: bool
    sectors: tuple[str, ...]
    classifications: tuple[tuple[str, str], ...]
    declared_unit: str
    result: str
    classes: tuple[GradeClass, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Grade:
    """The class a declaration falls in under one scheme."""

    scheme: GradingScheme
    grade_class: GradeClass

    @property
    def name(self) -> str:
        return self.grade_class.name


@cache
def _validator() -> jsonschema.Draft202012Validator:
    text = resources.files(_PACKAGE).joinpath("grading.schema.json").read_text("utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


def load_scheme(data: bytes, source: str) -> GradingScheme:
    """A scheme from TOML (or JSON) bytes; a bad one is ConfigurationError naming the path."""
    try:
        text = data.decode("utf-8")
        raw: dict[str, Any] = json.loads(text) if source.endswith(".json") else tomllib.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ConfigurationError(N_("grading scheme {source} cannot be read: {exc}", source=source, exc=exc), path=source) from None
    errors = sorted(_validator().iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        raise ConfigurationError(
            N_("grading scheme {source} is invalid", source=source),
            violations=[FieldViolation("/" + "/".join(str(p) for p in e.absolute_path), schema_text.marked(e.message)) for e in errors],
        )
    return _meaning(raw, source)


def _meaning(raw: dict[str, Any], source: str) -> GradingScheme:
    problems = []
    if raw["declared_unit"] not in codelists.units():
        problems.append(FieldViolation("/declared_unit", N_("unknown unit {declared_unit!r}", declared_unit=raw['declared_unit'])))
    unknown = sorted(set(raw["product_group"]["sectors"]) - set(codelists.sectors()))
    if unknown:
        problems.append(FieldViolation("/product_group/sectors", N_("unknown sectors {unknown}", unknown=unknown)))
    classes = tuple(
        GradeClass(c["name"], Decimal(c["up_to"]) if "up_to" in c else None,
                   c.get("title", {}).get("zh"), c.get("title", {}).get("en"))
        for c in raw["classes"]
    )
    bounds = [c.up_to for c in classes]
    if any(b is None for b in bounds[:-1]):
        problems.append(FieldViolation("/classes", N_("only the last class may be open-ended (no up_to)")))
    finite = [b for b in bounds if b is not None]
    if finite != sorted(set(finite)):
        problems.append(FieldViolation("/classes", N_("up_to must increase strictly, best class first")))
    if problems:
        raise ConfigurationError(N_("grading scheme {source} is invalid", source=source), violations=problems)
    group = raw["product_group"]
    return GradingScheme(
        id=raw["id"], version=raw["version"], title_zh=raw["title"]["zh"], title_en=raw["title"]["en"],
        basis_zh=raw["basis"]["zh"], basis_en=raw["basis"]["en"], example=raw["example"],
        sectors=tuple(group["sectors"]),
        classifications=tuple((c["scheme"], c["code"]) for c in group.get("classifications", ())),
        declared_unit=raw["declared_unit"], result=raw.get("result", "total_excluding_biogenic"),
        classes=classes, source=source,
    )


def load_schemes(folder: Path) -> tuple[GradingScheme, ...]:
    """Every ``*.toml`` / ``*.json`` scheme in ``folder``, by file name."""
    if not folder.is_dir():
        raise ConfigurationError(N_("grading folder {folder} does not exist", folder=folder), path=str(folder))
    return tuple(load_scheme(p.read_bytes(), str(p)) for p in sorted(folder.iterdir())
                 if p.suffix in (".toml", ".json"))


@cache
def shipped_schemes() -> tuple[GradingScheme, ...]:
    folder = resources.files(_PACKAGE).joinpath("schemes")
    return tuple(load_scheme(f.read_bytes(), f"{_PACKAGE}/schemes/{f.name}")
                 for f in sorted(folder.iterdir(), key=lambda f: f.name) if f.name.endswith(".toml"))


def _size_in(decl: Declaration, unit: str) -> Decimal | None:
    """The declared unit measured in ``unit`` (exact), or None when it cannot be."""
    du = decl.declared_unit
    table = codelists.units()
    if unit == "kWh" and du.lifetime_energy is not None and du.unit != "kWh":
        return codelists.convert_unit(du.lifetime_energy.amount, du.lifetime_energy.unit, "kWh")
    if du.unit in table and table[du.unit].dimension == table[unit].dimension:
        return du.amount * table[du.unit].factor / table[unit].factor
    if du.mass is not None and table[unit].dimension == "mass":
        return codelists.convert_unit(du.mass.amount, du.mass.unit, unit)
    return None


def applies(scheme: GradingScheme, decl: Declaration) -> bool:
    product = decl.product
    if product.sector not in scheme.sectors:
        return False
    if scheme.classifications:
        held = {(c.scheme, c.code) for c in product.classifications}
        return bool(held & set(scheme.classifications))
    return True


def grade(decl: Declaration, schemes: tuple[GradingScheme, ...]) -> Grade | None:
    """The class under the first scheme that applies and has classes; None when none does."""
    for scheme in schemes:
        if not scheme.classes or not applies(scheme, decl):
            continue
        result = getattr(decl.results, scheme.result)
        size = _size_in(decl, scheme.declared_unit)
        if result is None or size is None or size <= 0:
            continue
        for cls in scheme.classes:
            if cls.up_to is None or result.amount <= cls.up_to * size:
                return Grade(scheme, cls)
        return None
    return None
