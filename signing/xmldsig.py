"""XML signatures: XMLDSig enveloped signatures with XAdES-B-B properties, through signxml.

Profile: one ``ds:Signature`` as a direct child of the document element, ``URI=""`` (the
whole document, enveloped-signature transform), exclusive C14N 1.0 without comments,
ECDSA P-256 with SHA-256 (signxml has no EdDSA), the signer's certificate chain in
X509Data, and XAdES-B-B signed properties (SigningTime, SigningCertificateV2) added by
signxml's XAdES signer (:mod:`signing.xades`).

Verification settings, each measured to matter (see docs/signing.md, threat model):

* ``location="./"`` — signxml's default ``.//`` accepts a signature moved into a nested
  element, which a wrapping attack relies on;
* the references pinned: exactly 3 for XAdES (document ``URI=""``, SignedProperties,
  KeyInfo; :func:`signing.xades.check_xades_layout`), exactly 1 (``URI=""``) for a plain
  XMLDSig signature; only ECDSA-SHA256 / SHA-256 accepted;
* the signer's certificate must be pinned for, or chain to the CA of, a trust-list entity
  whose id is the certificate's SAN URI — never the system store, never a bare KeyInfo key;
  signxml verifies with that certificate (``x509_cert``) only, and SigningCertificateV2
  must name it;
* the signer is judged at the signed SigningTime: a key revoked after it still verifies,
  with a note; a SigningTime in the future (beyond the clock skew) is refused. A plain
  XMLDSig signature has no signed time: it is judged at verification time, with a note;
* exactly one ``ds:Signature`` in the whole document, parsed with the hardened parser (no
  DTD, no entities);
* callers get :attr:`VerifiedXml.signed_xml` — the canonical bytes signxml verified,
  re-parsed — and nothing of the input tree: signxml accepts a wrapped document by design,
  and a comment inside a signed value verifies while lxml's ``.text`` stops at the comment.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import signxml
from cryptography import x509
from lxml import etree
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConfiguration,
    SignatureConstructionMethod,
    SignatureMethod,
    XMLVerifier,
)
from signxml.exceptions import (
    InvalidCertificate,
    InvalidDigest,
    InvalidInput,
    SignXMLException,
)
from signxml.xades import XAdESSignatureConfiguration, XAdESVerifier

from gateway.core.errors import (
    AttestationNotYetValid,
    InvalidSignature,
    MalformedProof,
    UnsupportedAlgorithm,
    UntrustedSigner,
)
from gateway.core.i18n import N_

from . import xades
from .attestation import CLOCK_SKEW
from .keys import Algorithm, PrivateKey
from .timeutil import format_time, utcnow
from .trustlist import Entity, StatusChange, TrustedKey, TrustList
from .xmlparse import parse_xml

__all__ = ["VerifiedXml", "sign_xml", "verify_xml"]

DS_NS = "http://www.w3.org/2000/09/xmldsig#"
_PINNED: dict[str, Any] = {
    "location": "./",
    "signature_methods": frozenset({SignatureMethod.ECDSA_SHA256}),
    "digest_algorithms": frozenset({DigestAlgorithm.SHA256}),
}
_XADES_REFERENCES = 3  # the document, SignedProperties, KeyInfo (signing.xades)


def sign_xml(
    xml_bytes: bytes,
    key: PrivateKey,
    cert_chain_pem: bytes | list[bytes],
    *,
    signing_time: datetime | None = None,
) -> bytes:
    """Return ``xml_bytes`` with an enveloped XAdES-B-B signature by ``key`` (ES256 only).

    ``cert_chain_pem``: the signer's certificate first, then any intermediates.
    ``signing_time`` (default now, timezone-aware) is the signed XAdES SigningTime, the
    moment at which verifiers judge the signer's key.
    """
    if key.algorithm is not Algorithm.ES256:
        raise UnsupportedAlgorithm(N_("XML signatures use ECDSA P-256 (signxml has no EdDSA)"))
    root = parse_xml(xml_bytes).getroot()
    if root.find(f".//{{{DS_NS}}}Signature") is not None:
        raise MalformedProof(N_("document is already signed"))
    certs = _split_pem(cert_chain_pem)
    signer = xades.ProfileSigner(
        signing_time or utcnow(),
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=SignatureMethod.ECDSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed = signer.sign(root, key=key.key, cert=certs, always_add_key_value=False)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


@dataclass(frozen=True)
class VerifiedXml:
    """What an XML signature established: the signed XML, who signed it and when.

    ``signed_at`` is the signed XAdES SigningTime (None for a plain XMLDSig signature, whose
    signer was then judged at ``checked_at``); ``key`` the trust-list key of the signing
    certificate, if listed; ``notes`` and ``later_status`` report status changes of that
    key after the signing time, as for JSON attestations.
    """

    signed_xml: etree._Element
    signed_bytes: bytes
    signer: Entity
    certificate: x509.Certificate
    checked_at: datetime
    signed_at: datetime | None = None
    key: TrustedKey | None = None
    notes: tuple[str, ...] = ()
    later_status: tuple[StatusChange, ...] = ()


def verify_xml(xml_bytes: bytes, trust_list: TrustList, at: datetime | None = None) -> VerifiedXml:
    """Verify an enveloped XML signature against the trust list at ``at`` (default now).

    XAdES-B-B: the signer is judged at the signed SigningTime. Plain XMLDSig (no XAdES
    element at all): accepted, the signer judged at ``at``, with a note saying so.
    """
    now = at or utcnow()
    root = parse_xml(xml_bytes).getroot()
    signatures = root.findall(f".//{{{DS_NS}}}Signature")
    if len(signatures) != 1:
        raise InvalidSignature(N_("expected exactly one ds:Signature, found {count}", count=len(signatures)))
    signature = signatures[0]
    if signature.getparent() is not root:
        raise InvalidSignature(N_("ds:Signature must be a direct child of the document element"))
    chain = _certificate_chain(signature)
    if xades.is_xades(signature):
        claimed = xades.claimed_signing_time(signature)
        config = XAdESSignatureConfiguration(**_PINNED, expect_references=_XADES_REFERENCES, verification_time=claimed)
        results = _verify(XAdESVerifier(), xml_bytes, chain[0], config)
        layout = xades.check_xades_layout(results, chain[0])
        document, signed_at = layout.document, layout.properties.signing_time
        if signed_at != claimed:
            raise InvalidSignature(N_("SigningTime read before verification differs from the signed one"))
        if signed_at > now + CLOCK_SKEW:
            raise AttestationNotYetValid(N_("XAdES SigningTime {value} is in the future", value=format_time(signed_at)), path="SigningTime")
        judged_at: datetime = signed_at
    else:
        config = SignatureConfiguration(**_PINNED, expect_references=1, verification_time=now)
        document = _verify(XMLVerifier(), xml_bytes, chain[0], config)
        xades.check_document_reference(document.signature_xml, 0)
        signed_at, judged_at = None, now
    signer = trust_list.entity_for_certificate(chain[0], chain[1:], at=judged_at)
    key = trust_list.key_for_certificate(chain[0])
    later = key.later_changes(signed_at) if key is not None and signed_at is not None else ()
    return VerifiedXml(
        signed_xml=document.signed_xml,
        signed_bytes=document.signed_data,
        signer=signer,
        certificate=chain[0],
        checked_at=now,
        signed_at=signed_at,
        key=key,
        notes=_notes(key, later, signed_at, now),
        later_status=later,
    )


def _notes(key: TrustedKey | None, later: tuple[StatusChange, ...], signed_at: datetime | None,
           now: datetime) -> tuple[str, ...]:
    if signed_at is None:
        return (f"plain XMLDSig signature without XAdES SigningTime: signer checked at verification time {format_time(now)}",)
    return tuple(c.note_after_signature(key.id) for c in later if key is not None)


def _verify(verifier: XMLVerifier, xml_bytes: bytes, cert: x509.Certificate, config: SignatureConfiguration) -> Any:
    """Run signxml with the pinned configuration and map its exceptions to ours."""
    try:
        return verifier.verify(xml_bytes, x509_cert=cert, expect_config=config)
    except InvalidCertificate as exc:
        raise UntrustedSigner(N_("XML signer certificate: {exc}", exc=exc)) from None
    except (signxml.InvalidSignature, InvalidDigest) as exc:
        raise InvalidSignature(N_("XML signature does not verify: {exc}", exc=exc)) from None
    except (InvalidInput, SignXMLException) as exc:
        raise InvalidSignature(N_("XML signature refused: {exc}", exc=exc)) from None
    except etree.DocumentInvalid as exc:  # signxml validates the Signature against the XMLDSig/XAdES schemas
        raise InvalidSignature(N_("XML signature is not schema-valid: {exc}", exc=exc)) from None


def _certificate_chain(signature: etree._Element) -> list[x509.Certificate]:
    certs = signature.findall(f"{{{DS_NS}}}KeyInfo/{{{DS_NS}}}X509Data/{{{DS_NS}}}X509Certificate")
    if not certs:
        raise UntrustedSigner(N_("XML signature carries no X509Certificate"))
    try:
        return [x509.load_der_x509_certificate(_b64(c.text or "")) for c in certs]
    except ValueError as exc:
        raise MalformedProof(N_("X509Certificate is not a certificate: {exc}", exc=exc)) from None


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except binascii.Error as exc:
        raise MalformedProof(N_("X509Certificate is not base64: {exc}", exc=exc)) from None


def _split_pem(chain: bytes | list[bytes]) -> list[x509.Certificate]:
    if isinstance(chain, (bytes, bytearray)):
        return x509.load_pem_x509_certificates(bytes(chain))
    return [x509.load_pem_x509_certificate(c) for c in chain]
