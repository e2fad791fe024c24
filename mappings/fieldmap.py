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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

from gateway.core.errors import MissingRequiredValue, Unrepresentable
from gateway.core.i18n import N_
from gateway.core.parsing import read_number
from gateway.core.report import TranslationReport

_SELECTOR = re.compile(r"^(?P<key>[^\[]+)\[(?P<field>[^=\]]+)=(?P<value>[^\]]+)\]$")
# What get() gives for a path the tree does not have (None is a value a document may hold).
ABSENT = object()


@dataclass(frozen=True, slots=True)
class FieldRule:
    canonical: str | None
    native: str
    type: str
    required: bool = False
    default: Any = None
    allow_default: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A rule with its paths parsed and its type split, once per table."""

    rule: FieldRule
    kind: str
    arg: str
    canonical: Path | None
    native: Path

    @classmethod
    def of(cls, rule: FieldRule) -> _Compiled:
        kind, _, arg = rule.type.partition(":")
        return cls(rule, kind, arg, compile_path(rule.canonical) if rule.canonical else None, compile_path(rule.native))


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

    @cached_property
    def _compiled(self) -> tuple[_Compiled, ...]:
        return tuple(_Compiled.of(rule) for rule in self.rules)

    @cached_property
    def _reverse_codes(self) -> dict[str, dict[str, str]]:
        return {name: {v: k for k, v in table.items()} for name, table in self.codes.items()}

    # -- canonical -> native ---------------------------------------------------------------

    def to_native(
        self,
        canonical: dict[str, Any],
        report: TranslationReport,
        *,
        allow_defaults: bool = False,
        supplied: set[str] | frozenset[str] = frozenset(),
    ) -> tuple[dict[str, Any], set[str]]:
        """Fill a native tree from canonical data; returns it and the canonical paths consumed.
        ``supplied`` are native paths the caller sets afterwards (carried native fields): a
        required row whose canonical value is absent is left to them, neither defaulted nor refused."""
        native: dict[str, Any] = {}
        consumed: set[str] = set()
        for c in self._compiled:
            rule = c.rule
            if c.kind == "const":
                c.native.put(native, rule.default)
                continue
            value = c.canonical.consume(canonical, consumed) if c.canonical else ABSENT
            if value is ABSENT:
                if rule.required and not (c.canonical and rule.native in supplied):
                    c.native.put(native, self._default(rule, allow_defaults))
                    report.defaulted(rule.canonical, rule.native, f"absent; documented default {rule.default!r} used")
                continue
            c.native.put(native, self._encode(c, value))
        return native, consumed

    def without_unknown_codes(self, view: dict[str, Any]) -> dict[str, Any]:
        """``view`` less its optional coded values this table cannot express: the callers'
        extensions carry those instead of the codec refusing them. ``view`` is left as it is;
        only the objects along a removed value's path are copied."""
        for c in self._compiled:
            if c.kind != "code" or c.rule.required or c.canonical is None:
                continue
            value = c.canonical.get(view)
            if value is not ABSENT and value not in self.codes[c.arg]:
                view = c.canonical.without(view)
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

    def _encode(self, c: _Compiled, value: Any) -> Any:
        kind = c.kind
        if kind == "number":
            return Decimal(value)
        if kind == "quantity-number":
            return Decimal(self._amount(c.rule, value, c.arg))
        if kind == "quantity-decimal":
            return self._amount(c.rule, value, c.arg)
        if kind == "code":
            table = self.codes[c.arg]
            if value not in table:
                raise Unrepresentable(
                    N_("{value!r} has no equivalent in {format_id} {native} (known: {items})", value=value, format_id=self.format_id, native=c.rule.native, items=', '.join(table)),
                    path=c.rule.canonical,
                    target=c.rule.native,
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
        for c in self._compiled:
            value = c.native.consume(native, consumed)
            if value is ABSENT or c.kind == "const" or c.canonical is None:
                continue
            c.canonical.put(canonical, self._decode(c, value))
        return canonical, consumed

    def _decode(self, c: _Compiled, value: Any) -> Any:
        kind = c.kind
        if kind in ("number", "decimal"):
            return _decimal_text(value, c.rule.native)
        if kind in ("quantity-number", "quantity-decimal"):
            return {"amount": _decimal_text(value, c.rule.native), "unit": c.arg}
        if kind == "code":
            reverse = self._reverse_codes[c.arg]
            if value not in reverse:
                raise Unrepresentable(N_("{value!r} is not a known {native} value", value=value, native=c.rule.native), path=c.rule.native)
            return reverse[value]
        return value


def _decimal_text(value: Any, native_path: str) -> str:
    if isinstance(value, str):
        # A decimal carried as a string meets the number bounds before any arithmetic.
        read_number(value, "/" + native_path, ijson=False)
        return value
    return format(Decimal(value), "f")


# -- paths ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One path segment: a member ``key``, or with ``field`` the item of the list at ``key``
    whose ``field`` equals ``value``. ``text`` is the segment as written (a last segment is
    always a plain member)."""

    text: str
    key: str
    field: str | None = None
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Path:
    """A ``/``-separated path parsed into steps: walked without parsing, one walk per use."""

    text: str
    steps: tuple[Step, ...]
    selective: bool  # some step selects a list item, so the concrete path depends on the tree

    def get(self, tree: Any) -> Any:
        """The value at this path or the ``ABSENT`` marker."""
        node = tree
        for step in self.steps:
            if step.field is None:
                if not isinstance(node, dict) or step.key not in node:
                    return ABSENT
                node = node[step.key]
            else:
                items = node.get(step.key) if isinstance(node, dict) else None
                if not isinstance(items, list):
                    return ABSENT
                node = next((i for i in items if isinstance(i, dict) and i.get(step.field) == step.value), ABSENT)
                if node is ABSENT:
                    return ABSENT
        return node

    def consume(self, tree: Any, consumed: set[str]) -> Any:
        """:meth:`get`, adding to ``consumed`` the concrete paths the value takes when found:
        the path with selectors replaced by list indices (``ids/0/value``), plus the selector
        fields themselves (``ids/0/scheme``)."""
        if not self.selective:
            value = self.get(tree)
            if value is not ABSENT:
                consumed.add(self.text)
            return value
        found = self.locate(tree)
        if found is None:
            return ABSENT
        value, paths = found
        consumed.update(paths)
        return value

    def locate(self, tree: Any) -> tuple[Any, list[str]] | None:
        """The value and the concrete paths it takes (see :meth:`consume`), or None when absent."""
        out: list[str] = []
        selectors: list[str] = []
        node = tree
        for step in self.steps:
            if step.field is None:
                if not isinstance(node, dict) or step.key not in node:
                    return None
                out.append(step.key)
                node = node[step.key]
                continue
            items = node.get(step.key) if isinstance(node, dict) else None
            if not isinstance(items, list):
                return None
            index = next((n for n, i in enumerate(items) if isinstance(i, dict) and i.get(step.field) == step.value), None)
            if index is None:
                return None
            out += [step.key, str(index)]
            selectors.append("/".join(out + [step.field]))
            node = items[index]
        return node, ["/".join(out), *selectors]

    def without(self, tree: dict[str, Any]) -> dict[str, Any]:
        """A copy of ``tree`` less the member at this path (which is present): the objects and
        lists along the path are new, everything else is shared."""
        return _without(tree, self.steps)

    def put(self, tree: dict[str, Any], value: Any) -> None:
        node = tree
        for step in self.steps[:-1]:
            if step.field is None:
                node = node.setdefault(step.key, {})
                continue
            items = node.setdefault(step.key, [])
            found = next((i for i in items if i.get(step.field) == step.value), None)
            if found is None:
                found = {step.field: step.value}
                items.append(found)
            node = found
        node[self.steps[-1].text] = value


def _without(node: dict[str, Any], steps: tuple[Step, ...]) -> dict[str, Any]:
    step, rest = steps[0], steps[1:]
    out = dict(node)
    if not rest:
        out.pop(step.text, None)
    elif step.field is None:
        out[step.key] = _without(node[step.key], rest)
    else:
        items = list(node[step.key])
        index = next(n for n, i in enumerate(items) if isinstance(i, dict) and i.get(step.field) == step.value)
        items[index] = _without(items[index], rest)
        out[step.key] = items
    return out


def _step(segment: str) -> Step:
    m = _SELECTOR.match(segment)
    return Step(segment, m["key"], m["field"], m["value"]) if m else Step(segment, segment)


@lru_cache(maxsize=4096)
def compile_path(path: str) -> Path:
    """``path`` parsed once: the tables' paths are compiled with them; paths built from data
    (merge-patch leaves) go through a bounded cache."""
    steps = tuple(_step(s) for s in path.split("/") if s)
    # The last segment of a put is a plain member; of a walk, a selector like any other.
    return Path("/".join(s.text for s in steps), steps, any(s.field is not None for s in steps))


def get(tree: Any, path: str) -> Any:
    """The value at ``path`` or the ``ABSENT`` marker."""
    return compile_path(path).get(tree)


def resolve(tree: Any, path: str) -> list[str]:
    """The concrete paths a rule on ``path`` consumes in ``tree`` (see :meth:`Path.consume`);
    the path must be present."""
    found = compile_path(path).locate(tree)
    if found is None:
        raise KeyError(path)
    return found[1]


def put(tree: dict[str, Any], path: str, value: Any) -> None:
    compile_path(path).put(tree, value)


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


# -- what no rule consumed -----------------------------------------------------------------


def unconsumed(tree: dict[str, Any], consumed: set[str]) -> dict[str, Any]:
    """The leaves of ``tree`` no consumed path covers, as ``{path: value}``, in tree order.

    One walk: each member's path is built once from its parent's and looked up once; a
    covered member is skipped whole, so its leaves are never visited."""
    out: dict[str, Any] = {}
    if isinstance(tree, dict):
        _uncovered(tree, "", consumed, out)
    else:
        _uncovered_by_text(tree, "", consumed, out)
    return out


def _uncovered(node: dict[str, Any] | list[Any], prefix: str, consumed: set[str], out: dict[str, Any]) -> None:
    if isinstance(node, dict):
        members: Iterable[tuple[Any, Any]] = node.items()
    else:
        members = enumerate(node)
    listed = isinstance(node, list)
    for key, value in members:
        path = f"{prefix}/{key}" if prefix or listed else key
        if not listed and not (isinstance(key, str) and key and "/" not in key):
            # A member whose name is empty or holds "/" is not one segment of a path.
            _uncovered_by_text(value, path, consumed, out)
        elif path in consumed:
            continue
        elif isinstance(value, (dict, list)):
            _uncovered(value, path, consumed, out)
        else:
            out[path] = value


def _uncovered_by_text(tree: Any, prefix: str, consumed: set[str], out: dict[str, Any]) -> None:
    for path, value in leaves(tree, prefix):
        parts = path.split("/")
        if not any("/".join(parts[:n]) in consumed for n in range(1, len(parts) + 1)):
            out[path] = value
