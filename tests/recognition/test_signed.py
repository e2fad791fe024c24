"""Signed decisions: a `recognised` attestation that anyone holding the trust list can verify."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

import pytest

from gateway.core.errors import DigestMismatch, InvalidSignature, SignerNotAuthorised
from gateway.recognition import assess, shipped_policies, sign_decision, verify_decision

AT = datetime(2026, 6, 1, tzinfo=timezone.utc)
STEEL = {"declaration": {"file": "documents/recognition/hebei-steel.json", "format_id": "canonical-json"}}


@pytest.fixture(scope="module")
def decision(pki, made):
    decl, digest = made.declaration(STEEL["declaration"])
    atts = made.attestations([
        {"made": {"kind": "registered", "issuer": "urn:jjj:platform:hebei", "signed": "2026-03-16T00:00:00Z"}},
        {"made": {"kind": "verified", "issuer": "urn:jjj:verifier:jjj-cert", "signed": "2026-03-02T00:00:00Z"}}], STEEL)
    return assess(decl, shipped_policies()["cn-tj"], attestations=atts, trust_list=pki.trust_list, at=AT, declaration_digest=digest)


def _sign(pki, decision, who="tianjin"):
    ent = pki[who]
    return sign_decision(decision, key=ent.ed25519, issuer_id=ent.id, verification_method=ent.ed25519_key_id,
                         receiving_region="120000", signed_at=AT)


def test_signed_decision_verifies_and_carries_the_decision(pki, decision) -> None:
    vc = _sign(pki, decision)
    verified = verify_decision(vc, pki.trust_list, at=AT + timedelta(days=1))
    assert verified.decision == decision.to_data()
    claim = verified.attestation.claim
    assert (claim.kind, claim.policy_id, claim.decision, claim.decision_digest) == ("recognised", "cn-tj", "RECOGNISED", decision.digest)
    assert verified.attestation.subject_digest == decision.digest
    assert verified.attestation.issuer.id == "urn:jjj:platform:tianjin"


def test_signing_is_deterministic_for_ed25519(pki, decision) -> None:
    assert _sign(pki, decision) == _sign(pki, decision)


def test_tampered_decision_is_refused(pki, decision) -> None:
    vc = _sign(pki, decision)
    forged = copy.deepcopy(vc)
    forged["credentialSubject"]["document"]["decision"] = "NOT_RECOGNISED"
    with pytest.raises((DigestMismatch, InvalidSignature)):
        verify_decision(forged, pki.trust_list, at=AT)


def test_claim_must_agree_with_the_embedded_decision(pki, decision) -> None:
    from signing import RecognisedClaim, issue_attestation

    ent = pki["tianjin"]
    claim = RecognisedClaim("120000", "cn-tj", decision.policy["version"], "RECOGNISED_WITH_CONDITIONS", decision.declaration["id"], decision.digest)
    vc = issue_attestation(claim, decision.digest, key=ent.ed25519, issuer_id=ent.id, verification_method=ent.ed25519_key_id,
                           valid_from=AT, created=AT, embed=decision.canonical_json())
    with pytest.raises(DigestMismatch) as info:
        verify_decision(vc, pki.trust_list, at=AT)
    assert info.value.path == "/credentialSubject/claim/decision"


def test_only_platforms_and_the_coordination_body_sign_decisions(pki, decision) -> None:
    with pytest.raises(SignerNotAuthorised):
        verify_decision(_sign(pki, decision, who="verifier"), pki.trust_list, at=AT)
    assert verify_decision(_sign(pki, decision, who="coordination-body"), pki.trust_list, at=AT).attestation.issuer.role.value == "coordination-body"
