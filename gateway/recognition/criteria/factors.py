"""``factor-database``: the emission-factor databases used are recognised (name or alias, and version)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from gateway.recognition.context import Context
from gateway.recognition.criteria._common import conditional, en_list, ev, ev_text, failed, passed, zh_list
from gateway.recognition.outcome import Finding


@lru_cache(maxsize=256)
def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """A recognised entry's name and aliases, each as whole words, as one pattern compiled once
    (policies name the same few entries in every assessment)."""
    return re.compile("(?<!\\w)(?:" + "|".join(re.escape(n.casefold()) for n in names) + ")(?!\\w)")


def _names(text: str, entry: dict[str, Any]) -> bool:
    """A declared database (``text``, casefolded) names a recognised one when it contains its name or
    an alias as whole words (declarations often write both languages: "国家产品碳足迹因子数据库 National
    ... database")."""
    return _pattern((entry["database"], *entry.get("aliases", ()))).search(text) is not None


def _recognised(database: str, version: str | None, table: list[dict[str, Any]]) -> bool:
    text = database.casefold()
    for entry in table:
        if _names(text, entry):
            return "versions" not in entry or version in entry["versions"]
    return False


def evaluate(params: Mapping[str, Any], ctx: Context) -> Finding:
    dq = ctx.declaration.data_quality
    sources = dq.factor_sources if dq else ()
    labels = [f"{s.database} {s.version or ''}".strip() for s in sources]
    evidence = [ev_text(f"data_quality/factor_sources/{i}", label) for i, label in enumerate(labels)]
    if not sources:
        return failed("声明未注明排放因子来源。", "The declaration names no emission-factor source.", [ev("data_quality/factor_sources", [])])
    bad = [label for s, label in zip(sources, labels) if not _recognised(s.database, s.version, params["recognised"])]
    if not bad:
        return passed("所用排放因子数据库及版本均被认可。", "Every emission-factor database and version used is recognised.", evidence)
    if len(bad) < len(sources) and params.get("partial", "fail") == "condition":
        return conditional(f"部分排放因子来源不被认可：{zh_list(bad)}。", f"Some emission-factor sources are not recognised: {en_list(bad)}.", evidence,
                           ("须说明来自未认可数据库的因子对结果的贡献。", "The contribution of factors from unrecognised databases must be disclosed."))
    return failed(f"排放因子来源不被认可：{zh_list(bad)}。", f"Emission-factor sources not recognised: {en_list(bad)}.", evidence)
