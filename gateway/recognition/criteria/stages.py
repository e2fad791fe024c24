"""``stages``: stage results cover every life-cycle stage of a scheme (e.g. the four EU battery stages)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.core.model import codelists
from gateway.recognition.context import Context
from gateway.recognition.criteria._common import FAIL, PASS, en_list, ev
from gateway.recognition.outcome import Finding


def evaluate(params: Mapping[str, Any], ctx: Context) -> Finding:
    scheme = codelists.stage_schemes()[params["scheme"]]
    declared = {s.stage for s in ctx.declaration.stages}
    evidence = (ev("stages", [s.stage for s in ctx.declaration.stages]),)
    missing = [st for st in scheme.stages if not declared & set(st.covers)]
    if not missing:
        return (PASS, f"分阶段结果覆盖 {scheme.name} 的全部 {len(scheme.stages)} 个阶段。",
                f"Stage results cover all {len(scheme.stages)} stages of {scheme.name}.", evidence, None)
    return (FAIL, f"分阶段结果缺少 {scheme.name} 的阶段：{'、'.join(st.code for st in missing)}。",
            f"Stage results lack {scheme.name} stages: {en_list(f'{st.code} ({st.en})' for st in missing)}.", evidence, None)
