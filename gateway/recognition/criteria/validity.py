"""``validity`` and ``reference-period``: the declaration is in force and its data recent enough.

The validity period's end is exclusive (a declaration valid until T is expired at T). The
reference period may end at most ``max_age_years`` calendar years before the assessment
time; ending exactly that long before still passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gateway.core.model.serde import format_datetime
from gateway.recognition.context import Context
from gateway.recognition.criteria._common import FAIL, NOT_APPLICABLE, PASS, ev_text
from gateway.recognition.outcome import Finding


def evaluate_validity(params: Mapping[str, Any], ctx: Context) -> Finding:
    period = ctx.declaration.validity
    at = ctx.assessed_at
    end = period and period.end and format_datetime(period.end)
    evidence = (ev_text("validity/start", period and period.start and format_datetime(period.start)),
                ev_text("validity/end", end), ev_text("assessed_at", at))
    if period is None or period.end is None:
        if params.get("require", True):
            return FAIL, "声明未注明有效期截止时间。", "The declaration states no end of validity.", evidence, None
        return NOT_APPLICABLE, "声明未注明有效期，本政策不要求。", "No validity period is stated; this policy does not require one.", evidence, None
    if period.start is not None and ctx.at < period.start:
        return FAIL, f"声明在评估时（{at}）尚未生效。", f"The declaration is not yet valid at the assessment time ({at}).", evidence, None
    if ctx.at >= period.end:
        return FAIL, f"声明已于 {end} 失效。", f"The declaration expired at {end}.", evidence, None
    return PASS, f"声明在评估时有效（至 {end}）。", f"The declaration is valid at the assessment time (until {end}).", evidence, None


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February in a year that has none
        return moment.replace(year=moment.year - years, day=28)


def evaluate_reference_period(params: Mapping[str, Any], ctx: Context) -> Finding:
    years = params["max_age_years"]
    period = ctx.declaration.method.reference_period
    end = period.end if period else None
    limit = _years_before(ctx.at, years)
    end_text, limit_text = end and format_datetime(end), format_datetime(limit)
    evidence = (ev_text("method/reference_period/end", end_text), ev_text("limit", limit_text))
    if end is None:
        return FAIL, "声明未注明数据参考期的截止时间。", "The declaration states no end of its reference period.", evidence, None
    if end >= limit:
        return PASS, f"数据参考期截止于 {end_text}，不早于 {years} 年前。", f"The reference period ends {end_text}, within {years} years.", evidence, None
    return (FAIL, f"数据参考期截止于 {end_text}，早于 {years} 年前（{limit_text}）。",
            f"The reference period ended {end_text}, more than {years} years before the assessment ({limit_text}).", evidence, None)
