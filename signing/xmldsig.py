"""XML signatures: XMLDSig enveloped signatures through signxml, never hand-rolled.

Profile: one ``ds:Signature`` as a direct child of the document element, one Reference with
``URI=""`` (the whole document, enveloped-signature transform), exclusive C14N 1.0 without
comments, ECDSA P-256 with SHA-256 (signxml has no EdDSA), the signer's certificate chain
in X509Data.

Verification settings, each measured to matter (see docs/signing.md, threat model):

* ``location="./"`` — signxml's default ``.//`` accepts a signature moved into a nested
  element, which a wrapping attack relies on;
* ``expect_references=1`` and only ECDSA-SHA256 / SHA-256 accepted;
* the signer's certificate must be pinned for, or chain to the CA of, a trust-list entity
  whose id is the certificate's SAN URI — never the system store, never a bare KeyInfo key;
  signxml then verifies with that certificate (``x509_cert``) only;
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

import signxml
from cryptography import x509
from lxml import etree
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConfiguration,
    SignatureConstructionMethod,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
)
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, SignXMLException

from gateway.errors import InvalidSignature, MalformedProof, UnsupportedAlgorithm, UntrustedSigner

from .keys import Algorithm, PrivateKey
from .timeutil import utcnow
from .trustlist import Entity, TrustList
from .xmlparse import parse_xml

__all__ = ["VerifiedXml", "sign_xml", "verify_xml"]

DS_NS = "http://www.w3.org/2000/09/xmldsig#"
_CONFIG = dict(
    location="./",
    expect_references=1,
    signature_methods=frozenset({SignatureMethod.ECDSA_SHA256}),
    digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
)


def sign_xml(xml_bytes: bytes, key: PrivateKey, cert_chain_pem: bytes | list[bytes]) -> bytes:
    """Return ``xml_bytes`` with an enveloped XMLDSig signature by ``key`` (ES256 only).

    ``cert_chain_pem``: the signer's certificate first, then any intermediates.
    """
    if key.algorithm is not Algorithm.ES256:
        raise UnsupportedAlgorithm("XML signatures use ECDSA P-256 (signxml has no EdDSA)")
    root = parse_xml(xml_bytes).getroot()
    if root.find(f".//{{{DS_NS}}}Signature") is not None:
        raise MalformedProof("document is already signed")
    certs = _split_pem(cert_chain_pem)
    signer = XMLSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=SignatureMethod.ECDSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed = signer.sign(root, key=key.key, cert=certs)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


@dataclass(frozen=True)
class VerifiedXml:
    """What an XML signature established: the signed XML and who signed it, when checked."""

    signed_xml: etree._Element
    signed_bytes: bytes
    signer: Entity
    certificate: x509.Certificate
    checked_at: datetime


def verify_xml(xml_bytes: bytes, trust_list: TrustList, at: datetime | None = None) -> VerifiedXml:
    """Verify an enveloped XMLDSig signature against the trust list at ``at`` (default now)."""
    now = at or utcnow()
    root = parse_xml(xml_bytes).getroot()
    signatures = root.findall(f".//{{{DS_NS}}}Signature")
    if len(signatures) != 1:
        raise InvalidSignature(f"expected exactly one ds:Signature, found {len(signatures)}")
    if signatures[0].getparent() is not root:
        raise InvalidSignature("ds:Signature must be a direct child of the document element")
    certs = signatures[0].findall(f"{{{DS_NS}}}KeyInfo/{{{DS_NS}}}X509Data/{{{DS_NS}}}X509Certificate")
    if not certs:
        raise UntrustedSigner("XML signature carries no X509Certificate")
    try:
        chain = [x509.load_der_x509_certificate(_b64(c.text or "")) for c in certs]
    except ValueError as exc:
        raise MalformedProof(f"X509Certificate is not a certificate: {exc}") from None
    signer = trust_list.entity_for_certificate(chain[0], chain[1:], at=now)
    config = SignatureConfiguration(**_CONFIG, verification_time=now)  # type: ignore[arg-type]
    try:
        result = XMLVerifier().verify(xml_bytes, x509_cert=chain[0], expect_config=config)
    except InvalidCertificate as exc:
        raise UntrustedSigner(f"XML signer certificate: {exc}") from None
    except (signxml.InvalidSignature, InvalidDigest) as exc:
        raise InvalidSignature(f"XML signature does not verify: {exc}") from None
    except InvalidInput as exc:
        raise InvalidSignature(f"XML signature refused: {exc}") from None
    except SignXMLException as exc:
        raise InvalidSignature(f"XML signature refused: {exc}") from None
    return VerifiedXml(
        signed_xml=result.signed_xml,
        signed_bytes=result.signed_data,
        signer=signer,
        certificate=chain[0],
        checked_at=now,
    )


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except binascii.Error as exc:
        raise MalformedProof(f"X509Certificate is not base64: {exc}") from None


def _split_pem(chain: bytes | list[bytes]) -> list[x509.Certificate]:
    if isinstance(chain, (bytes, bytearray)):
        return x509.load_pem_x509_certificates(bytes(chain))
    return [x509.load_pem_x509_certificate(c) for c in chain]
