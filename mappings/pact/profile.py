"""One PACT version's mapping data: the field table plus the structural settings of its TOML."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

import jsonschema_rs

from mappings.fieldmap import ABSENT, FieldMap, get

PACKAGE = "mappings.pact"


@dataclass(frozen=True)
class Profile:
    id: str
    fields: FieldMap
    results_per_single_unit: bool
    mass_zero_units: tuple[str, ...]
    gwp_lists: tuple[str, ...]
    standards: str
    standards_used: str
    cpc: str
    verification: str
    verification_flag: str
    empty_when_absent: tuple[str, ...]
    dqi: str
    dqi_required: tuple[str, ...]
    dqr_max: str

    @cached_property
    def codes(self) -> dict[str, dict[str, str]]:
        return self.fields.codes

    def fields_native(self, canonical: str) -> str | None:
        """The native path of the row reading ``canonical``."""
        return self._natives.get(canonical)

    @cached_property
    def _natives(self) -> dict[str, str]:
        """Canonical path -> the native path of the first row reading it (asked per document)."""
        out: dict[str, str] = {}
        for rule in self.fields.rules:
            if rule.canonical is not None:
                out.setdefault(rule.canonical, rule.native)
        return out

    @cached_property
    def id_prefixes(self) -> tuple[str, ...]:
        """The URN prefixes of the identifier schemes, in the table's order."""
        return tuple(self.codes["id_urn"].values())

    @cached_property
    def reverse_codes(self) -> dict[str, dict[str, str]]:
        """Per code table, native code -> canonical value (of equal codes the last wins)."""
        return {name: {v: k for k, v in table.items()} for name, table in self.codes.items()}

    @cached_property
    def dqi_required_keys(self) -> frozenset[str]:
        """The members a complete dqi holds, as a set (asked per document written)."""
        return frozenset(self.dqi_required)

    @cached_property
    def rating_rows(self) -> tuple[tuple[str, str], ...]:
        """(native, canonical) of the rows reading a data quality rating (a DQR of the dqi)."""
        return tuple((r.native, r.canonical) for r in self.fields.rules
                     if r.canonical and r.native.startswith(self.dqi + "/") and r.native.endswith("DQR"))

    @property
    def known_paths(self) -> frozenset[str]:
        """Every property path our schema of this version names (``pcf/dqi``, ``comment``...)."""
        return _schema_paths(self.id)


def load(name: str) -> Profile:
    data = _toml(name)
    s = data["structure"]
    return Profile(
        id=data["format"],
        fields=FieldMap.load(PACKAGE, name),
        results_per_single_unit=s["results_per_single_unit"],
        mass_zero_units=tuple(s["mass_zero_units"]),
        gwp_lists=tuple(s["gwp_lists"]),
        standards=s["standards"],
        standards_used=s["standards_used"],
        cpc=s["cpc"],
        verification=s["verification"],
        verification_flag=s["verification_flag"],
        empty_when_absent=tuple(s["empty_when_absent"]),
        dqi=s["dqi"],
        dqi_required=tuple(s["dqi_required"]),
        dqr_max=s["dqr_max"],
    )


@cache
def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(PACKAGE).joinpath(name).read_text("utf-8"))


@cache
def renames() -> dict[str, str]:
    """Native v2 path -> native v3 path."""
    return dict(_toml("fields_v3.toml")["renames"])


def leftover_origin(profile: Profile, data: dict[str, Any], path: str) -> str:
    """Where a carried native field of ``profile``'s version came from in the canonical data:
    the same version's namespace, else the other version's under its own name."""
    extensions = data.get("extensions", {})
    if get(extensions.get(profile.id, {}), path) is not ABSENT:
        return f"extensions/{profile.id}/{path}"
    table = renames() if profile.id == "pact-v2" else {v: k for k, v in renames().items()}
    other = "pact-v3" if profile.id == "pact-v2" else "pact-v2"
    for theirs, ours in table.items():
        renamed = f"{ours}{path[len(theirs):]}"
        if (path == theirs or path.startswith(theirs + "/")) and get(extensions.get(other, {}), renamed) is not ABSENT:
            return f"extensions/{other}/{renamed}"
    return f"extensions/{other}/{path}"


@cache
def document_validator(format_id: str) -> Any:
    """The compiled schema of this version's documents."""
    return jsonschema_rs.validator_for(_schema(format_id))


@cache
def _schema(format_id: str) -> dict[str, Any]:
    return json.loads(resources.files(PACKAGE).joinpath(f"{format_id}.schema.json").read_text("utf-8"))


@cache
def _schema_paths(format_id: str) -> frozenset[str]:
    schema = _schema(format_id)
    paths = set(schema["properties"])
    for key, value in schema["$defs"]["carbonFootprint"]["properties"].items():
        paths.add(f"pcf/{key}")
        for sub in value.get("properties", {}):
            paths.add(f"pcf/{key}/{sub}")
    return frozenset(paths)
