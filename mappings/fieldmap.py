"""Field tables as data: the declarative part of every mapping.

A format's ``fields.toml`` lists rows ``{canonical, native, type, required, default,
allow_default, note}``. Both directions are interpreted from the same rows, the docs' mapping
tables are generated from them, and whatever a row does not consume is found mechanically
(``unconsumed``), so nothing is lost silently: the mapping either carries it in an extension
or reports it as dropped.

Paths are ``/``-separated keys into the canonical *data* form (``gateway.core.model.serde``)
and into the native JSON-like tree. A segment ``key[field=value]`` selects the list item
whose ``field`` equals ``value`` (``organisation/ids[scheme=uscc]/value``).

Types: ``string``, ``integer``, ``boolean``, ``datetime``, ``date``, ``strings`` (a list of
strings), ``number`` (canonical decimal text <-> JSON number as ``Decimal``), ``decimal``
(decimal text on both sides), ``quantity-number:UNIT`` / ``quantity-decimal:UNIT``
(canonical ``{amount, unit}`` <-> a bare number or decimal text), ``code:LIST`` (via the
``[codes.LIST]`` table of the same file), ``const`` (a fixed native value, ``default``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from decimal import Decimal
from importlib import resources
from typing import Any

from gateway.core.errors import MissingRequiredValue, Unrepresentable
from gateway.core.i18n import N_
from gateway.core.parsing import read_number
from gateway.core.report import TranslationReport

_SELECTOR = re.compile(r"^(?P<key>[^\[]+)\[(?P<field>[^=\]]+)=(?P<value>[^\]]+)\]$")
_MISSING = object()


@dataclass(frozen=True, slots=True)
class FieldRule:
    canonical: str | None
    native: str
    type: str
    required: bool = False
    default: Any = None
    allow_default: bool = False
    note: str = ""


@dataclass(frozen=True)
class FieldMap:
    format_id: str
    rules: tuple[FieldRule, ...]
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, package: str, name: str = "fields.toml") -> FieldMap:
        data = tomllib.loads(resources.files(package).joinpath(name).read_text("utf-8"))
        # An empty canonical path marks a native value derived in code (documented, not mapped).
        rules = tuple(FieldRule(**{**row, "canonical": row.get("canonical") or None}) for row in data.get("field", ()))
        return cls(data["format"], rules, data.get("codes", {}), data.get("notes", {}))

    # -- canonical -> native ---------------------------------------------------------------

    def to_native(
        self,
        canonical: dict[str, Any],
        report: TranslationReport,
        *,
        allow_defaults: bool = False,
    ) -> tuple[dict[str, Any], set[str]]:
        """Fill a native tree from canonical data; returns it and the canonical paths consumed."""
        native: dict[str, Any] = {}
        consumed: set[str] = set()
        for rule in self.rules:
            if rule.type == "const":
                put(native, rule.native, rule.default)
                continue
            value = get(canonical, rule.canonical) if rule.canonical else _MISSING
            if value is _MISSING:
                if rule.required:
                    put(native, rule.native, self._default(rule, allow_defaults))
                    report.defaulted(rule.canonical, rule.native, f"absent; documented default {rule.default!r} used")
                continue
            consumed.update(resolve(canonical, rule.canonical))
            put(native, rule.native, self._encode(rule, value))
        return native, consumed

    def without_unknown_codes(self, view: dict[str, Any]) -> dict[str, Any]:
        """``view`` less its optional coded values this table cannot express (in place): the
        callers' extensions carry those instead of the codec refusing them."""
        for rule in self.rules:
            kind, _, table = rule.type.partition(":")
            if kind != "code" or rule.required or not rule.canonical:
                continue
            value = get(view, rule.canonical)
            if value is not _MISSING and value not in self.codes[table]:
                parent, _, key = rule.canonical.rpartition("/")
                (get(view, parent) if parent else view).pop(key, None)
        return view

    def _default(self, rule: FieldRule, allow_defaults: bool) -> Any:
        if rule.default is None or (not rule.allow_default and not allow_defaults):
            raise MissingRequiredValue(
                N_("{format} requires {native}, but the declaration has no {canonical} (documented default {default!r}"
                   " needs --allow-defaults)", format=self.format_id, native=rule.native, canonical=rule.canonical,
                   default=rule.default) if rule.default is not None else
                N_("{format} requires {native}, but the declaration has no {canonical}",
                   format=self.format_id, native=rule.native, canonical=rule.canonical),
                path=rule.canonical,
                target=rule.native,
            )
        return rule.default

    def _encode(self, rule: FieldRule, value: Any) -> Any:
        kind, _, arg = rule.type.partition(":")
        if kind == "number":
            return Decimal(value)
        if kind == "quantity-number":
            return Decimal(self._amount(rule, value, arg))
        if kind == "quantity-decimal":
            return self._amount(rule, value, arg)
        if kind == "code":
            table = self.codes[arg]
            if value not in table:
                raise Unrepresentable(
                    N_("{value!r} has no equivalent in {format_id} {native} (known: {items})", value=value, format_id=self.format_id, native=rule.native, items=', '.join(table)),
                    path=rule.canonical,
                    target=rule.native,
                )
            return table[value]
        return value

    def _amount(self, rule: FieldRule, value: dict[str, str], unit: str) -> str:
        if value.get("unit") != unit:
            raise Unrepresentable(
                N_("{canonical} is in {value!r}; {format_id} {native} needs {unit!r}", canonical=rule.canonical, value=value.get('unit'), format_id=self.format_id, native=rule.native, unit=unit),
                path=rule.canonical,
            )
        return value["amount"]

    # -- native -> canonical ---------------------------------------------------------------

    def to_canonical(self, native: dict[str, Any], report: TranslationReport) -> tuple[dict[str, Any], set[str]]:
        """Fill canonical data from a native tree; returns it and the native paths consumed."""
        canonical: dict[str, Any] = {}
        consumed: set[str] = set()
        for rule in self.rules:
            value = get(native, rule.native)
            if value is _MISSING:
                continue
            consumed.update(resolve(native, rule.native))
            if rule.type == "const" or rule.canonical is None:
                continue
            put(canonical, rule.canonical, self._decode(rule, value))
        return canonical, consumed

    def _decode(self, rule: FieldRule, value: Any) -> Any:
        kind, _, arg = rule.type.partition(":")
        if kind in ("number", "decimal"):
            return _decimal_text(value, rule.native)
        if kind in ("quantity-number", "quantity-decimal"):
            return {"amount": _decimal_text(value, rule.native), "unit": arg}
        if kind == "code":
            reverse = {v: k for k, v in self.codes[arg].items()}
            if value not in reverse:
                raise Unrepresentable(N_("{value!r} is not a known {native} value", value=value, native=rule.native), path=rule.native)
            return reverse[value]
        return value


