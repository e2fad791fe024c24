"""``boundary``: the system boundary covers at least the policy's minimum, less no excluded stage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from gateway.core.model import codelists
from gateway.recognition.context import Context
from gateway.recognition.criteria._common import FAIL, PASS, en_list, ev, ev_text, zh_list
from gateway.recognition.equivalence import EquivalenceTable
from gateway.recognition.outcome import Finding


class Prepared(NamedTuple):
    minimum: codelists.Boundary
    stages: dict[str, frozenset[str]]  # each boundary code's stages
    passed: tuple[str, str]
    absent: tuple[str, str]


def prepare(params: Mapping[str, Any], sector: str | None, tables: Mapping[str, EquivalenceTable]) -> Prepared:
    minimum = codelists.boundaries()[params["minimum"]]
    return Prepared(
        minimum, {code: frozenset(b.stages) for code, b in codelists.boundaries().items()},
        (f"系统边界覆盖{minimum.zh}的全部阶段。", f"The system boundary covers every stage of {minimum.en.lower()}."),
        (f"声明未注明系统边界；至少须为{minimum.zh}。", f"The declaration names no system boundary; at least {minimum.en.lower()} is required."),
    )


def evaluate(p: Prepared, ctx: Context) -> Finding:
    method = ctx.declaration.method
    boundary, excluded = method.boundary, method.excluded_stages
    if excluded:
        evidence = (ev_text("method/boundary", boundary and boundary.value), ev("method/excluded_stages", [e.stage for e in excluded]))
    else:
        evidence = (ev_text("method/boundary", boundary and boundary.value),)
    if boundary is None:
        return FAIL, *p.absent, evidence, None
    covered = p.stages[boundary.value] - {e.stage for e in excluded} if excluded else p.stages[boundary.value]
    missing = [s for s in p.minimum.stages if s not in covered]
    if not missing:
        return PASS, *p.passed, evidence, None
    names = codelists.stages()
    return (FAIL, f"系统边界缺少{p.minimum.zh}要求的阶段：{zh_list(names[s].zh for s in missing)}。",
            f"The system boundary lacks stages {p.minimum.en.lower()} requires: {en_list(names[s].en for s in missing)}.", evidence, None)
