"""Equivalence tables (methodology standards, PCRs): which declared item counts as which accepted one.

``equivalent`` pairs are joined into classes (per sector for PCRs), so a policy accepting one
member accepts every member; a ``conditional`` pair is directional: a declaration following
(a member of the class of) ``a`` is acceptable where ``b`` (or its class) is accepted, only
under the pair's condition.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from gateway.core.errors import PolicyError
from gateway.core.i18n import N_
from gateway.recognition.outcome import Bilingual

_RELATIONS = ("equivalent", "conditional")


@dataclass(frozen=True, slots=True)
class Pair:
    a: str
    b: str
    relation: str
    sector: str | None
    basis: Bilingual | None
    condition: Bilingual | None


@dataclass(frozen=True, slots=True)
class Match:
    """How a declared item meets the accepted list: ``identical``, ``equivalent`` or ``conditional``."""

    relation: str
    declared: str
    accepted: str
    basis: Bilingual | None = None
    condition: Bilingual | None = None


@dataclass(frozen=True)
class EquivalenceTable:
    id: str
    version: str
    title: Bilingual
    pairs: tuple[Pair, ...]
    data: dict[str, Any]

    def _classes(self, sector: str | None) -> dict[str, frozenset[str]]:
        cache_ = self.__dict__.setdefault("_class_cache", {})
        if sector not in cache_:
            groups: dict[str, set[str]] = {}
            for p in self.pairs:
                if p.relation != "equivalent" or p.sector not in (None, sector):
                    continue
                merged = groups.get(p.a, {p.a}) | groups.get(p.b, {p.b})
                for member in merged:
                    groups[member] = merged
            cache_[sector] = {k: frozenset(v) for k, v in groups.items()}
        return cache_[sector]

    def class_of(self, item: str, sector: str | None = None) -> frozenset[str]:
        return self._classes(sector).get(item, frozenset({item}))

    def match(self, declared: str, accepted: Collection[str], sector: str | None = None) -> Match | None:
        """The best way ``declared`` meets ``accepted`` (identical > equivalent > conditional), or None."""
        if declared in accepted:
            return Match("identical", declared, declared)
        mine = self.class_of(declared, sector)
        for target in sorted(accepted):
            if target in mine:
                return Match("equivalent", declared, target, self._basis(mine, target, sector))
        for target in sorted(accepted):
            theirs = self.class_of(target, sector)
            for p in self.pairs:
                if p.relation != "conditional" or p.sector not in (None, sector):
                    continue
                if p.a in mine and p.b in theirs:
                    return Match("conditional", declared, target, p.basis, p.condition)
        return None

    def matches(self, accepted: Collection[str], sector: str | None = None) -> dict[str, Match]:
        """``match(declared, accepted, sector)`` for every ``declared`` it is not None for, made at
        once (a policy's plan keeps it): a match needs ``declared`` to be accepted itself or a
        member of a pair of the table, so an item absent from the result matches nothing."""
        items = {i for p in self.pairs for i in (p.a, p.b)} | set(accepted)
        return {i: m for i in sorted(items) if (m := self.match(i, accepted, sector)) is not None}

    def _basis(self, members: frozenset[str], target: str, sector: str | None) -> Bilingual | None:
        for p in self.pairs:
            if p.relation == "equivalent" and p.sector in (None, sector) and {p.a, p.b} <= members and target in (p.a, p.b):
                return p.basis
        return None


def _text(value: Any) -> Bilingual | None:
    return Bilingual(value["zh"], value["en"]) if isinstance(value, dict) else None


def parse_table(data: dict[str, Any], source: str) -> EquivalenceTable:
    """Build a table from its TOML data, refusing bad rows with their path."""
    for key in ("id", "version", "title", "pair"):
        if key not in data:
            raise PolicyError(N_("equivalence table {source} lacks {key!r}", source=source, key=key), path=f"/{key}", table=source)
    pairs = []
    for i, row in enumerate(data["pair"]):
        for key in ("a", "b", "relation"):
            if not isinstance(row.get(key), str):
                raise PolicyError(N_("equivalence table {source}: pair {i} needs a text {key!r}", source=source, i=i, key=key), path=f"/pair/{i}/{key}", table=source)
        if row["relation"] not in _RELATIONS:
            raise PolicyError(N_("equivalence table {source}: relation must be one of {relations}", source=source, relations=_RELATIONS), path=f"/pair/{i}/relation", table=source)
        if row["relation"] == "conditional" and "condition" not in row:
            raise PolicyError(N_("equivalence table {source}: a conditional pair states its condition", source=source), path=f"/pair/{i}/condition", table=source)
        pairs.append(Pair(row["a"], row["b"], row["relation"], row.get("sector"), _text(row.get("basis")), _text(row.get("condition"))))
    return EquivalenceTable(data["id"], data["version"], _text(data["title"]) or Bilingual("", ""), tuple(pairs), data)


@cache
def shipped_table(table_id: str) -> EquivalenceTable:
    """A table from ``mappings/recognition/equivalences/<id>.toml``."""
    ref = resources.files("mappings.recognition").joinpath("equivalences", f"{table_id}.toml")
    if not ref.is_file():
        raise PolicyError(N_("no equivalence table {table_id!r}", table_id=table_id), path="table", table=table_id)
    return parse_table(tomllib.loads(ref.read_text("utf-8")), f"equivalences/{table_id}.toml")
