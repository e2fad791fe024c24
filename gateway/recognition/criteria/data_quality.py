"""``data-quality``: minimum primary-data share and maximum data-quality rating (DQR).

The DQR is the arithmetic mean of the declared ratings among technological, temporal,
geographical, completeness and reliability (1 best … 5 worst). Thresholds are inclusive:
a share equal to the minimum, or a DQR equal to the maximum, passes. A share below the
minimum but at or above ``conditional_min_primary_share`` is a condition, not a failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Context as DecimalContext, Decimal
from typing import Any

from gateway.recognition.context import Context
from gateway.recognition.criteria._common import ev, finding, sentence
from gateway.recognition.outcome import Finding, Outcome

_RATINGS = ("technological", "temporal", "geographical", "completeness", "reliability")
# Fixed precision so the mean (and so the decision bytes) never depends on the caller's context.
_PRECISION = DecimalContext(prec=28)


def evaluate(params: Mapping[str, Any], ctx: Context) -> Finding:
    dq = ctx.declaration.data_quality
    outcomes: list[Outcome] = []
    zh: list[str] = []
    en: list[str] = []
    evidence = []
    condition = None
    if "min_primary_share" in params:
        minimum = Decimal(params["min_primary_share"])
        share = dq.primary_data_share if dq else None
        evidence.append(ev("data_quality/primary_data_share", share))
        soft = params.get("conditional_min_primary_share")
        if share is None:
            outcomes.append(Outcome.FAIL)
            zh.append("未注明初级数据占比")
            en.append("no primary-data share is stated")
        elif share >= minimum:
            outcomes.append(Outcome.PASS)
            zh.append(f"初级数据占比 {share}% 不低于 {minimum}%")
            en.append(f"primary-data share {share} % meets the minimum of {minimum} %")
        elif soft is not None and share >= Decimal(soft):
            outcomes.append(Outcome.CONDITIONAL)
            zh.append(f"初级数据占比 {share}% 低于 {minimum}% 但不低于 {soft}%")
            en.append(f"primary-data share {share} % is below {minimum} % but at least {soft} %")
            condition = (f"下次更新时初级数据占比须达到 {minimum}%。", f"The primary-data share must reach {minimum} % at the next update.")
        else:
            outcomes.append(Outcome.FAIL)
            zh.append(f"初级数据占比 {share}% 低于 {minimum}%")
            en.append(f"primary-data share {share} % is below the minimum of {minimum} %")
    if "max_dqr" in params:
        maximum = Decimal(params["max_dqr"])
        ratings = [(name, value) for name in _RATINGS if (value := getattr(dq, name)) is not None] if dq is not None else []
        evidence.extend(ev(f"data_quality/{name}", value) for name, value in ratings)
        if not ratings:
            outcomes.append(Outcome.FAIL)
            zh.append("未给出数据质量评级")
            en.append("no data-quality ratings are given")
        else:
            # The context's own operations: the same rounding as arithmetic inside localcontext(),
            # without switching the thread's context in and out.
            total = Decimal(0)
            for _, v in ratings:
                total = _PRECISION.add(total, v)
            dqr = _PRECISION.divide(total, len(ratings))
            evidence.append(ev("data_quality/dqr", dqr))
            ok = dqr <= maximum
            outcomes.append(Outcome.PASS if ok else Outcome.FAIL)
            zh.append(f"数据质量评级 DQR {dqr} {'不高于' if ok else '高于'} {maximum}")
            en.append(f"DQR {dqr} is {'within' if ok else 'above'} the maximum of {maximum}")
    outcome = Outcome.FAIL if Outcome.FAIL in outcomes else Outcome.CONDITIONAL if Outcome.CONDITIONAL in outcomes else Outcome.PASS
    return finding(outcome, sentence(zh, zh=True), sentence(en, zh=False), evidence,
                   condition if outcome is Outcome.CONDITIONAL else None)
