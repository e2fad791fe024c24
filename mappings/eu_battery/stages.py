"""Regional life-cycle stages <-> the four stages of Regulation (EU) 2023/1542 Annex II.

Driven by scheme ``eu-battery`` of ``gateway/core/codelists/stages.toml``: every aggregation,
exclusion and the transport rule are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gateway.core.errors import ConfigurationError
from gateway.core.i18n import N_
from gateway.core.model import codelists
from gateway.core.report import TranslationReport
from mappings.precision import EXACT

SCHEME = "eu-battery"
TARGET = "carbonFootprintPerLifecycleStage"


_ZERO = Decimal(0)


def _exact_sum(values: list[Decimal]) -> Decimal:
    total = _ZERO
    for v in values:
        total = EXACT.add(total, v)
    return total


@dataclass(frozen=True, slots=True)
class _Plan:
    """What the code list decides for every document, worked out once: the regulation stage
    covering each canonical stage (the first, as ``StageScheme.stage_for`` finds it), and per
    regulation stage, in the regulation's order, its target path and the transport rule's text."""

    scheme: codelists.StageScheme
    covering: dict[str, str]
    stages: tuple[tuple[str, str, str], ...]  # (code, target path, the transport entry's detail)


def _plan() -> _Plan:
    """The plan of the scheme the code lists hold now, made again only when that is another
    object (the code lists are read once; a test may put another scheme in their place)."""
    global _LAST
    scheme = codelists.stage_schemes()[SCHEME]
    plan = _LAST
    if plan is None or plan.scheme is not scheme:
        plan = _LAST = _plan_of(scheme)
    return plan


def _plan_of(scheme: codelists.StageScheme) -> _Plan:
    covering: dict[str, str] = {}
    for stage in scheme.stages:
        for code in stage.covers:
            covering.setdefault(code, stage.code)
    return _Plan(scheme, covering, tuple(
        (stage.code, f"{TARGET}[lifecycleStage={stage.code}]",
         f"regional transport (运输) assigned to {stage.code} by rule {scheme.transport_rule!r}: the regional "
         "stage does not separate inbound transport (Annex II: raw material acquisition) from distribution")
        for stage in scheme.stages))


_LAST: _Plan | None = None


def to_regulation(stages: list[dict], report: TranslationReport) -> list[tuple[str, Decimal, str]]:
    """Canonical stage data ``[{stage, value: {amount}}]`` (per declared unit) to
    ``[(regulation stage, value per declared unit, canonical source paths)]`` in the
    regulation's order."""
    plan = _plan()
    covering = plan.covering
    grouped: dict[str, list[tuple[int, str, Decimal]]] = {}
    for i, item in enumerate(stages):
        stage = item["stage"]
        target = covering.get(stage)
        if target is None:
            report.dropped(
                f"stages/{i}", TARGET,
                f"stage {stage!r} is excluded by {plan.scheme.name}; its value is not carried per stage "
                "(the declared total is not altered)",
            )
            continue
        grouped.setdefault(target, []).append((i, stage, Decimal(item["value"]["amount"])))
    out = []
    for code, where, transport_rule in plan.stages:
        members = grouped.get(code)
        if not members:
            continue
        if len(members) == 1:  # most stages: no aggregation to say, the same sum of one
            i, stage, value = members[0]
            sources = f"stages/{i}"
            if stage == "transport":
                report.converted(sources, where, transport_rule)
            out.append((code, EXACT.add(_ZERO, value), sources))
            continue
        transport = next((m[0] for m in members if m[1] == "transport"), None)
        if transport is not None:
            report.converted(f"stages/{transport}", where, transport_rule)
        sources = ",".join(f"stages/{m[0]}" for m in members)
        report.converted(sources, where, f"stages {', '.join(m[1] for m in members)} aggregated (summed exactly) into {code}")
        out.append((code, _exact_sum([m[2] for m in members]), sources))
    return out


def regulation_stage(canonical: str) -> str:
    stage = codelists.stage_schemes()[SCHEME].stage_for(canonical)
    return stage.code if stage else canonical


def to_canonical(entries: list[dict], report: TranslationReport) -> list[tuple[str, Decimal]]:
    """Regulation stage entries ``[{lifecycleStage, carbonFootprint}]`` to ``[(canonical stage,
    value)]`` in the regional order; repeated entries of one stage are summed and reported."""
    scheme = codelists.stage_schemes()[SCHEME]
    by_code = {s.code: s for s in scheme.stages}
    sums: dict[str, list[Decimal]] = {}
    for i, entry in enumerate(entries):
        stage = by_code[entry["lifecycleStage"]]
        if len(stage.covers) != 1:
            # Reading back needs one regional stage per regulation stage; the code list says so.
            raise ConfigurationError(N_("stage scheme {scheme}: {code} must cover exactly one regional stage", scheme=SCHEME, code=stage.code))
        code = stage.covers[0]
        if code == "transport":
            report.converted(
                f"{TARGET}/{i}", "stages[stage=transport]",
                f"{stage.code} read as regional transport (运输) by rule {scheme.transport_rule!r}; inbound transport "
                "inside RawMaterialExtraction cannot be separated out",
            )
        if code in sums:
            report.converted(f"{TARGET}/{i}", f"stages[stage={code}]", f"repeated {stage.code} entries summed")
        sums.setdefault(code, []).append(Decimal(entry["carbonFootprint"]))
    return [(code, _exact_sum(sums[code])) for code in codelists.stages() if code in sums]
