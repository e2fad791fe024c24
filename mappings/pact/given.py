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


@dataclass(slots=True)  # one made and filled per document
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


_ROWS: dict[str, Any] = {}  # per profile id: its field rows' reading, generated once
_EMPTY: dict[str, Any] = {}  # what an absent object holds (never written)


def _groups(profile: Profile) -> tuple[_Group, ...]:
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
    return tuple(_Group(prefix, tuple(rows)) for prefix, rows in runs)


def _decimal_text(value: Any) -> str:
    return value if isinstance(value, str) else format(value if type(value) is Decimal else Decimal(value), "f")


def _rows_reader(profile: Profile) -> Any:
    """The rows' part of :func:`given_back` as one generated function of (view, no_dqi,
    no_verification, supplied): per row what interpreting it did (the same members in the same
    order), with its key, conversion and default written in, where the loop looked each up per
    row per document. Each group of rows under one canonical object looks that object up once and
    makes it in ``back`` on its first value, where the reader makes it."""
    reader = _ROWS.get(profile.id)
    if reader is not None:
        return reader
    env: dict[str, Any] = {"_A": ABSENT, "_E": _EMPTY, "_D": Decimal, "_dt": _decimal_text}
    lines = ["def rows(view, no_dqi, no_verification, supplied):", "    back = {}"]
    for group in _groups(profile):
        lines.append("    n = view")
        for key in group.prefix:
            lines.append(f"    n = n.get({key!r}, _A) if isinstance(n, dict) else _A")
        lines += ["    if not isinstance(n, dict):", "        n = _E", "    h = None"]
        made = "back" + "".join(f".setdefault({key!r}, {{}})" for key in group.prefix)
        for row in group.rows:
            lines += [f"    {line}" for line in _row_lines(profile, row, made, env)]
    lines.append("    return back")
    exec(compile("\n".join(lines), f"<given back {profile.id}>", "exec"), env)  # noqa: S102 - source generated from the field table
    reader = _ROWS[profile.id] = env["rows"]
    return reader


def _row_lines(profile: Profile, row: _Row, made: str, env: dict[str, Any]) -> list[str]:
    """One row: its value looked up, taken back as the reader takes it, put in its object."""
    branches = []  # (test, what it makes of v), one if/elif chain
    default = _default_back(profile, row, env) if row.required else None
    if default is not None:
        # to_native wrote the default (or refused); a required row without one refused already
        branches.append(("v is _A", f"v = {default} if {row.native!r} not in supplied else _A"))
    if row.empty_when_absent:
        branches.append(('v == ""', "v = _A  # the reader takes an empty text there for no value"))
    if not row.as_written:
        branches.append(("v is not _A", f"v = {_conversion(profile, row, env)}"))
    out = [f"v = n.get({row.key!r}, _A)"]
    for n, (test, action) in enumerate(branches):
        out += [f"{'elif' if n else 'if'} {test}:", f"    {action}"]
    out += ["if v is not _A:", "    if h is None:", f"        h = {made}", f"    h[{row.key!r}] = v"]
    skips = [flag for flag, on in (("no_dqi", row.skipped_with_dqi), ("no_verification", row.skipped_with_verification)) if on]
    if skips:
        out = [f"if not ({' or '.join(skips)}):", *(f"    {line}" for line in out)]
    return out


def _conversion(profile: Profile, row: _Row, env: dict[str, Any]) -> str:
    """The expression of ``v`` the reader makes of the native value the writer made of ``v``
    (a row not ``as_written``)."""
    kind, arg = row.kind, row.arg
    if kind == "number":
        return "format(_D(v), 'f')"
    if kind == "quantity-decimal":
        return f"{{'amount': _dt(v['amount']), 'unit': {arg!r}}}"
    if kind == "quantity-number":
        return f"{{'amount': format(_D(v['amount']), 'f'), 'unit': {arg!r}}}"
    env[f"_codes_{arg}"], env[f"_reverse_{arg}"] = profile.codes[arg], profile.reverse_codes[arg]
    return f"_reverse_{arg}[_codes_{arg}[v]]"  # a code


def _default_back(profile: Profile, row: _Row, env: dict[str, Any]) -> str | None:
    """The expression of the canonical value the reader makes of a row's documented default
    (a quantity a new object each time: the units' reading changes it in place); None without one."""
    kind, default = row.kind, row.default
    if default is None:
        return None
    if kind in ("number", "decimal"):
        return repr(_decimal_text(default))
    if kind in ("quantity-number", "quantity-decimal"):
        return repr({"amount": _decimal_text(default), "unit": row.arg})
    if kind == "code":
        return repr(profile.reverse_codes[row.arg][default])
    name = f"_default_{len(env)}"  # a name of its own (keys repeat under other objects)
    env[name] = default  # the default itself, as the table holds it
    return name


def given_back(profile: Profile, view: dict[str, Any], given: Given, supplied: set[str]) -> dict[str, Any]:
    """The canonical data the PACT fields written from ``view`` (and by ``structure.write``,
    which filled ``given``) give back; no native value was laid over a field the reader reads
    (``supplied``: native paths a carried field was to set, whose rows wrote no default)."""
    back: dict[str, Any] = _rows_reader(profile)(view, not given.dqi_kept, not given.verification_readable, supplied)
    _structural(back, given)
    units.from_pact(profile, back)
    return back


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
