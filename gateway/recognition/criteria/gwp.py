"""``gwp``: the GWP set is allowed, or the totals can be re-characterised from the per-gas inventory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.core.errors import GatewayError
from gateway.core.model import GwpSet
from gateway.core.model.recharacterise import gwp_deltas
from gateway.recognition.context import Context
from gateway.recognition.criteria._common import CONDITIONAL, FAIL, PASS, bilingual, en_list, ev, ev_text
from gateway.recognition.outcome import Finding


def evaluate(params: Mapping[str, Any], ctx: Context) -> Finding:
    decl = ctx.declaration
    declared = decl.method.gwp_set
    allowed = params["allowed"]
    if declared is None:
        return FAIL, "声明未注明所用的全球变暖潜势值（GWP）版本。", "The declaration does not name its GWP set.", (ev_text("method/gwp_set", None),), None
    name = declared.value
    evidence = [ev_text("method/gwp_set", name)]
    if name in allowed:
        return PASS, f"采用本政策允许的 IPCC {name} GWP100。", f"Uses IPCC {name} GWP100, which this policy allows.", tuple(evidence), None
    if name not in params.get("recharacterisable", ()):
        return (FAIL, f"IPCC {name} 不被允许；允许：{en_list(allowed)}。",
                f"IPCC {name} is not allowed; allowed: {en_list(allowed)}.", tuple(evidence), None)
    target = GwpSet(allowed[0])
    evidence.append(ev("gases", [g.gas for g in decl.gases]))
    try:
        fossil, biogenic = gwp_deltas(decl, declared, target)
    except GatewayError as exc:
        return (FAIL, f"{name} 结果须能重新特征化为 {target.value}，但无法计算：{exc.message}",
                f"{name} results must be re-characterisable to {target.value}, but cannot be: {exc.message}", tuple(evidence), None)
    total = decl.results.total_excluding_biogenic
    if total is not None:
        evidence.append(ev("results/total_excluding_biogenic", total.amount))
        evidence.append(ev(f"results/total_excluding_biogenic@{target.value}", total.amount + fossil + biogenic))
    return (
        CONDITIONAL,
        f"{name} 结果可由分气体清单精确重新特征化为 {target.value}。",
        f"The {name} results can be re-characterised exactly to {target.value} from the per-gas inventory.",
        tuple(evidence),
        bilingual(f"按 {target.value} 重新特征化后的结果认可并登记。", f"The results are recognised and registered as re-characterised to {target.value}."),
    )
