"""``pcr``: the product category rule is accepted for the sector, directly or by equivalence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.recognition.context import Context
from gateway.recognition.criteria._common import conditional, en_list, ev, failed, not_applicable, passed, zh_list
from gateway.recognition.outcome import Finding


def evaluate(params: Mapping[str, Any], ctx: Context) -> Finding:
    accepted = params.get("accepted", [])
    if not accepted:
        return not_applicable("本政策对该行业未规定产品种类规则。", "This policy names no product category rules for the sector.",
                              [ev("product/sector", ctx.sector)])
    table = ctx.tables[params["table"]]
    rules = ctx.declaration.method.product_rules
    keys = [(f"method/product_rules/{i}/{'number' if r.number else 'name'}", r.number or r.name) for i, r in enumerate(rules)]
    evidence = [ev(p, k) for p, k in keys] or [ev("method/product_rules", [])]
    if not rules:
        if params.get("missing", "fail") == "condition":
            return conditional("声明未注明产品种类规则。", "The declaration names no product category rule.", evidence,
                               (f"须说明所依据的产品种类规则（认可：{zh_list(accepted)}）。",
                                f"The product category rule followed must be stated (accepted: {en_list(accepted)})."))
        return failed("声明未注明产品种类规则。", "The declaration names no product category rule.", evidence)
    matches = [m for m in (table.match(k, accepted, ctx.sector) for _, k in keys) if m is not None]
    firm = [m for m in matches if m.relation != "conditional"]
    if firm:
        m = firm[0]
        if m.relation == "identical":
            return passed(f"采用本政策认可的产品种类规则 {m.accepted}。", f"Follows {m.accepted}, an accepted product category rule.", evidence)
        return passed(f"{m.declared} 与认可的 {m.accepted} 等效。", f"{m.declared} is equivalent to the accepted {m.accepted}.", evidence)
    if matches:
        m = matches[0]
        return conditional(f"{m.declared} 附条件等效于 {m.accepted}。", f"{m.declared} is conditionally equivalent to {m.accepted}.",
                           evidence, m.condition)
    declared = [k for _, k in keys]
    return failed(f"产品种类规则（{zh_list(declared)}）不被认可；认可：{zh_list(accepted)}。",
                  f"Product category rules ({en_list(declared)}) are not accepted; accepted: {en_list(accepted)}.", evidence)
