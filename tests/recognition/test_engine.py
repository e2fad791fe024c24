"""The engine: determinism, totality, what a decision records, and attestation handling."""

from __future__ import annotations

import dataclasses
import decimal
import json
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings

from gateway.core.errors import InvalidRequest
from gateway.core.model import GwpSet
from gateway.recognition import Decision, Outcome, assess, shipped_policies
from signing import canonicalize
from tests.strategies import declarations

AT = datetime(2026, 6, 1, tzinfo=timezone.utc)
REG = {"made": {"kind": "registered", "issuer": "urn:jjj:platform:hebei", "signed": "2026-03-16T00:00:00Z"}}
VER = {"made": {"kind": "verified", "issuer": "urn:jjj:verifier:jjj-cert", "signed": "2026-03-02T00:00:00Z"}}
STEEL = {"declaration": {"file": "documents/recognition/hebei-steel.json", "format_id": "canonical-json"}}


@pytest.fixture(scope="module")
def steel(made):
    decl, digest = made.declaration(STEEL["declaration"])
    return decl, digest, made.attestations([REG, VER], STEEL)


def _assess(pki, decl, digest, atts, policy="cn-tj", at=AT):
    return assess(decl, shipped_policies()[policy], attestations=atts, trust_list=pki.trust_list, at=at, declaration_digest=digest)


def test_same_inputs_give_identical_bytes(pki, steel) -> None:
    first = _assess(pki, *steel).canonical_json()
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_FLOOR)):
        second = _assess(pki, *steel).canonical_json()
    assert first == second
    assert first == canonicalize(json.loads(first))


def test_assessment_time_is_an_input(pki, steel) -> None:
    later = _assess(pki, *steel, at=datetime(2026, 6, 2, tzinfo=timezone.utc))
    assert later.canonical_json() != _assess(pki, *steel).canonical_json()
    assert later.assessed_at == "2026-06-02T00:00:00Z"


def test_decision_records_what_it_was_made_under(pki, steel) -> None:
    decl, digest, atts = steel
    policy = shipped_policies()["cn-tj"]
    data = _assess(pki, *steel).to_data()
    assert data["decision"] == "RECOGNISED"
    assert data["policy"] == {"id": "cn-tj", "version": policy.version, "region": "120000", "digest": policy.digest}
    assert data["trust_list"] == {"issuer": pki.trust_list.issuer, "sequence": pki.trust_list.sequence, "digest": pki.trust_list.digest}
    assert data["declaration"] == {"id": str(decl.id), "version": 1, "digest": digest, "region": "130000", "sector": "steel"}
    assert data["assessed_at"] == "2026-06-01T00:00:00Z"
    assert [a["status"] for a in data["attestations"]] == ["VALID", "VALID"]


def test_every_criterion_is_evaluated_after_a_failure(pki, steel) -> None:
    decl, digest, _ = steel
    broken = dataclasses.replace(decl, method=dataclasses.replace(decl.method, standards=(), gwp_set=None), validity=None)
    decision = _assess(pki, broken, digest, [])
    policy = shipped_policies()["cn-tj"]
    assert [c.id for c in decision.criteria] == ["policy-in-force", *(c.id for c in policy.criteria)]
    assert decision.decision is Decision.NOT_RECOGNISED
    assert set(decision.failing) == {"methodology", "gwp", "validity", "registration"}
    for c in decision.criteria:
        assert c.message.zh and c.message.en and c.evidence, c.id


def test_evidence_names_paths_and_values(pki, steel) -> None:
    decl, digest, atts = steel
    low = dataclasses.replace(decl, data_quality=dataclasses.replace(decl.data_quality, primary_data_share=decimal.Decimal("25.0")))
    result = _assess(pki, low, digest, atts).criterion("data-quality")
    assert result.outcome is Outcome.CONDITIONAL
    evidence = {e.path: e.value for e in result.evidence}
    assert evidence["data_quality/primary_data_share"] == "25.0"
    assert evidence["data_quality/dqr"] == "2"
    assert "30" in result.condition.en and "30" in result.condition.zh


def test_gwp_condition_carries_the_recharacterised_total(pki, steel) -> None:
    decl, digest, atts = steel
    ar5 = dataclasses.replace(decl, method=dataclasses.replace(decl.method, gwp_set=GwpSet.AR5))
    result = _assess(pki, ar5, digest, atts, policy="cn-bj").criterion("gwp")
    evidence = {e.path: e.value for e in result.evidence}
    # CH4-fossil 2 kg × (29.8 − 30) + N2O 0.04 kg × (273 − 265) = −0.4 + 0.32
    assert evidence["results/total_excluding_biogenic@AR6"] == "2150.32"


def test_attestations_may_be_bytes_and_bad_ones_are_named(pki, steel) -> None:
    decl, digest, atts = steel
    raw = [json.dumps(a).encode() for a in atts] + [b"{not json"]
    decision = _assess(pki, decl, digest, raw)
    assert decision.decision is Decision.RECOGNISED
    assert decision.attestations[2] == {"index": 2, "status": "MALFORMED_DOCUMENT", "message": decision.attestations[2]["message"]}


def test_naive_assessment_time_is_refused(pki, steel) -> None:
    with pytest.raises(InvalidRequest):
        _assess(pki, *steel, at=datetime(2026, 6, 1))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(decl=declarations())
def test_evaluators_are_total_and_deterministic(pki, decl) -> None:
    digest = "sha256:" + "ab" * 32
    for policy in shipped_policies().values():
        one = assess(decl, policy, trust_list=pki.trust_list, at=AT, declaration_digest=digest)
        two = assess(decl, policy, trust_list=pki.trust_list, at=AT, declaration_digest=digest)
        assert one.canonical_json() == two.canonical_json()
        assert len(one.criteria) == len(policy.criteria) + 1
        assert one.decision is Decision.NOT_RECOGNISED  # no registration attestation was given
        assert "registration" in one.failing or "registration" not in [c.id for c in policy.criteria]
