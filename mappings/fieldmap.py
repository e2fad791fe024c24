"""Field tables as data: the declarative part of every mapping.

A format's ``fields.toml`` lists rows ``{canonical, native, type, required, default,
allow_default, note}``. Both directions come from the same rows (each generated once into a
straight-line function, :mod:`mappings.fieldcode`), the docs' mapping tables are generated
from them, and whatever a row does not consume is found mechanically (``unconsumed``), so
nothing is lost silently: the mapping either carries it in an extension or reports it as dropped.

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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

from gateway.core.errors import MissingRequiredValue, Unrepresentable
from gateway.core.i18n import N_
from gateway.core.parsing import MAX_DECIMAL_EXPONENT, MAX_NUMBER_CHARS, MAX_SIGNIFICANT_DIGITS, read_number
from gateway.core.report import TranslationReport
from mappings import fieldcode

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

    @cached_property
    def _generated(self) -> dict[str, Any]:
        """What the generated functions of :mod:`mappings.fieldcode` call, and then the functions."""
        env: dict[str, Any] = {
            "_dt": _decimal_text, "_D": Decimal, "_codes": self.codes, "_rcodes": self._reverse_codes,
            "_amount": self._amount, "_default": self._default, "_bad_code": self._unknown_code,
            "_bad_native_code": _unknown_native_code, "_A": ABSENT, "_select": fieldcode.select,
        }
        fieldcode.to_canonical(self._compiled, env)
        fieldcode.to_native(self._compiled, env)
        return env

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
        return self._generated["to_native"](canonical, report, allow_defaults, supplied)  # type: ignore[no-any-return]

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

    def _unknown_code(self, rule: FieldRule, table: dict[str, str], value: Any) -> None:
        raise Unrepresentable(
            N_("{value!r} has no equivalent in {format_id} {native} (known: {items})", value=value, format_id=self.format_id, native=rule.native, items=', '.join(table)),
            path=rule.canonical,
            target=rule.native,
        )

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
        return self._generated["to_canonical"](native)  # type: ignore[no-any-return]

    @property
    def canonical_reader(self) -> Callable[[Any], tuple[dict[str, Any], set[str]]]:
        """:meth:`to_canonical` as the generated function itself (no report: reading reports
        nothing), for a caller reading many items with one table."""
        return self._generated["to_canonical"]  # type: ignore[no-any-return]

    @cached_property
    def values_reader(self) -> Callable[[Any], dict[str, Any]]:
        """:meth:`to_canonical`'s canonical data alone, recording no consumed path: for a tree
        :meth:`covers` has proven wholly consumed."""
        return fieldcode.to_canonical(self._compiled, self._generated, record=False)

    @cached_property
    def _covered(self) -> Any:
        return fieldcode.covered(rule.native for rule in self.rules)

    def covers(self, native: Any) -> bool:
        """Whether reading ``native`` by every row consumes each of its leaves, decided from the
        tree's shape in one pass over its objects (no leaf paths): True means ``unconsumed`` of
        what the rows consumed is empty; False is a doubt, for ``unconsumed`` to settle. A row
        whose native path has a segment ``key[]`` reads every item of that list (as the cn-jjj
        mapping applies them); a table selecting list items by a field always doubts."""
        check = self._covered
        return check is not None and check(native)


def _unknown_native_code(rule: FieldRule, value: Any) -> None:
    raise Unrepresentable(N_("{value!r} is not a known {native} value", value=value, native=rule.native), path=rule.native)


# A decimal text this short with no exponent meets the number bounds by its length alone: it
# has no more significant digits than characters, and the decimal exponent of its leading digit
# is no further from zero than its length. Only whether it is a finite number is left to ask.
_SHORT_DECIMAL = min(MAX_SIGNIFICANT_DIGITS, MAX_DECIMAL_EXPONENT, MAX_NUMBER_CHARS)


def _decimal_text(value: Any, native_path: str) -> str:
    if isinstance(value, str):
        # A decimal carried as a string meets the number bounds before any arithmetic.
        if not (len(value) <= _SHORT_DECIMAL and "e" not in value and "E" not in value and _finite(value)):
            read_number(value, "/" + native_path, ijson=False)
        return value
    return format(value if type(value) is Decimal else Decimal(value), "f")


def _finite(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


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

    def locate(self, tree: Any) -> tuple[Any, list[str]] | None:
        """The value and the concrete paths a row reading it consumes, or None when absent: the
        path with selectors replaced by list indices (``ids/0/value``), plus the selector fields
        themselves (``ids/0/scheme``)."""
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
    """The concrete paths a rule on ``path`` consumes in ``tree`` (see :meth:`Path.locate`);
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

    One walk: each member's path is its parent's with one segment added, looked up once; a
    covered member is skipped whole, so its leaves are never visited."""
    out: dict[str, Any] = {}
    if isinstance(tree, dict):
        _uncovered_members(tree, "", consumed, out)
    else:
        _uncovered_by_text(tree, "", consumed, out)
    return out


def _uncovered_members(node: dict[Any, Any], head: str, consumed: set[str], out: dict[str, Any]) -> None:
    """``head`` is the object's path and "/" ("" for the root)."""
    for key, value in node.items():
        if not (type(key) is str and key and "/" not in key):
            # A member whose name is empty or holds "/" is not one segment of a path (any
            # other name not plainly a str is walked by its text too, to the same leaves).
            _uncovered_by_text(value, f"{head}{key}" if head else key, consumed, out)
            continue
        path = head + key
        if path in consumed:
            continue
        if type(value) is str:  # most leaves: one test, not two
            out[path] = value
        elif isinstance(value, dict):
            _uncovered_members(value, path + "/", consumed, out)
        elif isinstance(value, list):
            _uncovered_items(value, path, consumed, out)
        else:
            out[path] = value


def _uncovered_items(items: list[Any], prefix: str, consumed: set[str], out: dict[str, Any]) -> None:
    for index, value in enumerate(items):
        path = f"{prefix}/{index}"
        if path in consumed:
            continue
        if type(value) is str:
            out[path] = value
        elif isinstance(value, dict):
            _uncovered_members(value, path + "/", consumed, out)
        elif isinstance(value, list):
            _uncovered_items(value, path, consumed, out)
        else:
            out[path] = value


def _uncovered_by_text(tree: Any, prefix: str, consumed: set[str], out: dict[str, Any]) -> None:
    for path, value in leaves(tree, prefix):
        parts = path.split("/")
        if not any("/".join(parts[:n]) in consumed for n in range(1, len(parts) + 1)):
            out[path] = value
