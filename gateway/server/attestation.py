"""AttestationService: Sign with the gateway's key, Verify against the trust list, GetTrustList."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import grpc

from signing import (
    TrustList,
    VerifiedAttestation,
    claim_from_json,
    document_digest,
    verify_attestation,
    verify_chain,
    verify_xml,
)
from signing.jcs import canonicalize, loads
from signing.timeutil import utcnow
from signing.translation import media_of_format

from .._proto import attestation_pb2, attestation_pb2_grpc, document_pb2
from ..core.errors import ConfigurationError, InvalidRequest
from ..core.i18n import N_
from ..translate import read_for_register
from .convert import from_timestamp, timestamp
from .translation import source_format
from .trust import ATTESTATION_MEDIA_TYPE, GatewayTrust
from .verification import ACCEPTED_ATTESTATION_TYPES

_CLAIM_TYPES = {
    kind: attestation_pb2.ClaimType.Value(f"CLAIM_TYPE_{kind.upper()}")
    for kind in ("registered", "verified", "translated", "recognised", "conformance")
}
_KINDS = {value: kind for kind, value in _CLAIM_TYPES.items()}


def verified_message(v: VerifiedAttestation) -> attestation_pb2.VerifiedAttestation:
    """Only what was verified: issuer, key, claim, digest and times."""
    claim = v.claim
    message = attestation_pb2.VerifiedAttestation(
        issuer=v.issuer.id, key_id=v.key.id, claim_type=_CLAIM_TYPES[claim.kind], digest=v.subject_digest,
        format_id=getattr(claim, "format", None) or getattr(claim, "output_format", None) or "",
        declaration_id=getattr(claim, "declaration_id", None) or "", version=getattr(claim, "version", None) or 0,
        issued_at=timestamp(v.signed_at), claim_json=canonicalize(claim.to_json()),
    )
    if v.valid_until is not None:
        message.expires_at.CopyFrom(timestamp(v.valid_until))
    return message


def _attestation_contents(attestations: Any, field: str) -> list[bytes]:
    for i, a in enumerate(attestations):
        if a.media_type not in ACCEPTED_ATTESTATION_TYPES:
            raise InvalidRequest(N_("attestation media type {media_type!r} is not {attestation_media_type}", media_type=a.media_type, attestation_media_type=ATTESTATION_MEDIA_TYPE),
                                 path=f"{field}[{i}].media_type")
    return [a.content for a in attestations]


def _document_facts(document: document_pb2.Document, format_id: str) -> dict[str, Any]:
    """What a registered or verified claim states about a declaration, read from it."""
    decl = read_for_register(document.content, format_id).declaration
    facts = {"format": format_id, "declarationId": str(decl.id), "version": decl.version,
             "region": decl.region, "sector": decl.product.sector}
    return {k: v for k, v in facts.items() if v is not None}


def is_xml_media_type(media_type: str) -> bool:
    return media_type in ("application/xml", "text/xml") or (
        media_type.startswith("application/") and media_type.endswith("+xml"))


def _verify_xml_signature(request: attestation_pb2.VerifyRequest, trust_list: TrustList,
                          at: datetime) -> attestation_pb2.VerifyResponse:
    """The enveloped XMLDSig signature of ``request.document``; only the signer and the
    signed bytes go back, never anything read from the document as sent."""
    others = [name for name in ("attestations", "challenge", "domain") if getattr(request, name)]
    if others:
        raise InvalidRequest(N_("{value} must be empty when xml_signature is set", value=others[0]), path=others[0])
    if not request.document.content:
        raise InvalidRequest(N_("xml_signature needs the signed XML document"), path="document.content")
    if not is_xml_media_type(request.document.media_type):
        raise InvalidRequest(N_("xml_signature needs an XML media type, not {media_type!r}", media_type=request.document.media_type),
                             path="document.media_type")
    verified = verify_xml(request.document.content, trust_list, at=at)
    return attestation_pb2.VerifyResponse(xml_signature=attestation_pb2.VerifiedXmlSignature(
        signer=verified.signer.id, signed_xml=verified.signed_bytes))


class AttestationServicer(attestation_pb2_grpc.AttestationServiceServicer):
    def __init__(self, trust: GatewayTrust | None) -> None:
        self._trust = trust

    @property
    def trust(self) -> GatewayTrust:
        if self._trust is None:
            raise ConfigurationError(N_("this gateway has no trust list ([trust] is not configured)"), path="trust.list")
        return self._trust

    def Sign(self, request: attestation_pb2.SignRequest, context: grpc.ServicerContext) -> attestation_pb2.SignResponse:
        self.trust.require_signer()
        kind = _KINDS.get(request.claim_type)
        if kind is None:
            raise InvalidRequest(N_("claim_type is required"), path="claim_type")
        if request.media_type not in ("", ATTESTATION_MEDIA_TYPE):
            raise InvalidRequest(N_("this gateway issues {attestation_media_type} attestations only", attestation_media_type=ATTESTATION_MEDIA_TYPE), path="media_type")
        fmt = source_format(request.document)
        stated = loads(request.claim_json) if request.claim_json else {}
        if not isinstance(stated, dict):
            raise InvalidRequest(N_("claim_json must be a JSON object"), path="claim_json")
        facts = _document_facts(request.document, fmt.id) if kind in ("registered", "verified") else {}
        if kind == "verified":
            facts.pop("region", None)
        claim = claim_from_json({**facts, **stated, "kind": kind})
        now = utcnow()
        trust_list = self.trust.current(now)
        for content in _attestation_contents(request.predecessors, "predecessors"):
            verify_attestation(content, trust_list, at=now)
        media = media_of_format(fmt.id)
        digest = document_digest(request.document.content, media)
        content = self.trust.sign(claim, digest, media=media)
        return attestation_pb2.SignResponse(
            attestation=document_pb2.Attestation(media_type=ATTESTATION_MEDIA_TYPE, content=content), digest=digest,
        )

    def Verify(self, request: attestation_pb2.VerifyRequest,
               context: grpc.ServicerContext) -> attestation_pb2.VerifyResponse:
        at = from_timestamp(request, "at_time") or utcnow()
        supplied = request.trust_list if request.HasField("trust_list") else None
        if request.xml_signature:
            return _verify_xml_signature(request, self.trust.for_request(supplied, at), at)
        contents = _attestation_contents(request.attestations, "attestations")
        if not contents:
            raise InvalidRequest(N_("at least one attestation is required"), path="attestations")
        trust_list = self.trust.for_request(supplied, at)
        if request.challenge or request.domain or not request.document.content:
            bound = {"challenge": request.challenge or None, "domain": request.domain or None}
            singles = [verify_attestation(c, trust_list, at=at, **bound) for c in contents]
            if not request.document.content:
                return attestation_pb2.VerifyResponse(verified=[verified_message(v) for v in singles])
        fmt = source_format(request.document)
        chain = verify_chain(request.document.content, media_of_format(fmt.id), contents, trust_list, at,
                             document_format=fmt.id)
        ordered = [*chain.original, *reversed(chain.translations)]
        return attestation_pb2.VerifyResponse(verified=[verified_message(v) for v in ordered])

    def GetTrustList(self, request: attestation_pb2.GetTrustListRequest,
                     context: grpc.ServicerContext) -> attestation_pb2.GetTrustListResponse:
        document, trust_list = self.trust.document()
        return attestation_pb2.GetTrustListResponse(trust_list=document, media_type="application/json",
                                                    sequence=trust_list.sequence)
