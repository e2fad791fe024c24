"""Signed decisions: a ``recognised`` attestation whose subject is the decision itself.

The decision's canonical JSON (RFC 8785) is embedded and digested, and the claim repeats
the policy, decision, declaration id and decision digest, so anyone holding the trust list
can verify it later and see exactly what was decided, under which rules, about which
declaration digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.core.errors import DigestMismatch
from gateway.core.i18n import N_
from signing import PrivateKey, RecognisedClaim, TrustList, VerifiedAttestation, issue_attestation, verify_attestation

from gateway.recognition.outcome import RecognitionDecision


def sign_decision(
    decision: RecognitionDecision,
    *,
    key: PrivateKey,
    issuer_id: str,
    verification_method: str,
    receiving_region: str,
    signed_at: datetime,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """The decision as a VC 2.0 ``recognised`` attestation (decision embedded)."""
    claim = RecognisedClaim(
        receiving_region=receiving_region,
        policy_id=decision.policy["id"],
        policy_version=decision.policy["version"],
        decision=decision.decision.value,
        declaration_id=decision.declaration["id"],
        decision_digest=decision.digest,
    )
    return issue_attestation(
        claim, decision.digest, key=key, issuer_id=issuer_id, verification_method=verification_method,
        valid_from=signed_at, valid_until=valid_until, embed=decision.canonical_json(), created=signed_at,
        credential_id=f"urn:jjj:recognition:{decision.digest[7:]}",
    )


@dataclass(frozen=True)
class VerifiedDecision:
    """A verified signed decision: the attestation and the decision data it carries."""

    attestation: VerifiedAttestation
    decision: dict[str, Any]


def verify_decision(vc: dict[str, Any] | bytes, trust_list: TrustList, *, at: datetime | None = None) -> VerifiedDecision:
    """Verify a signed decision; the claim must agree with the embedded decision."""
    verified = verify_attestation(vc, trust_list, at=at)
    claim = verified.claim
    data = verified.embedded
    if not isinstance(claim, RecognisedClaim) or not isinstance(data, dict):
        raise DigestMismatch(N_("not a recognised attestation with an embedded decision"), path="/credentialSubject")
    expected = {
        "policy_id": data.get("policy", {}).get("id"), "policy_version": data.get("policy", {}).get("version"),
        "decision": data.get("decision"), "declaration_id": data.get("declaration", {}).get("id"),
        "decision_digest": verified.subject_digest,
    }
    for name, value in expected.items():
        if getattr(claim, name) != value:
            raise DigestMismatch(N_("claim {name} {value!r} disagrees with the decision ({value2!r})", name=name, value=getattr(claim, name), value2=value),
                                 path=f"/credentialSubject/claim/{name}")
    return VerifiedDecision(verified, data)
