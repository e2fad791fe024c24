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
    key: str  # the row's member in the object of its group
    native: str
    kind: str
    arg: str
    as_written: bool
    required: bool
    default: Any
    skipped_with_dqi: bool
    skipped_with_verification: bool
    empty_when_absent: bool


@dataclass(frozen=True, slots=True)
class _Group:
    """Rows in a run of the table under the same canonical object: it is looked up once."""

    prefix: tuple[str, ...]
    rows: tuple[_Row, ...]


_GROUPS: dict[str, tuple[_Group, ...]] = {}  # per profile id: its field rows, compiled once
_EMPTY: dict[str, Any] = {}  # what an absent object holds (never written)


def _groups(profile: Profile) -> tuple[_Group, ...]:
    groups = _GROUPS.get(profile.id)
    if groups is not None:
        return groups
    runs: list[tuple[tuple[str, ...], list[_Row]]] = []
    for rule in profile.fields.rules:
        kind, _, arg = rule.type.partition(":")
        if rule.canonical is None or kind == "const":
            continue
        if "[" in rule.canonical or kind not in _KNOWN:
            raise ValueError(f"{profile.id}: no reading known for the row of {rule.canonical} ({rule.type})")
        *parents, key = rule.canonical.split("/")
        prefix = tuple(parents)
        if not runs or runs[-1][0] != prefix:
            runs.append((prefix, []))
        runs[-1][1].append(_Row(key, rule.native, kind, arg, kind in _AS_WRITTEN, rule.required, rule.default,
                                rule.native.startswith(profile.dqi + "/"), rule.native.startswith(profile.verification + "/"),
                                rule.native in profile.empty_when_absent))
    _GROUPS[profile.id] = out = tuple(_Group(prefix, tuple(rows)) for prefix, rows in runs)
    return out


def _decimal_text(value: Any) -> str:
    return value if isinstance(value, str) else format(value if type(value) is Decimal else Decimal(value), "f")


def _back(row: _Row, value: Any, profile: Profile) -> Any:
    """The canonical value the reader makes of the native value the writer made of ``value``
    (a row not ``as_written``)."""
    kind = row.kind
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


def given_back(profile: Profile, view: dict[str, Any], given: Given, supplied: set[str]) -> dict[str, Any]:
    """The canonical data the PACT fields written from ``view`` (and by ``structure.write``,
    which filled ``given``) give back; no native value was laid over a field the reader reads
    (``supplied``: native paths a carried field was to set, whose rows wrote no default)."""
    back: dict[str, Any] = {}
    no_dqi, no_verification = not given.dqi_kept, not given.verification_readable
    for group in _groups(profile):
        node = _lookup(view, group.prefix)
        if not isinstance(node, dict):
            node = _EMPTY
        holder = None  # made on the first value, where the reader makes it
        for row in group.rows:
            if (row.skipped_with_dqi and no_dqi) or (row.skipped_with_verification and no_verification):
                continue
            value = node.get(row.key, ABSENT)
            if value is ABSENT:
                if not row.required or row.native in supplied:
                    continue
                value = _default_back(row, profile)  # to_native wrote the default (or refused)
            elif row.empty_when_absent and value == "":
                continue  # the reader takes an empty text there for no value
            elif not row.as_written:
                value = _back(row, value, profile)
            if holder is None:
                holder = _made(back, group.prefix)
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
