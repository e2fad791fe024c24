"""ListFootprints filters: the v3 query criteria and the v2.3 ``$filter`` subset.

v3: each criterion may repeat (OR within a criterion), criteria combine with AND, values match
case-insensitively. The validity period is ``validityPeriodStart``/``End``, else the
reference period end and three years after it (Tech Specs v3 "validity period").
v2.3: ``$filter`` as Tech Specs v2 §6.6 requires of a host that offers it: comparisons
``path eq|lt|le|gt|ge 'literal'`` on (slash-separated) properties, ``ids/any(x:(x eq 'v'))``
on arrays, joined by ``and``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ...core.errors import InvalidRequest
from ...core.i18n import N_

V3_CRITERIA = ("productId", "companyId", "geography", "classification", "validOn", "validAfter", "validBefore", "status")
_DATE_CRITERIA = ("validOn", "validAfter", "validBefore")
MAX_VALUES = 100


def parse_time(text: str, where: str) -> datetime:
    """An RFC 3339 date-time (or a date) as aware UTC; a clear error naming ``where`` else."""
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InvalidRequest(N_("{where}: {text!r} is not an RFC 3339 date-time", where=where, text=text), path=where) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def validity(document: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    """A footprint's validity period as the spec determines it."""
    start, end = document.get("validityPeriodStart"), document.get("validityPeriodEnd")
    if start and end:
        return parse_time(start, "validityPeriodStart"), parse_time(end, "validityPeriodEnd")
    reference_end = document.get("pcf", {}).get("referencePeriodEnd")
    if not reference_end:
        return None, None
    moment = parse_time(reference_end, "pcf.referencePeriodEnd")
    return (parse_time(start, "validityPeriodStart") if start else moment,
            parse_time(end, "validityPeriodEnd") if end else _add_years(moment, 3))


@dataclass(frozen=True)
class V3Filter:
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    times: dict[str, datetime] = field(default_factory=dict)

    @classmethod
    def from_query(cls, items: list[tuple[str, str]]) -> V3Filter:
        """Criteria from the query (``limit`` and ``x-`` parameters are not criteria)."""
        values: dict[str, list[str]] = {}
        by_lower = {c.lower(): c for c in V3_CRITERIA}
        for name, value in items:
            if name == "limit" or name.lower().startswith("x-"):
                continue
            criterion = by_lower.get(name.lower())
            if criterion is None:
                raise InvalidRequest(N_("unknown filter parameter {name!r} (v3 filters: {items})", name=name, items=', '.join(V3_CRITERIA)),
                                     path=name)
            values.setdefault(criterion, []).append(value)
        times: dict[str, datetime] = {}
        for criterion in _DATE_CRITERIA:
            given = values.pop(criterion, [])
            if len(given) > 1:
                raise InvalidRequest(N_("{criterion} may be given once", criterion=criterion), path=criterion)
            if given:
                times[criterion] = parse_time(given[0], criterion)
        for criterion, given in values.items():
            if len(given) > MAX_VALUES:
                raise InvalidRequest(N_("{criterion}: at most {max_values} values", criterion=criterion, max_values=MAX_VALUES), path=criterion)
        return cls({k: tuple(v.lower() for v in vs) for k, vs in values.items()}, times)

    def matches(self, document: dict[str, Any]) -> bool:
        pcf = document.get("pcf", {})
        fields: dict[str, list[str]] = {
            "productId": document.get("productIds", []),
            "companyId": document.get("companyIds", []),
            "classification": document.get("productClassifications", []),
            "geography": [pcf[k] for k in ("geographyCountry", "geographyRegionOrSubregion",
                                           "geographyCountrySubdivision") if pcf.get(k)],
            "status": [document.get("status", "")],
        }
        for criterion, wanted in self.values.items():
            if not any(str(v).lower() in wanted for v in fields[criterion]):
                return False
        if self.times:
            start, end = validity(document)
            if start is None or end is None:
                return False
            on, after, before = (self.times.get(k) for k in _DATE_CRITERIA)
            if on is not None and not start <= on <= end:
                return False
            if after is not None and not start > after:
                return False
            if before is not None and not end < before:
                return False
        return True

    def as_query(self) -> list[tuple[str, str]]:
        items = [(k, v) for k, vs in self.values.items() for v in vs]
        return items + [(k, t.isoformat().replace("+00:00", "Z")) for k, t in self.times.items()]


_COMPARISON = re.compile(r"^\s*([A-Za-z][\w/]*)\s+(eq|ne|lt|le|gt|ge)\s+'((?:[^']|'')*)'\s*$")
_ANY = re.compile(r"^\s*([A-Za-z][\w/]*)/any\(\s*(\w+)\s*:\s*\(?\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*\)?\s*\)\s*$")
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b, "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
}
MAX_FILTER_CHARS = 2000


def _lookup(document: dict[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split("/"):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _comparable(left: Any, right: str) -> tuple[Any, Any]:
    if isinstance(left, str):
        try:
            return parse_time(left, "$filter"), parse_time(right, "$filter")
        except InvalidRequest:
            return left.lower(), right.lower()
    return str(left).lower(), right.lower()


@dataclass(frozen=True)
class V2Filter:
    terms: tuple[Callable[[dict[str, Any]], bool], ...] = ()
    text: str = ""

    @classmethod
    def parse(cls, text: str | None) -> V2Filter:
        if not text or not text.strip():
            return cls()
        if len(text) > MAX_FILTER_CHARS:
            raise InvalidRequest(N_("$filter over {max_filter_chars} characters", max_filter_chars=MAX_FILTER_CHARS), path="$filter")
        terms = []
        for part in re.split(r"\s+and\s+", text.strip()):
            if match := _ANY.match(part):
                path, variable, used, literal = match.groups()
                if used != variable:
                    raise InvalidRequest(N_("$filter: {part!r} compares {used}, not the lambda variable {variable}", part=part, used=used, variable=variable),
                                         path="$filter")
                terms.append(cls._any(path, literal.replace("''", "'")))
            elif match := _COMPARISON.match(part):
                path, op, literal = match.groups()
                terms.append(cls._compare(path, op, literal.replace("''", "'")))
            else:
                raise InvalidRequest(N_("$filter: {part!r} is not in the supported subset "
                                     "(path eq|ne|lt|le|gt|ge 'value', list/any(x:(x eq 'value')), joined by and)", part=part),
                                     path="$filter")
        return cls(tuple(terms), text)

    @staticmethod
    def _any(path: str, literal: str) -> Callable[[dict[str, Any]], bool]:
        def term(document: dict[str, Any]) -> bool:
            values = _lookup(document, path)
            return isinstance(values, list) and any(str(v).lower() == literal.lower() for v in values)
        return term

    @staticmethod
    def _compare(path: str, op: str, literal: str) -> Callable[[dict[str, Any]], bool]:
        def term(document: dict[str, Any]) -> bool:
            value = _lookup(document, path)
            if value is None or isinstance(value, (dict, list)):
                return False
            left, right = _comparable(value, literal)
            try:
                return _OPS[op](left, right)
            except TypeError:
                return False
        return term

    def matches(self, document: dict[str, Any]) -> bool:
        return all(term(document) for term in self.terms)

    def as_query(self) -> list[tuple[str, str]]:
        return [("$filter", self.text)] if self.text else []
