"""What the PACT fields of a document the writer made give back, known as it writes them.

Our extension carries whatever the PACT fields alone would not give back (:mod:`carry`). The
writer does not read its document again to find out: for each value it writes it knows what
the reader makes of it, from the same tables and rules the reader applies. A row's type says
how its value comes back (a ``number`` as its plain decimal text, a code through the table's
reverse, a quantity as ``{amount, unit}``); a value the reader leaves out comes back as nothing
(a dqi the writer left out incomplete, a verification the reader cannot take, an empty text of
``empty_when_absent``); the structural values come back as :mod:`structure`'s readers take the
values written (names by script, URNs by their prefixes); the units come back through
:func:`units.from_pact`. The result is the canonical data :func:`mapping.native_to_data` would
read from those fields, member for member and in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mappings.fieldmap import ABSENT
from mappings.pact import units
from mappings.pact.profile import Profile

# Row types whose value the reader gives back as the writer wrote it (the same text or object).
_UNSEEN = object()
_AS_WRITTEN = frozenset({"string", "integer", "boolean", "datetime", "date", "strings", "decimal"})
_KNOWN = _AS_WRITTEN | {"number", "quantity-decimal", "quantity-number", "code"}


@dataclass
class Given:
    """The structural values :func:`mappings.pact.structure.write` wrote, as the reader takes
    them back (each ``None`` or empty when the reader takes nothing), and what it left out."""

    company_name: Any = None
    product_name: Any = None
    description: Any = None
    company_ids: list[dict[str, str]] = field(default_factory=list)
    product_ids: list[dict[str, str]] = field(default_factory=list)
    classifications: list[dict[str, str]] = field(default_factory=list)
    preceding_ids: list[str] = field(default_factory=list)
    gwp_set: str | None = None
    standards: list[str] = field(default_factory=list)
    product_rules: list[dict[str, str]] = field(default_factory=list)
    geography: str | None = None
    factor_sources: list[dict[str, str]] = field(default_factory=list)
    verification_date: str | None = None
    dqi_kept: bool = True
    verification_readable: bool = False


@dataclass(frozen=True, slots=True)
class _Row:
    prefix: tuple[str, ...]  # the canonical path of the row's object
    key: str  # the row's member in it
    kind: str
    arg: str
    required: bool
    default: Any
    skipped_with_dqi: bool
    skipped_with_verification: bool
    empty_when_absent: bool


_ROWS: dict[str, tuple[_Row, ...]] = {}  # per profile id: its field rows, compiled once


def _rows(profile: Profile) -> tuple[_Row, ...]:
    rows = _ROWS.get(profile.id)
    if rows is not None:
        return rows
    rows = []
    for rule in profile.fields.rules:
        kind, _, arg = rule.type.partition(":")
        if rule.canonical is None or kind == "const":
            continue
        if "[" in rule.canonical or kind not in _KNOWN:
            raise ValueError(f"{profile.id}: no reading known for the row of {rule.canonical} ({rule.type})")
        *prefix, key = rule.canonical.split("/")
        rows.append(_Row(tuple(prefix), key, kind, arg, rule.required, rule.default,
                         rule.native.startswith(profile.dqi + "/"), rule.native.startswith(profile.verification + "/"),
                         rule.native in profile.empty_when_absent))
    _ROWS[profile.id] = out = tuple(rows)
    return out


def _decimal_text(value: Any) -> str:
    return value if isinstance(value, str) else format(value if type(value) is Decimal else Decimal(value), "f")


def _back(row: _Row, value: Any, profile: Profile) -> Any:
    """The canonical value the reader makes of the native value the writer made of ``value``."""
    kind = row.kind
    if kind in _AS_WRITTEN:
        return value
    if kind == "number":
        return format(Decimal(value), "f")
    if kind == "quantity-decimal":
        return {"amount": _decimal_text(value["amount"]), "unit": row.arg}
    if kind == "quantity-number":
        return {"amount": format(Decimal(value["amount"]), "f"), "unit": row.arg}
    return profile.reverse_codes[row.arg][profile.codes[row.arg][value]]  # a code


def _default_back(row: _Row, profile: Profile) -> Any:
    """The canonical value the reader makes of a required row's documented default."""
    kind, default = row.kind, row.default
    if kind in ("number", "decimal"):
        return _decimal_text(default)
    if kind in ("quantity-number", "quantity-decimal"):
        return {"amount": _decimal_text(default), "unit": row.arg}
    if kind == "code":
        return profile.reverse_codes[row.arg][default]
    return default


def given_back(profile: Profile, view: dict[str, Any], given: Given) -> dict[str, Any]:
    """The canonical data the PACT fields written from ``view`` (and by ``structure.write``,
    which filled ``given``) give back; no native values were laid over them."""
    back: dict[str, Any] = {}
    # The object at each path prefix, looked up (in ``view``) or made (in ``back``) once.
    found: dict[tuple[str, ...], Any] = {(): view}
    made: dict[tuple[str, ...], dict[str, Any]] = {(): back}
    for row in _rows(profile):
        if (row.skipped_with_dqi and not given.dqi_kept) or (row.skipped_with_verification and not given.verification_readable):
            continue
        node = found.get(row.prefix, _UNSEEN)
        if node is _UNSEEN:
            node = found[row.prefix] = _lookup(view, row.prefix)
        node = node.get(row.key, ABSENT) if isinstance(node, dict) else ABSENT
        if node is ABSENT:
            if not row.required:
                continue
            value = _default_back(row, profile)  # to_native wrote the default (or refused)
        elif row.empty_when_absent and node == "":
            continue  # the reader takes an empty text there for no value
        else:
            value = _back(row, node, profile)
        holder = made.get(row.prefix)
        if holder is None:
            holder = made[row.prefix] = _made(back, row.prefix)
        holder[row.key] = value
    _structural(back, given)
    units.from_pact(profile, back)
    return back


def _lookup(tree: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        tree = tree.get(key, ABSENT) if isinstance(tree, dict) else ABSENT
    return tree


def _made(tree: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    for key in keys:
        tree = tree.setdefault(key, {})
    return tree


def _structural(back: dict[str, Any], given: Given) -> None:
    """``given`` laid into ``back`` as :func:`mappings.pact.structure.read` fills it, in its order."""
    org = back.setdefault("organisation", {})
    product = back.setdefault("product", {})
    if given.company_name is not None:
        org["name"] = given.company_name
    if given.product_name is not None:
        product["name"] = given.product_name
    if given.description is not None:
        product["description"] = given.description
    if given.company_ids:
        org["ids"] = given.company_ids
    if given.product_ids:
        product["ids"] = given.product_ids
    if given.classifications:
        product["classifications"] = given.classifications
    if given.preceding_ids:
        back["preceding_ids"] = given.preceding_ids
    method = back.setdefault("method", {})
    if given.gwp_set is not None:
        method.setdefault("gwp_set", given.gwp_set)
    if given.standards:
        method["standards"] = given.standards
    if given.product_rules:
        method["product_rules"] = given.product_rules
    if given.geography is not None:
        method["geography"] = given.geography
    if given.factor_sources:
        back.setdefault("data_quality", {})["factor_sources"] = given.factor_sources
    if given.verification_date is not None and back.get("verification") is not None:
        back["verification"]["date"] = given.verification_date
    for section in ("method", "data_quality"):
        if not back.get(section):
            back.pop(section, None)
