"""Regional life-cycle stages <-> the four stages of Regulation (EU) 2023/1542 Annex II.

Driven by scheme ``eu-battery`` of ``gateway/core/codelists/stages.toml``: every aggregation,
exclusion and the transport rule are reported.
"""

from __future__ import annotations

from decimal import Decimal

from gateway.core.errors import ConfigurationError
from gateway.core.i18n import N_
from gateway.core.model import codelists
from gateway.core.report import TranslationReport
from mappings.precision import EXACT

SCHEME = "eu-battery"
TARGET = "carbonFootprintPerLifecycleStage"


def _exact_sum(values: list[Decimal]) -> Decimal:
    total = Decimal(0)
    for v in values:
        total = EXACT.add(total, v)
    return total


def _covering(scheme: codelists.StageScheme) -> dict[str, codelists.SchemeStage]:
    """Each canonical stage and the regulation stage covering it (the first, as
    ``StageScheme.stage_for`` finds it): one lookup per stage instead of a search."""
    out: dict[str, codelists.SchemeStage] = {}
    for stage in scheme.stages:
        for code in stage.covers:
            out.setdefault(code, stage)
    return out


def to_regulation(stages: list[dict], report: TranslationReport) -> list[tuple[str, Decimal, str]]:
    """Canonical stage data ``[{stage, value: {amount}}]`` (per declared unit) to
    ``[(regulation stage, value per declared unit, canonical source paths)]`` in the
    regulation's order."""
    scheme = codelists.stage_schemes()[SCHEME]
    covering = _covering(scheme)
    grouped: dict[str, list[tuple[int, str, Decimal]]] = {}
    for i, item in enumerate(stages):
        target = covering.get(item["stage"])
        if target is None:
            report.dropped(
                f"stages/{i}", TARGET,
                f"stage {item['stage']!r} is excluded by {scheme.name}; its value is not carried per stage "
                "(the declared total is not altered)",
            )
            continue
        grouped.setdefault(target.code, []).append((i, item["stage"], Decimal(item["value"]["amount"])))
    out = []
    for stage in scheme.stages:
        members = grouped.get(stage.code)
        if not members:
            continue
        where = f"{TARGET}[lifecycleStage={stage.code}]"
        transport = next((m[0] for m in members if m[1] == "transport"), None)
        if transport is not None:
            report.converted(
                f"stages/{transport}", where,
                f"regional transport (运输) assigned to {stage.code} by rule {scheme.transport_rule!r}: the regional "
                "stage does not separate inbound transport (Annex II: raw material acquisition) from distribution",
            )
        sources = ",".join(f"stages/{m[0]}" for m in members)
        if len(members) > 1:
            report.converted(sources, where, f"stages {', '.join(m[1] for m in members)} aggregated (summed exactly) into {stage.code}")
        out.append((stage.code, _exact_sum([m[2] for m in members]), sources))
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
