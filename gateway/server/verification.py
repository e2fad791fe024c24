"""Verifying a submission before it is stored: the signing-backed ``verify_submission``.

A declaration is stored only when

* it reads and validates in its stated format, its totals agree with their parts
  (:mod:`gateway.core.model.consistency`, strict here whatever the format), and its id,
  version, region and sector are the ones the request states;
* every attestation with it verifies against the trust list now and is about the
  document's canonical digest (never the raw bytes: two encodings of one JSON value are one
  document);
* at least one is a ``registered`` attestation by the submitting platform (the caller's
  certificate entity for a Submit, the originating peer for a replicated record) for the
  region it is the platform of, naming this declaration id, version and format.

Replicated attestations stored after their declaration go through :meth:`attestation`.
"""

from __future__ import annotations

from signing import RegisteredClaim, VerifiedAttestation, document_digest, verify_attestation
from signing.timeutil import utcnow
from signing.translation import media_of_format

from ..core.errors import FieldViolation, InvalidRequest, PermissionDenied, Unauthenticated
from ..core.i18n import N_
from ..core.model.consistency import check_consistency
from ..store import NewAttestation, NewDeclaration
from ..translate import read_for_register
from .config import ServerConfig
from .metrics import GatewayMetrics
from .observe import counted
from .replication import VerifyAttestation, accept_attestation
from .submission import Submission, VerifySubmission, accept_as_declared
from .trust import ATTESTATION_MEDIA_TYPE, GatewayTrust

ACCEPTED_ATTESTATION_TYPES = (ATTESTATION_MEDIA_TYPE, "application/json")


class SignedSubmissions:
    """``verify_submission`` (call it) and ``verify_attestation`` for the Replicator."""

    def __init__(self, trust: GatewayTrust) -> None:
        self.trust = trust

    def __call__(self, submission: Submission) -> NewDeclaration:
        s = submission
        sector = _check_document(s)
        digest = document_digest(s.content, media_of_format(s.format_id))
        verified = self._verify_all(s.attestations, digest)
        _check_registration(s, verified)
        return NewDeclaration(
            declaration_id=s.declaration_id, version=s.version, digest=digest, format_id=s.format_id,
            media_type=s.media_type, content=s.content, region=s.region, sector=s.sector or sector,
            product_id=s.product_id, source_peer=s.source_peer,
        )

    def attestation(self, declaration_digest: str, attestation: NewAttestation, source_peer: str) -> None:
        self._verify_all((attestation,), declaration_digest)

    def _verify_all(self, attestations: tuple[NewAttestation, ...], digest: str) -> list[VerifiedAttestation]:
        now = utcnow()
        trust_list = self.trust.current(now)
        out = []
        for i, a in enumerate(attestations):
            if a.media_type not in ACCEPTED_ATTESTATION_TYPES:
                raise InvalidRequest(N_("attestation media type {media_type!r} is not {attestation_media_type}", media_type=a.media_type, attestation_media_type=ATTESTATION_MEDIA_TYPE),
                                     path=f"attestations[{i}].media_type")
            out.append(verify_attestation(a.content, trust_list, at=now, expected_digest=digest))
        return out


def _check_document(s: Submission) -> str:
    """Read the document (raising its own reasons) and compare it with the stated metadata;
    return the document's sector."""
    decl = read_for_register(s.content, s.format_id).declaration
    check_consistency(decl)  # strict in the register, whatever format the document came in
    sector = decl.product.sector or ""
    # Region and sector are compared only where both the request and the document carry one.
    stated = {"declaration_id": (s.declaration_id, str(decl.id)), "version": (s.version, decl.version),
              "region": (s.region, decl.region or s.region), "sector": (s.sector, sector or s.sector)}
    problems = [
        FieldViolation(f"metadata.{name}", N_("states {given!r}, the document says {actual!r}", given=given, actual=actual))
        for name, (given, actual) in stated.items() if given and given != actual
    ]
    if problems:
        raise InvalidRequest(N_("the metadata disagrees with the document"), violations=problems)
    return sector


def _check_registration(s: Submission, verified: list[VerifiedAttestation]) -> None:
    registrar = s.source_peer or s.submitter
    if registrar is None:
        raise Unauthenticated(N_("a submission needs a client certificate naming the registering platform"))
    registrations = [v for v in verified if isinstance(v.claim, RegisteredClaim)]
    if not registrations:
        raise InvalidRequest(N_("a registered attestation by {registrar} must come with the declaration", registrar=registrar),
                             path="attestations")
    own = [v for v in registrations if v.issuer.id == registrar]
    if not own:
        issuers = ", ".join(sorted({v.issuer.id for v in registrations}))
        raise PermissionDenied(N_("the declaration is registered by {issuers}; {registrar} cannot submit it as theirs", issuers=issuers, registrar=registrar),
                               caller=registrar, registered_by=issuers)
    for v in own:
        claim: RegisteredClaim = v.claim  # type: ignore[assignment]
        wanted = {"declaration_id": (claim.declaration_id, s.declaration_id), "version": (claim.version, s.version),
                  "format_id": (claim.format, s.format_id), "region": (claim.region, s.region)}
        problems = [FieldViolation(f"metadata.{name}" if name != "format_id" else "document.format_id",
                                   N_("the registered attestation says {attested!r}, the request {given!r}", attested=attested, given=given))
                    for name, (attested, given) in wanted.items() if attested != given]
        if problems:
            raise InvalidRequest(N_("the registered attestation is about another declaration"), violations=problems)
        if v.issuer.region != s.region:
            raise PermissionDenied(N_("{id} registers declarations of region {region}, not {region2}", id=v.issuer.id, region=v.issuer.region, region2=s.region),
                                   caller=registrar)


def verifiers(config: ServerConfig, metrics: GatewayMetrics | None = None,
              ) -> tuple[GatewayTrust | None, VerifySubmission, VerifyAttestation]:
    """The trust list and the Submit and Sync checks ``config`` asks for (with ``[trust]``:
    signatures against the list, counted in ``metrics``; without: accepted as declared)."""
    trust = GatewayTrust.from_config(config)
    if trust is None:
        return None, accept_as_declared, accept_attestation
    signed = SignedSubmissions(trust)
    if metrics is None:
        return trust, signed, signed.attestation
    return trust, counted(signed, metrics), counted(signed.attestation, metrics)

