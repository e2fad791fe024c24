"""``methodology``: a declared methodology standard is accepted, directly or by equivalence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.recognition.context import Context
from gateway.recognition.criteria._common import conditional, en_list, ev, failed, passed, zh_list
from gateway.recognition.outcome import Finding


def evaluate(params: Mapping[str, Any], ctx: Context) -> Finding:
    table = ctx.tables[params["table"]]
    accepted = params["accepted"]
    standards = ctx.declaration.method.standards
    evidence = [ev(f"method/standards/{i}", s) for i, s in enumerate(standards)] or [ev("method/standards", [])]
    if not standards:
        return failed("声明未注明核算方法标准。", "The declaration names no methodology standard.", evidence)
    matches = [m for m in (table.match(s, accepted) for s in standards) if m is not None]
    firm = [m for m in matches if m.relation != "conditional"]
    if firm:
        m = firm[0]
        if m.relation == "identical":
            return passed(f"采用本政策认可的 {m.accepted}。", f"Uses {m.accepted}, which this policy accepts.", evidence)
        basis = f" {m.basis.zh}" if m.basis else ""
        basis_en = f" {m.basis.en}" if m.basis else ""
        return passed(f"{m.declared} 等同于本政策认可的 {m.accepted}。{basis}".strip(),
                      f"{m.declared} is equivalent to {m.accepted}, which this policy accepts.{basis_en}", evidence)
    if matches:
        m = matches[0]
        if params.get("conditional", "accept") == "refuse":
            return failed(f"{m.declared} 仅附条件等同于 {m.accepted}，本政策不接受附条件等同。",
                          f"{m.declared} is only conditionally equivalent to {m.accepted}; this policy does not accept conditional equivalence.", evidence)
        return conditional(f"{m.declared} 附条件等同于本政策认可的 {m.accepted}。",
                           f"{m.declared} is conditionally equivalent to {m.accepted}, which this policy accepts.", evidence, m.condition)
    return failed(f"所用标准（{zh_list(standards)}）均不被认可；认可：{zh_list(accepted)}。",
                  f"None of the standards used ({en_list(standards)}) is accepted; accepted: {en_list(accepted)}.", evidence)
