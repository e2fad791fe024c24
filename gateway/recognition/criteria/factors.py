"""``factor-database``: the emission-factor databases used are recognised (name or alias, and version)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from gateway.recognition.context import Context
from gateway.recognition.criteria._common import CONDITIONAL, FAIL, PASS, bilingual, en_list, ev, ev_text, zh_list
from gateway.recognition.equivalence import EquivalenceTable
from gateway.recognition.outcome import Finding

# A recognised entry: its name and aliases as one pattern, and its versions (None: any version).
Entry = tuple[re.Pattern[str], frozenset[str] | None]

_DISCLOSE = bilingual("须说明来自未认可数据库的因子对结果的贡献。", "The contribution of factors from unrecognised databases must be disclosed.")


class Prepared(NamedTuple):
    entries: tuple[Entry, ...]
    partial_condition: bool


def _entry(entry: Mapping[str, Any]) -> Entry:
    """A declared database (casefolded) names a recognised one when it contains its name or an alias
    as whole words (declarations often write both languages: "国家产品碳足迹因子数据库 National ...
    database"); the names are one pattern, compiled once per policy."""
    names = (entry["database"], *entry.get("aliases", ()))
    pattern = re.compile("(?<!\\w)(?:" + "|".join(re.escape(n.casefold()) for n in names) + ")(?!\\w)")
    return pattern, frozenset(entry["versions"]) if "versions" in entry else None


def prepare(params: Mapping[str, Any], sector: str | None, tables: Mapping[str, EquivalenceTable]) -> Prepared:
    return Prepared(tuple(_entry(e) for e in params["recognised"]), params.get("partial", "fail") == "condition")


def _recognised(database: str, version: str | None, entries: tuple[Entry, ...]) -> bool:
    """The first entry the database names decides: recognised when it lists no versions or this one."""
    text = database.casefold()
    for pattern, versions in entries:
        if pattern.search(text) is not None:
            return versions is None or version in versions
    return False


def evaluate(p: Prepared, ctx: Context) -> Finding:
    dq = ctx.declaration.data_quality
    sources = dq.factor_sources if dq else ()
    if not sources:
        return FAIL, "声明未注明排放因子来源。", "The declaration names no emission-factor source.", (ev("data_quality/factor_sources", []),), None
    labels = [f"{s.database} {s.version or ''}".strip() for s in sources]
    evidence = tuple([ev_text(f"data_quality/factor_sources/{i}", label) for i, label in enumerate(labels)])
    entries = p.entries
    bad = [label for s, label in zip(sources, labels) if not _recognised(s.database, s.version, entries)]
    if not bad:
        return PASS, "所用排放因子数据库及版本均被认可。", "Every emission-factor database and version used is recognised.", evidence, None
    if len(bad) < len(sources) and p.partial_condition:
        return CONDITIONAL, f"部分排放因子来源不被认可：{zh_list(bad)}。", f"Some emission-factor sources are not recognised: {en_list(bad)}.", evidence, _DISCLOSE
    return FAIL, f"排放因子来源不被认可：{zh_list(bad)}。", f"Emission-factor sources not recognised: {en_list(bad)}.", evidence, None
