"""``gwp``: the GWP set is allowed, or the totals can be re-characterised from the per-gas inventory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.core.errors import GatewayError
from gateway.core.model import GwpSet
from gateway.core.model.recharacterise import gwp_deltas
from gateway.recognition.context import Context
from gateway.recognition.criteria._common import conditional, en_list, ev, failed, passed
from gateway.recognition.outcome import Finding


def evaluate(params: Mapping[str, Any], ctx: Context) -> Finding:
    decl = ctx.declaration
    declared = decl.method.gwp_set
    allowed = params["allowed"]
    evidence = [ev("method/gwp_set", declared)]
    if declared is None:
        return failed("声明未注明所用的全球变暖潜势值（GWP）版本。", "The declaration does not name its GWP set.", evidence)
    if declared.value in allowed:
        return passed(f"采用本政策允许的 IPCC {declared.value} GWP100。", f"Uses IPCC {declared.value} GWP100, which this policy allows.", evidence)
    if declared.value not in params.get("recharacterisable", ()):
        return failed(f"IPCC {declared.value} 不被允许；允许：{en_list(allowed)}。",
                      f"IPCC {declared.value} is not allowed; allowed: {en_list(allowed)}.", evidence)
    target = GwpSet(allowed[0])
    evidence.append(ev("gases", [g.gas for g in decl.gases]))
    try:
        fossil, biogenic = gwp_deltas(decl, declared, target)
    except GatewayError as exc:
        return failed(f"{declared.value} 结果须能重新特征化为 {target.value}，但无法计算：{exc.message}",
                      f"{declared.value} results must be re-characterisable to {target.value}, but cannot be: {exc.message}", evidence)
    total = decl.results.total_excluding_biogenic
    if total is not None:
        evidence.append(ev("results/total_excluding_biogenic", total.amount))
        evidence.append(ev(f"results/total_excluding_biogenic@{target.value}", total.amount + fossil + biogenic))
    return conditional(
        f"{declared.value} 结果可由分气体清单精确重新特征化为 {target.value}。",
        f"The {declared.value} results can be re-characterised exactly to {target.value} from the per-gas inventory.",
        evidence,
        (f"按 {target.value} 重新特征化后的结果认可并登记。", f"The results are recognised and registered as re-characterised to {target.value}."),
    )
