"""Recognition policies: loading, validation (schema, then meaning) and lookup.

A policy is a TOML or JSON file checked against ``mappings/recognition/policy.schema.json``
and then against the code lists (sectors, regions, units, stage schemes, boundaries) and the
equivalence tables it names; every refusal is a :class:`PolicyError` carrying the path of the
offending value. The policy digest covers the policy data and every table it uses, so a
decision names exactly the rules it was made under.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema

from gateway.core.errors import FieldViolation, PolicyError, UnknownPolicy
from gateway.core import schema_text
from gateway.core.i18n import N_
from gateway.core.model import codelists
from gateway.core.model.serde import parse_datetime
from gateway.recognition.equivalence import EquivalenceTable, shipped_table
from gateway.recognition.outcome import Bilingual
from gateway.recognition.paths import check_path
from signing.jcs import canonicalize

_PACKAGE = "mappings.recognition"


@dataclass(frozen=True)
class CriterionSpec:
    id: str
    kind: str
    title: Bilingual
    params: dict[str, Any]
    by_sector: dict[str, dict[str, Any]]
    sectors: tuple[str, ...] | None
    on_fail: str

    def params_for(self, sector: str | None) -> Mapping[str, Any]:
        """The criterion's parameters with the sector's overrides applied, read-only (the engine's
        plan asks once per policy and sector and keeps them)."""
        return MappingProxyType({**self.params, **self.by_sector.get(sector or "", {})})


@dataclass(frozen=True)
class RecognitionPolicy:
    id: str
    version: str
    region: str
    side: str
    title: Bilingual
    description: Bilingual | None
    effective_from: datetime
    effective_until: datetime | None
    max_conditions: int | None
    criteria: tuple[CriterionSpec, ...]
    tables: dict[str, EquivalenceTable]
    digest: str
    data: dict[str, Any]
    source: str

    def summary(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version, "region": self.region, "digest": self.digest}


@cache
def _validator() -> jsonschema.Draft202012Validator:
    text = resources.files(_PACKAGE).joinpath("policy.schema.json").read_text("utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


def _pointer(parts: Any) -> str:
    return "/" + "/".join(str(p) for p in parts)


def parse_policy_bytes(data: bytes, source: str = "<policy>") -> dict[str, Any]:
    """UTF-8 TOML or JSON (by the first non-blank character) to data; encoding and syntax errors as PolicyError."""
    try:
        text = data.decode("utf-8")
        if text.lstrip().startswith("{"):
            return json.loads(text)
        return tomllib.loads(text)
    except ValueError as exc:  # UnicodeDecodeError, JSONDecodeError and TOMLDecodeError all are
        raise PolicyError(N_("{source} is not valid TOML or JSON: {exc}", source=source, exc=exc), path="/", source=source) from None


def load_policy(source: str | Path | bytes | dict[str, Any], *, name: str | None = None) -> RecognitionPolicy:
    """Read and validate a policy from a file path, bytes or already-parsed data."""
    if isinstance(source, dict):
        data, label = source, name or "<policy>"
    elif isinstance(source, bytes):
        label = name or "<policy>"
        data = parse_policy_bytes(source, label)
    else:
        path = Path(source)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise UnknownPolicy(N_("cannot read policy file {path}: {strerror}", path=path, strerror=exc.strerror), path="policy", policy=str(path)) from None
        label = name or str(path)
        data = parse_policy_bytes(raw, label)
    return build_policy(data, label)


def build_policy(data: dict[str, Any], source: str = "<policy>") -> RecognitionPolicy:
    if not isinstance(data, dict):
        raise PolicyError(N_("{source}: a policy is an object", source=source), path="/")
    errors = sorted(_validator().iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    # Meaning is checked only on schema-valid data: its rules index members the schema guarantees.
    violations = [FieldViolation(_pointer(e.absolute_path), schema_text.marked(e.message)) for e in errors] or list(_meaning_violations(data))
    if violations:
        first = violations[0]
        raise PolicyError(N_("{source}: {path}: {message}", source=source, path=first.path, message=first.text), path=first.path, violations=violations, source=source)
    tables = {}
    for c in data["criterion"]:
        table_id = c["params"].get("table")
        if table_id:
            tables[table_id] = shipped_table(table_id)
    digest_input = {"policy": data, "tables": {k: t.data for k, t in sorted(tables.items())}}
    digest = "sha256:" + hashlib.sha256(canonicalize(digest_input)).hexdigest()
    eff = data["effective"]
    criteria = tuple(
        CriterionSpec(
            id=c["id"], kind=c["kind"], title=Bilingual(c["title"]["zh"], c["title"]["en"]), params=dict(c["params"]),
            by_sector={k: dict(v) for k, v in c.get("by_sector", {}).items()},
            sectors=tuple(c["sectors"]) if "sectors" in c else None, on_fail=c.get("on_fail", "refuse"),
        )
        for c in data["criterion"]
    )
    desc = data.get("description")
    return RecognitionPolicy(
        id=data["id"], version=data["version"], region=data["region"], side=data["side"],
        title=Bilingual(data["title"]["zh"], data["title"]["en"]),
        description=Bilingual(desc["zh"], desc["en"]) if desc else None,
        effective_from=parse_datetime(eff["from"]),
        effective_until=parse_datetime(eff["until"]) if "until" in eff else None,
        max_conditions=data["decision"].get("max_conditions"),
        criteria=criteria, tables=tables, digest=digest, data=data, source=source,
    )


def _meaning_violations(data: dict[str, Any]):
    """Rules the schema cannot state: code-list membership, tables, times, unique ids."""
    sectors = set(codelists.sectors())
    if data["region"] != "EU" and data["region"] not in codelists.regions():
        yield FieldViolation("/region", N_("{region} is not a GB/T 2260 province code", region=data['region']))
    times = {}
    for key in ("from", "until"):
        if key in data["effective"]:
            try:
                times[key] = parse_datetime(data["effective"][key])
            except ValueError as exc:
                yield FieldViolation(f"/effective/{key}", N_("not an RFC 3339 time with an offset: {exc}", exc=exc))
    if len(times) == 2 and times["until"] <= times["from"]:
        yield FieldViolation("/effective/until", N_("must be later than effective.from"))
    seen: set[str] = set()
    for i, c in enumerate(data["criterion"]):
        base = f"/criterion/{i}"
        if c["id"] in seen or c["id"] == "policy-in-force":
            yield FieldViolation(f"{base}/id", N_("criterion id {id!r} is used twice or reserved", id=c['id']))
        seen.add(c["id"])
        for j, s in enumerate(c.get("sectors", ())):
            if s not in sectors:
                yield FieldViolation(f"{base}/sectors/{j}", N_("unknown sector {s!r}", s=s))
        for s in c.get("by_sector", {}):
            if s not in sectors:
                yield FieldViolation(f"{base}/by_sector/{s}", N_("unknown sector {s!r}", s=s))
        variants = [(f"{base}/params", c["params"])] + [(f"{base}/by_sector/{s}", p) for s, p in c.get("by_sector", {}).items()]
        for where, params in variants:
            yield from _param_violations(c["kind"], params, where, sectors)


def _param_violations(kind: str, params: dict[str, Any], where: str, sectors: set[str]):
    if kind == "sector-covered":
        for j, s in enumerate(params.get("sectors", ())):
            if s not in sectors:
                yield FieldViolation(f"{where}/sectors/{j}", N_("unknown sector {s!r}", s=s))
    if "table" in params:
        try:
            shipped_table(params["table"])
        except PolicyError as exc:
            yield FieldViolation(f"{where}/table", exc.message)
    if kind == "stages" and "scheme" in params and params["scheme"] not in codelists.stage_schemes():
        yield FieldViolation(f"{where}/scheme", N_("unknown stage scheme {scheme!r}", scheme=params['scheme']))
    if kind == "declared-unit":
        for j, u in enumerate(params.get("units", ())):
            if u not in codelists.units():
                yield FieldViolation(f"{where}/units/{j}", N_("unknown unit {u!r}", u=u))
    if kind == "required-fields":
        for j, p in enumerate(params.get("paths", ())):
            try:
                check_path(p)
            except ValueError as exc:
                yield FieldViolation(f"{where}/paths/{j}", str(exc))
    if kind == "data-quality" and "min_primary_share" in params and "conditional_min_primary_share" in params:
        if Decimal(params["conditional_min_primary_share"]) > Decimal(params["min_primary_share"]):
            yield FieldViolation(f"{where}/conditional_min_primary_share", N_("must not exceed min_primary_share"))
    if kind == "gwp" and set(params.get("allowed", ())) & set(params.get("recharacterisable", ())):
        yield FieldViolation(f"{where}/recharacterisable", N_("a set cannot be both allowed and only re-characterisable"))


def _policy_dir():
    return resources.files(_PACKAGE).joinpath("policies")


@cache
def shipped_policies() -> dict[str, RecognitionPolicy]:
    """Every policy under ``mappings/recognition/policies/``, by id."""
    out = {}
    for ref in sorted(_policy_dir().iterdir(), key=lambda r: r.name):
        if ref.name.endswith((".toml", ".json")):
            policy = build_policy(parse_policy_bytes(ref.read_bytes(), f"policies/{ref.name}"), f"policies/{ref.name}")
            out[policy.id] = policy
    return out


def get_policy(id_or_path: str | Path) -> RecognitionPolicy:
    """A shipped policy by id, or a policy file by path."""
    text = str(id_or_path)
    if text in shipped_policies():
        return shipped_policies()[text]
    if Path(text).suffix in (".toml", ".json") or Path(text).exists():
        return load_policy(Path(text))
    raise UnknownPolicy(
        N_("no policy {text!r}; shipped: {items}", text=text, items=', '.join(shipped_policies())), path="policy", policy=text
    )
