"""Everything a criterion may look at, prepared once per assessment.

Attestations are verified here, once, against the trust list at the assessment time and
against the declaration digest; criteria read the results (valid ones and the reasons the
others failed) instead of verifying again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.core.errors import GatewayError
from gateway.core.model import Declaration
from gateway.recognition.equivalence import EquivalenceTable
from signing import TrustList, VerifiedAttestation, loads, verify_attestation


@dataclass(frozen=True)
class AttestationCheck:
    """One attestation given with the declaration: verified, or the reason it was not."""

    index: int
    kind: str | None
    issuer: str | None
    credential_id: str | None
    verified: VerifiedAttestation | None
    error: str | None
    message: str | None

    def to_data(self) -> dict[str, Any]:
        if self.verified is not None:  # a verified one has every label and no message
            return {"index": self.index, "kind": self.kind, "issuer": self.issuer, "credential_id": self.credential_id, "status": "VALID"}
        out: dict[str, Any] = {"index": self.index, "kind": self.kind, "issuer": self.issuer, "credential_id": self.credential_id}
        out["status"] = self.error
        if self.message:
            out["message"] = self.message
        return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True)
class Context:
    declaration: Declaration
    sector: str | None
    at: datetime
    assessed_at: str
    """``at`` as the decision writes it (RFC 3339), formatted once for every criterion."""
    trust_list: TrustList
    attestations: tuple[AttestationCheck, ...]
    declaration_digest: str
    tables: dict[str, EquivalenceTable]

    def invalid(self, kind: str) -> tuple[AttestationCheck, ...]:
        return tuple(a for a in self.attestations if a.kind == kind and a.verified is None)


def _check(index: int, kind: str | None, issuer: str | None, credential_id: str | None,
           verified: VerifiedAttestation | None, error: str | None, message: str | None) -> AttestationCheck:
    """What ``AttestationCheck(...)`` makes, as its fields' dict: the frozen constructor's
    object.__setattr__ per field cost about as much as everything else an assessment does with
    the check."""
    check = object.__new__(AttestationCheck)
    check.__dict__.update(index=index, kind=kind, issuer=issuer, credential_id=credential_id, verified=verified,
                          error=error, message=message)
    return check


def make_context(declaration: Declaration, sector: str | None, at: datetime, assessed_at: str, trust_list: TrustList,
                 attestations: tuple[AttestationCheck, ...], declaration_digest: str,
                 tables: dict[str, EquivalenceTable]) -> Context:
    """What ``Context(...)`` makes, as its fields' dict (one per assessment; see ``_check``)."""
    ctx = object.__new__(Context)
    ctx.__dict__.update(declaration=declaration, sector=sector, at=at, assessed_at=assessed_at, trust_list=trust_list,
                        attestations=attestations, declaration_digest=declaration_digest, tables=tables)
    return ctx


def check_attestations(
    attestations: tuple[dict[str, Any] | bytes, ...], trust_list: TrustList, at: datetime, declaration_digest: str
) -> tuple[AttestationCheck, ...]:
    out = []
    for i, vc in enumerate(attestations):
        if not isinstance(vc, dict):
            try:
                vc = loads(bytes(vc))
            except GatewayError as exc:
                out.append(_check(i, None, None, None, None, exc.reason, exc.message))
                continue
        try:
            verified = verify_attestation(vc, trust_list, at=at, expected_digest=declaration_digest)
        except GatewayError as exc:
            out.append(_check(i, *_peek(vc), None, exc.reason, exc.message))
            continue
        out.append(_check(i, verified.claim.kind, verified.issuer.id, verified.credential_id, verified, None, None))
    return tuple(out)


def _peek(vc: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """Unverified labels (kind, issuer, id) so a refused attestation can still be named."""
    subject = vc.get("credentialSubject")
    claim = subject.get("claim") if isinstance(subject, dict) else None
    kind = claim.get("kind") if isinstance(claim, dict) and isinstance(claim.get("kind"), str) else None
    issuer = vc.get("issuer") if isinstance(vc.get("issuer"), str) else None
    cid = vc.get("id") if isinstance(vc.get("id"), str) else None
    return kind, issuer, cid
