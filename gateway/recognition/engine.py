"""``assess``: a declaration, its attestations and a trust list under a policy → a decision.

Pure and deterministic: the only inputs are the arguments (the assessment time is one of
them), every criterion is evaluated even after a failure, and the decision's canonical JSON
is the same bytes for the same inputs.

Decision rules (the policy sets ``max_conditions`` and each criterion's ``on_fail``):

1. A criterion that FAILs with ``on_fail = "refuse"`` (the default) refuses recognition;
   one with ``on_fail = "condition"`` adds a condition instead.
2. Every CONDITIONAL criterion adds its condition.
3. Any refusal → NOT_RECOGNISED; more conditions than ``max_conditions`` → NOT_RECOGNISED;
   any condition → RECOGNISED_WITH_CONDITIONS; otherwise RECOGNISED.
4. A policy not in force at the assessment time refuses (criterion ``policy-in-force``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from gateway.core.errors import InvalidRequest
from gateway.core.i18n import N_
from gateway.core.model import Declaration
from gateway.core.model.serde import format_datetime
from gateway.recognition.context import check_attestations, make_context
from gateway.recognition.criteria import KINDS, Evaluator
from gateway.recognition.criteria._common import ev
from gateway.recognition.outcome import (
    Bilingual, CriterionResult, Decision, Finding, Outcome, RecognitionDecision, build_bilingual, build_decision, result_of,
)
from gateway.recognition.policy import RecognitionPolicy
from signing import TrustList, parse_digest

_FAIL = Outcome.FAIL


def assess(
    declaration: Declaration,
    policy: RecognitionPolicy,
    *,
    attestations: Sequence[dict[str, Any] | bytes] = (),
    trust_list: TrustList,
    at: datetime,
    declaration_digest: str,
) -> RecognitionDecision:
    """Assess ``declaration`` under ``policy`` at time ``at`` (timezone-aware)."""
    if at.tzinfo is None:
        raise InvalidRequest(N_("the assessment time needs a UTC offset"), path="at")
    digest = "sha256:" + parse_digest(declaration_digest)
    checks = check_attestations(tuple(attestations), trust_list, at, digest)
    assessed_at = format_datetime(at)
    sector = declaration.product.sector
    ctx = make_context(declaration, sector, at, assessed_at, trust_list, checks, digest, policy.tables)
    results = [_in_force(policy, at)]
    append = results.append
    for cid, kind, evaluate, prepared, refuse, fixed in _plan(policy, sector):
        append(fixed if evaluate is None else _result(cid, kind, evaluate(prepared, ctx), refuse))
    decision, summary = _decide(policy, results)
    about = {"id": str(declaration.id), "version": declaration.version, "digest": digest}
    if declaration.region is not None:
        about["region"] = declaration.region
    if sector is not None:
        about["sector"] = sector
    return build_decision(
        decision, policy.summary(), {"issuer": trust_list.issuer, "sequence": trust_list.sequence, "digest": trust_list.digest},
        about, assessed_at, tuple(results), summary, tuple([a.to_data() for a in checks]),
    )


# (id, kind, evaluator, its prepared parameters, whether a FAIL refuses, the result when it is fixed)
_Step = tuple[str, str, Evaluator | None, Any, bool, CriterionResult | None]


def _plan(policy: RecognitionPolicy, sector: str | None) -> tuple[_Step, ...]:
    """Each criterion of ``policy`` for a declaration of ``sector``: its id, kind, evaluator and
    prepared parameters (the sector's overrides merged, then prepared by the kind), or, for a
    criterion whose finding follows from the policy and sector alone (one restricted to other
    sectors is NOT_APPLICABLE), its result (immutable). Made once per policy and sector: every
    assessment under them walks the same list."""
    plans = policy.__dict__.setdefault("_plans", {})
    plan = plans.get(sector)
    if plan is None:
        steps = []
        for spec in policy.criteria:
            refuse = spec.on_fail == "refuse"
            if spec.sectors is not None and sector not in spec.sectors:
                found: Finding | None = (
                    Outcome.NOT_APPLICABLE, f"本项只适用于：{'、'.join(spec.sectors)}。", f"Applies only to: {', '.join(spec.sectors)}.",
                    (ev("product/sector", sector),), None)
            else:
                kind = KINDS[spec.kind]
                params = spec.params_for(sector)
                prepared = kind.prepare(params, sector, policy.tables) if kind.prepare else params
                found = kind.fixed(prepared, sector) if kind.fixed else None
                if found is None:
                    steps.append((spec.id, spec.kind, kind.evaluate, prepared, refuse, None))
                    continue
            steps.append((spec.id, spec.kind, None, None, refuse, _result(spec.id, spec.kind, found, refuse)))
        plan = plans[sector] = tuple(steps)
    return plan


def _in_force(policy: RecognitionPolicy, at: datetime) -> CriterionResult:
    in_force, not_in_force = _in_force_results(policy)
    if at < policy.effective_from or (policy.effective_until is not None and at >= policy.effective_until):
        return not_in_force
    return in_force


def _in_force_results(policy: RecognitionPolicy) -> tuple[CriterionResult, CriterionResult]:
    """Both possible ``policy-in-force`` results (immutable, from the policy alone), made once
    per policy: every assessment under it gives one of them."""
    made = policy.__dict__.get("_in_force_results")
    if made is None:
        evidence = [ev("policy/effective/from", format_datetime(policy.effective_from))]
        if policy.effective_until is not None:
            evidence.append(ev("policy/effective/until", format_datetime(policy.effective_until)))
        name = f"{policy.id} {policy.version}"
        made = (
            _result("policy-in-force", "policy-in-force", (
                Outcome.PASS, f"政策 {name} 在评估时生效。", f"Policy {name} is in force at the assessment time.", tuple(evidence), None), True),
            _result("policy-in-force", "policy-in-force", (
                Outcome.FAIL, f"政策 {name} 在评估时不生效。", f"Policy {name} is not in force at the assessment time.", tuple(evidence), None), True),
        )
        policy.__dict__["_in_force_results"] = made
    return made


def _result(cid: str, kind: str, found: Finding, refuse: bool) -> CriterionResult:
    """A finding under the decision rules (1 and 2 of the module's)."""
    outcome, zh, en, evidence, condition = found
    if outcome is not _FAIL:
        return result_of(cid, kind, outcome, zh, en, evidence, condition, False)
    if refuse:
        return result_of(cid, kind, outcome, zh, en, evidence, condition, True)
    return result_of(cid, kind, outcome, zh, en, evidence, build_bilingual(f"须补正：{zh}", f"To be remedied: {en}"), False)


def _decide(policy: RecognitionPolicy, results: list[CriterionResult]) -> tuple[Decision, Bilingual]:
    refusing = [r.id for r in results if r.refuses]
    conditions = [r.id for r in results if r.condition is not None and not r.refuses]
    name = f"{policy.id} {policy.version}"
    if refusing:
        return Decision.NOT_RECOGNISED, Bilingual(
            f"依据 {name} 不予认可：{'、'.join(refusing)} 未满足。", f"Not recognised under {name}: {', '.join(refusing)} not met.")
    if policy.max_conditions is not None and len(conditions) > policy.max_conditions:
        return Decision.NOT_RECOGNISED, Bilingual(
            f"依据 {name} 不予认可：附加条件 {len(conditions)} 项，超过上限 {policy.max_conditions} 项（{'、'.join(conditions)}）。",
            f"Not recognised under {name}: {len(conditions)} conditions ({', '.join(conditions)}) exceed the maximum of {policy.max_conditions}.")
    if conditions:
        return Decision.RECOGNISED_WITH_CONDITIONS, Bilingual(
            f"依据 {name} 附条件认可：{'、'.join(conditions)}。", f"Recognised under {name} with conditions: {', '.join(conditions)}.")
    return Decision.RECOGNISED, Bilingual(f"依据 {name} 予以认可。", f"Recognised under {name}.")
