"""``boundary``: the system boundary covers at least the policy's minimum, less no excluded stage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.core.model import codelists
from gateway.recognition.context import Context
from gateway.recognition.criteria._common import en_list, ev, failed, passed, zh_list
from gateway.recognition.outcome import Finding


def evaluate(params: Mapping[str, Any], ctx: Context) -> Finding:
    method = ctx.declaration.method
    minimum = codelists.boundaries()[params["minimum"]]
    evidence = [ev("method/boundary", method.boundary)]
    if method.excluded_stages:
        evidence.append(ev("method/excluded_stages", [e.stage for e in method.excluded_stages]))
    if method.boundary is None:
        return failed(f"声明未注明系统边界；至少须为{minimum.zh}。", f"The declaration names no system boundary; at least {minimum.en.lower()} is required.", evidence)
    covered = set(codelists.boundaries()[method.boundary.value].stages) - {e.stage for e in method.excluded_stages}
    missing = [s for s in minimum.stages if s not in covered]
    if not missing:
        return passed(f"系统边界覆盖{minimum.zh}的全部阶段。", f"The system boundary covers every stage of {minimum.en.lower()}.", evidence)
    names = codelists.stages()
    return failed(f"系统边界缺少{minimum.zh}要求的阶段：{zh_list(names[s].zh for s in missing)}。",
                  f"The system boundary lacks stages {minimum.en.lower()} requires: {en_list(names[s].en for s in missing)}.", evidence)
