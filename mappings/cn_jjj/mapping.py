"""The cn-jjj mapping: the field table (``fields.toml``) plus the few structural rules.

Root rows go through :class:`~mappings.fieldmap.FieldMap` as they are; rows with ``[]`` in
their paths describe one list item and are applied to every item here; rows with an empty
``canonical`` are derived in code (the Chinese stage name). The rules are stated for the docs
in the ``[notes]`` table of ``fields.toml``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cached_property
from importlib import resources
from typing import Any

from gateway.core.errors import FieldViolation, GatewayError, InvalidIdentifier, InvalidValue
from gateway.core.i18n import N_
from gateway.core.model import Declaration, declaration_from_data
from gateway.core.model import codelists
from gateway.core.model.identifiers import validate_gtin, validate_uscc
from gateway.core.report import TranslationReport
from mappings.base import TranslateOptions
from mappings.fieldmap import ABSENT, FieldMap, FieldRule, Path, compile_path, get, unconsumed
from mappings.xmlcodec import in_schema_order

FIELDS = FieldMap.load("mappings.cn_jjj")
# Written documents list their members in the schema's order, so they read like the specification.
SCHEMA = json.loads(resources.files("mappings.cn_jjj").joinpath("declaration.schema.json").read_text("utf-8"))
# Ids that a dedicated field carries when they are the first of their scheme.
_PROMOTED = {"organisation/ids": "uscc", "product/ids": "gtin"}
_ID_CHECKS = {"uscc": validate_uscc, "gtin": validate_gtin}


@dataclass(frozen=True)
class ListMap:
    """How one canonical list maps to one native list, item by item."""

    canonical: str
    native: str
    items: FieldMap
    derived: tuple[str, ...]  # native item members computed in code

    @cached_property
    def native_path(self) -> Path:
        return compile_path(self.native)

    @cached_property
    def canonical_path(self) -> Path:
        return compile_path(self.canonical)


def _split(rules: tuple[FieldRule, ...]) -> tuple[FieldMap, tuple[ListMap, ...]]:
    root = [r for r in rules if "[]" not in r.native]
    groups: dict[tuple[str, str], list[FieldRule]] = {}
    for r in rules:
        if "[]" in r.native:
            native_list, _, native_item = r.native.partition("[]/")
            canonical_list, _, canonical_item = (r.canonical or "").partition("[]/")
            key = (canonical_list, native_list)
            if not canonical_list:  # a derived row: attach it to the list of the same native path
                key = next(k for k in groups if k[1] == native_list)
            groups.setdefault(key, []).append(replace(r, canonical=canonical_item or None, native=native_item))
    lists = tuple(
        ListMap(
            canonical=c, native=n,
            items=FieldMap(FIELDS.format_id, tuple(r for r in rs if r.canonical), FIELDS.codes, {}),
            derived=tuple(r.native for r in rs if not r.canonical),
        )
        for (c, n), rs in groups.items()
    )
    return FieldMap(FIELDS.format_id, tuple(root), FIELDS.codes, FIELDS.notes), lists


ROOT, LISTS = _split(FIELDS.rules)


def _items_consumed(list_path: str, consumed: set[str]) -> set[str]:
    """The indices (as text) of the items of the list at ``list_path`` a consumed path reaches:
    one pass over ``consumed`` per list, not one per item."""
    head = list_path + "/"
    return {c[len(head):].partition("/")[0] for c in consumed if c.startswith(head)}


def _prefixed(exc: GatewayError, prefix: str) -> GatewayError:
    """The same error with its item-relative path made absolute."""
    return type(exc)(exc.message, path=f"{prefix}/{exc.path}" if exc.path else prefix, **exc.metadata)


# -- canonical -> native -----------------------------------------------------------------------


def from_canonical(decl: Declaration, options: TranslateOptions, report: TranslationReport, data: dict[str, Any]) -> dict[str, Any]:
    allow_defaults = options.allow_defaults
    native, consumed = ROOT.to_native(data, report, allow_defaults=allow_defaults)
    for lm in LISTS:
        items = lm.canonical_path.get(data)
        if items is ABSENT:
            continue
        out = []
        carried = _items_consumed(lm.canonical, consumed)
        for i, item in enumerate(items):
            prefix = f"{lm.canonical}/{i}"
            if str(i) in carried:
                continue  # already carried by a dedicated field (the first USCC / GTIN)
            try:
                entry, used = lm.items.to_native(item, report, allow_defaults=allow_defaults)
            except GatewayError as exc:
                raise _prefixed(exc, prefix) from None
            consumed.update(f"{prefix}/{p}" for p in used)
            out.append(_with_stage_name(entry) if "stageName" in lm.derived else entry)
        if out:
            lm.native_path.put(native, out)
    _report_reordered_ids(data, report)
    for path, value in unconsumed(data, consumed).items():
        report.dropped(path, None, f"cn-jjj has no field for {value!r:.60}")
    return in_schema_order(native, SCHEMA)


def _with_stage_name(entry: dict[str, Any]) -> dict[str, Any]:
    stage = codelists.stages().get(entry.get("stageCode", ""))
    if stage is None:
        return entry
    return {"stageCode": entry["stageCode"], "stageName": stage.zh, **{k: v for k, v in entry.items() if k != "stageCode"}}


def _report_reordered_ids(data: dict[str, Any], report: TranslationReport) -> None:
    for path, scheme in _PROMOTED.items():
        ids = get(data, path)
        if ids is ABSENT:
            continue
        first = next((n for n, i in enumerate(ids) if i["scheme"] == scheme), 0)
        if first:
            report.converted(
                f"{path}/{first}", None, f"the first {scheme} id is carried in its own field; reading back puts it first"
            )


# -- native -> canonical -----------------------------------------------------------------------


def to_canonical(native: dict[str, Any], options: TranslateOptions, report: TranslationReport) -> Declaration:
    # A document holding only what the rows read (any the schema takes) needs no leaf walk,
    # and its reading records no consumed path.
    whole = FIELDS.covers(native)
    if whole:
        data, consumed = ROOT.values_reader(native), set()
    else:
        data, consumed = ROOT.to_canonical(native, report)
    for lm in LISTS:
        items = lm.native_path.get(native)
        if items is ABSENT:
            continue
        out = _items_to_canonical(lm, items, None if whole else consumed)
        existing = lm.canonical_path.get(data)
        if existing is ABSENT:
            lm.canonical_path.put(data, out)
        else:
            existing.extend(out)
    if not whole:
        for path, value in unconsumed(native, consumed).items():
            report.dropped(path, None, f"no canonical field for {value!r:.60}")
    return declaration_from_data(data)


def _items_to_canonical(lm: ListMap, items: Any, consumed: set[str] | None) -> list[dict[str, Any]]:
    """Each item of a native list read by the list's table, the paths it consumed added to
    ``consumed`` (None for a document proven wholly consumed: nothing recorded)."""
    read = lm.items.values_reader if consumed is None else lm.items.canonical_reader
    out = []
    for i, item in enumerate(items):
        try:
            entry = read(item)
        except GatewayError as exc:
            raise _prefixed(exc, f"{lm.native}/{i}") from None
        if consumed is not None:
            entry, used = entry
            prefix = f"{lm.native}/{i}"
            consumed.update(f"{prefix}/{p}" for p in (*used, *lm.derived))
        out.append(entry)
    return out


# -- semantic checks a JSON Schema cannot state ---------------------------------------------------


def check_document(native: dict[str, Any]) -> None:
    """Identifier check characters, the region code list and stage names, each with the
    document path; raises :class:`InvalidIdentifier` or :class:`InvalidValue`."""
    ids: list[FieldViolation] = []
    values: list[FieldViolation] = []

    def check_id(scheme: str, value: Any, path: str) -> None:
        check = _ID_CHECKS.get(scheme)
        if check is not None and isinstance(value, str):
            try:
                check(value, path)
            except InvalidIdentifier as exc:
                ids.append(FieldViolation(path, exc.message))

    org = native.get("organization", {})
    product = native.get("product", {})
    check_id("uscc", org.get("unifiedSocialCreditCode"), "/organization/unifiedSocialCreditCode")
    check_id("gtin", product.get("gtin"), "/product/gtin")
    for scope, node in (("organization", org), ("product", product)):
        for n, ident in enumerate(node.get("otherIdentifiers", ())):
            check_id(ident.get("scheme", ""), ident.get("value"), f"/{scope}/otherIdentifiers/{n}/value")
    region = native.get("issuingRegionCode")
    if isinstance(region, str) and region not in codelists.regions():
        ids.append(FieldViolation("/issuingRegionCode", N_("{region!r} is not a GB/T 2260 province-level code", region=region)))
    for n, stage in enumerate(native.get("stageResults", ())):
        known = codelists.stages().get(stage.get("stageCode", ""))
        if known is not None and "stageName" in stage and stage["stageName"] != known.zh:
            values.append(FieldViolation(
                f"/stageResults/{n}/stageName", N_("{stagename!r} is not the name of {code!r} ({zh})", stagename=stage['stageName'], code=known.code, zh=known.zh)
            ))
    violations = ids + values
    if violations:
        cls = InvalidValue if values else InvalidIdentifier
        first = violations[0]
        raise cls(N_("{count} rule(s) broken; first: {path}: {message}", count=len(violations), path=first.path, message=first.text), path=first.path, violations=violations)
