"""``data-quality``: minimum primary-data share and maximum data-quality rating (DQR).

The DQR is the arithmetic mean of the declared ratings among technological, temporal,
geographical, completeness and reliability (1 best … 5 worst). Thresholds are inclusive:
a share equal to the minimum, or a DQR equal to the maximum, passes. A share below the
minimum but at or above ``conditional_min_primary_share`` is a condition, not a failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Context as DecimalContext, Decimal
from typing import Any, NamedTuple

from gateway.recognition.context import Context
from gateway.recognition.criteria._common import CONDITIONAL, FAIL, PASS, bilingual, decimal_text, ev_text, sentence
from gateway.recognition.equivalence import EquivalenceTable
from gateway.recognition.outcome import Finding

# Each rating's name and its evidence path.
_RATINGS = tuple((name, f"data_quality/{name}") for name in ("technological", "temporal", "geographical", "completeness", "reliability"))
# Fixed precision so the mean (and so the decision bytes) never depends on the caller's context.
_PRECISION = DecimalContext(prec=28)
_ZERO = Decimal(0)


class Prepared(NamedTuple):
    """The thresholds parsed once, each with the text the messages write (``f"{minimum}"``)."""

    minimum: Decimal | None
    minimum_text: str
    soft: Decimal | None
    soft_text: str
    maximum: Decimal | None
    maximum_text: str


def prepare(params: Mapping[str, Any], sector: str | None, tables: Mapping[str, EquivalenceTable]) -> Prepared:
    minimum = Decimal(params["min_primary_share"]) if "min_primary_share" in params else None
    soft = params.get("conditional_min_primary_share") if minimum is not None else None
    maximum = Decimal(params["max_dqr"]) if "max_dqr" in params else None
    return Prepared(minimum, f"{minimum}", None if soft is None else Decimal(soft), f"{soft}", maximum, f"{maximum}")


def evaluate(p: Prepared, ctx: Context) -> Finding:
    dq = ctx.declaration.data_quality
    zh: list[str] = []
    en: list[str] = []
    evidence = []
    failing = conditional = False
    condition = None
    if p.minimum is not None:
        minimum = p.minimum_text
        share = dq.primary_data_share if dq else None
        if share is None:
            evidence.append(ev_text("data_quality/primary_data_share", None))
            failing = True
            zh.append("未注明初级数据占比")
            en.append("no primary-data share is stated")
        else:
            evidence.append(ev_text("data_quality/primary_data_share", decimal_text(share)))
            shown = str(share)  # what f"{share}" writes, without Decimal.__format__ (three times slower)
            if share >= p.minimum:
                zh.append(f"初级数据占比 {shown}% 不低于 {minimum}%")
                en.append(f"primary-data share {shown} % meets the minimum of {minimum} %")
            elif p.soft is not None and share >= p.soft:
                conditional = True
                zh.append(f"初级数据占比 {shown}% 低于 {minimum}% 但不低于 {p.soft_text}%")
                en.append(f"primary-data share {shown} % is below {minimum} % but at least {p.soft_text} %")
                condition = (f"下次更新时初级数据占比须达到 {minimum}%。", f"The primary-data share must reach {minimum} % at the next update.")
            else:
                failing = True
                zh.append(f"初级数据占比 {shown}% 低于 {minimum}%")
                en.append(f"primary-data share {shown} % is below the minimum of {minimum} %")
    if p.maximum is not None:
        total = _ZERO
        count = 0
        if dq is not None:
            for name, path in _RATINGS:
                value = getattr(dq, name)
                if value is not None:
                    evidence.append(ev_text(path, decimal_text(value)))
                    # The context's own operations: the same rounding as arithmetic inside
                    # localcontext(), without switching the thread's context in and out.
                    total = _PRECISION.add(total, value)
                    count += 1
        if not count:
            failing = True
            zh.append("未给出数据质量评级")
            en.append("no data-quality ratings are given")
        else:
            dqr = _PRECISION.divide(total, count)
            evidence.append(ev_text("data_quality/dqr", decimal_text(dqr)))
            ok = dqr <= p.maximum
            dqr_text = str(dqr)
            failing = failing or not ok
            zh.append(f"数据质量评级 DQR {dqr_text} {'不高于' if ok else '高于'} {p.maximum_text}")
            en.append(f"DQR {dqr_text} is {'within' if ok else 'above'} the maximum of {p.maximum_text}")
    outcome = FAIL if failing else CONDITIONAL if conditional else PASS
    return (outcome, sentence(zh, zh=True), sentence(en, zh=False), tuple(evidence),
            bilingual(*condition) if outcome is CONDITIONAL else None)
