"""``sector-covered``: the product's sector is one the policy recognises."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.core.model import codelists
from gateway.recognition.context import Context
from gateway.recognition.criteria._common import ev, failed, passed
from gateway.recognition.outcome import Finding


def evaluate(params: Mapping[str, Any], ctx: Context) -> Finding:
    sector = ctx.sector
    evidence = [ev("product/sector", sector)]
    if sector is None:
        return failed("声明未注明所属行业。", "The declaration names no sector.", evidence)
    known = codelists.sectors().get(sector)
    if known is None:
        return failed(f"行业代码“{sector}”不在重点行业代码表中。", f"Sector code '{sector}' is not in the priority-sector code list.", evidence)
    if sector in params["sectors"]:
        return passed(f"{known.zh}行业在本政策互认范围内。", f"The {known.en.lower()} sector is covered by this policy.", evidence)
    return failed(f"{known.zh}行业不在本政策互认范围内。", f"The {known.en.lower()} sector is not covered by this policy.", evidence)
