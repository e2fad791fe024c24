"""``methodology``: a declared methodology standard is accepted, directly or by equivalence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from gateway.recognition.context import Context
from gateway.recognition.criteria._common import CONDITIONAL, FAIL, PASS, en_list, ev, ev_text, zh_list
from gateway.recognition.equivalence import EquivalenceTable, Match
from gateway.recognition.outcome import Finding


class Prepared(NamedTuple):
    accepted: list[str]
    matches: dict[str, Match]  # each standard that meets the accepted list, by equivalence table
    refuse_conditional: bool


def prepare(params: Mapping[str, Any], sector: str | None, tables: Mapping[str, EquivalenceTable]) -> Prepared:
    accepted = params["accepted"]
    return Prepared(accepted, tables[params["table"]].matches(accepted), params.get("conditional", "accept") == "refuse")


def evaluate(p: Prepared, ctx: Context) -> Finding:
    standards = ctx.declaration.method.standards
    if not standards:
        return FAIL, "声明未注明核算方法标准。", "The declaration names no methodology standard.", (ev("method/standards", []),), None
    evidence = tuple([ev_text(f"method/standards/{i}", s) for i, s in enumerate(standards)])
    found = p.matches
    matches = [m for m in map(found.get, standards) if m is not None]
    firm = [m for m in matches if m.relation != "conditional"]
    if firm:
        m = firm[0]
        if m.relation == "identical":
            return PASS, f"采用本政策认可的 {m.accepted}。", f"Uses {m.accepted}, which this policy accepts.", evidence, None
        basis = f" {m.basis.zh}" if m.basis else ""
        basis_en = f" {m.basis.en}" if m.basis else ""
        return (PASS, f"{m.declared} 等同于本政策认可的 {m.accepted}。{basis}".strip(),
                f"{m.declared} is equivalent to {m.accepted}, which this policy accepts.{basis_en}", evidence, None)
    if matches:
        m = matches[0]
        if p.refuse_conditional:
            return (FAIL, f"{m.declared} 仅附条件等同于 {m.accepted}，本政策不接受附条件等同。",
                    f"{m.declared} is only conditionally equivalent to {m.accepted}; this policy does not accept conditional equivalence.", evidence, None)
        return (CONDITIONAL, f"{m.declared} 附条件等同于本政策认可的 {m.accepted}。",
                f"{m.declared} is conditionally equivalent to {m.accepted}, which this policy accepts.", evidence, m.condition)
    return (FAIL, f"所用标准（{zh_list(standards)}）均不被认可；认可：{zh_list(p.accepted)}。",
            f"None of the standards used ({en_list(standards)}) is accepted; accepted: {en_list(p.accepted)}.", evidence, None)
