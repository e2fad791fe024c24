"""``pcr``: the product category rule is accepted for the sector, directly or by equivalence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from gateway.recognition.context import Context
from gateway.recognition.criteria._common import CONDITIONAL, FAIL, NOT_APPLICABLE, PASS, bilingual, en_list, ev, ev_text, zh_list
from gateway.recognition.equivalence import EquivalenceTable, Match
from gateway.recognition.outcome import Bilingual, Finding


class Prepared(NamedTuple):
    accepted: list[str]
    matches: dict[str, Match]  # each rule that meets the accepted list for the sector, by equivalence table
    missing: Bilingual | None  # the condition when no rule is declared; None: that fails


def prepare(params: Mapping[str, Any], sector: str | None, tables: Mapping[str, EquivalenceTable]) -> Prepared:
    accepted = params.get("accepted", [])
    missing = bilingual(f"须说明所依据的产品种类规则（认可：{zh_list(accepted)}）。",
                        f"The product category rule followed must be stated (accepted: {en_list(accepted)}).")
    return Prepared(accepted, tables[params["table"]].matches(accepted, sector) if accepted else {},
                    missing if params.get("missing", "fail") == "condition" else None)


def fixed(p: Prepared, sector: str | None) -> Finding | None:
    if not p.accepted:
        return (NOT_APPLICABLE, "本政策对该行业未规定产品种类规则。", "This policy names no product category rules for the sector.",
                (ev("product/sector", sector),), None)
    return None


def evaluate(p: Prepared, ctx: Context) -> Finding:
    rules = ctx.declaration.method.product_rules
    if not rules:
        evidence = (ev("method/product_rules", []),)
        if p.missing is not None:
            return CONDITIONAL, "声明未注明产品种类规则。", "The declaration names no product category rule.", evidence, p.missing
        return FAIL, "声明未注明产品种类规则。", "The declaration names no product category rule.", evidence, None
    keys = [(f"method/product_rules/{i}/{'number' if r.number else 'name'}", r.number or r.name) for i, r in enumerate(rules)]
    evidence = tuple([ev_text(path, key) for path, key in keys])
    found = p.matches
    matches = [m for m in (found.get(k) for _, k in keys) if m is not None]
    firm = [m for m in matches if m.relation != "conditional"]
    if firm:
        m = firm[0]
        if m.relation == "identical":
            return PASS, f"采用本政策认可的产品种类规则 {m.accepted}。", f"Follows {m.accepted}, an accepted product category rule.", evidence, None
        return PASS, f"{m.declared} 与认可的 {m.accepted} 等效。", f"{m.declared} is equivalent to the accepted {m.accepted}.", evidence, None
    if matches:
        m = matches[0]
        return (CONDITIONAL, f"{m.declared} 附条件等效于 {m.accepted}。", f"{m.declared} is conditionally equivalent to {m.accepted}.",
                evidence, m.condition)
    declared = [k for _, k in keys]
    return (FAIL, f"产品种类规则（{zh_list(declared)}）不被认可；认可：{zh_list(p.accepted)}。",
            f"Product category rules ({en_list(declared)}) are not accepted; accepted: {en_list(p.accepted)}.", evidence, None)