def _decimal_text(value: Any, native_path: str) -> str:
    if isinstance(value, str):
        # A decimal carried as a string meets the number bounds before any arithmetic.
        read_number(value, "/" + native_path, ijson=False)
        return value
    return format(Decimal(value), "f")


# -- paths ---------------------------------------------------------------------------------


@cache
def _segments(path: str) -> tuple[str, ...]:
    # Paths come from the finite field tables, so caching the split is bounded.
    return tuple(s for s in path.split("/") if s)


def get(tree: Any, path: str) -> Any:
    """The value at ``path`` or the ``_MISSING`` marker."""
    node = tree
    for seg in _segments(path):
        m = _SELECTOR.match(seg)
        if m:
            items = node.get(m["key"]) if isinstance(node, dict) else None
            if not isinstance(items, list):
                return _MISSING
            node = next((i for i in items if isinstance(i, dict) and i.get(m["field"]) == m["value"]), _MISSING)
        elif isinstance(node, dict) and seg in node:
            node = node[seg]
        else:
            return _MISSING
        if node is _MISSING:
            return _MISSING
    return node


def resolve(tree: Any, path: str) -> list[str]:
    """``path`` with selectors replaced by list indices (``ids/0/value``), plus the selector
    fields themselves (``ids/0/scheme``): the concrete paths a rule consumes."""
    out: list[str] = []
    selectors: list[str] = []
    node = tree
    for seg in _segments(path):
        m = _SELECTOR.match(seg)
        if m:
            items = node[m["key"]]
            index = next(n for n, i in enumerate(items) if isinstance(i, dict) and i.get(m["field"]) == m["value"])
            out += [m["key"], str(index)]
            selectors.append("/".join(out + [m["field"]]))
            node = items[index]
        else:
            out.append(seg)
            node = node[seg]
    return ["/".join(out), *selectors]


def put(tree: dict[str, Any], path: str, value: Any) -> None:
    segs = _segments(path)
    node = tree
    for seg in segs[:-1]:
        m = _SELECTOR.match(seg)
        if m:
            items = node.setdefault(m["key"], [])
            found = next((i for i in items if i.get(m["field"]) == m["value"]), None)
            if found is None:
                found = {m["field"]: m["value"]}
                items.append(found)
            node = found
        else:
            node = node.setdefault(seg, {})
    node[segs[-1]] = value


def leaves(tree: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf path and value (lists are walked by index)."""
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield from leaves(v, f"{prefix}/{k}" if prefix else k)
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            yield from leaves(v, f"{prefix}/{i}")
    else:
        yield prefix, tree


def unconsumed(tree: dict[str, Any], consumed: set[str]) -> dict[str, Any]:
    """The leaves of ``tree`` no consumed path covers, as ``{path: value}``; one set lookup
    per path level, so linear in the leaves rather than leaves x consumed paths."""
    out = {}
    for path, value in leaves(tree):
        parts = path.split("/")
        if not any("/".join(parts[:n]) in consumed for n in range(1, len(parts) + 1)):
            out[path] = value
    return out
