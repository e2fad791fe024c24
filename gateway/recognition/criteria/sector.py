"""``sector-covered``: the product's sector is one the policy recognises.

It reads nothing but the sector, so its finding is made once per policy and sector (``fixed``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.core.model import codelists
from gateway.recognition.criteria._common import FAIL, PASS, ev
from gateway.recognition.outcome import Finding


def fixed(params: Mapping[str, Any], sector: str | None) -> Finding:
    evidence = (ev("product/sector", sector),)
    if sector is None:
        return FAIL, "声明未注明所属行业。", "The declaration names no sector.", evidence, None
    known = codelists.sectors().get(sector)
    if known is None:
        return FAIL, f"行业代码“{sector}”不在重点行业代码表中。", f"Sector code '{sector}' is not in the priority-sector code list.", evidence, None
    if sector in params["sectors"]:
        return PASS, f"{known.zh}行业在本政策互认范围内。", f"The {known.en.lower()} sector is covered by this policy.", evidence, None
    return FAIL, f"{known.zh}行业不在本政策互认范围内。", f"The {known.en.lower()} sector is not covered by this policy.", evidence, None
