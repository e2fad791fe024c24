"""XAdES-B-B (ETSI EN 319 132-1, baseline B) on our enveloped XML signatures, via signxml.

Signing is signxml's :class:`~signxml.xades.XAdESSigner` with two adjustments made through
its own hooks: the SigningTime is the caller's (signxml always writes "now"), and the
references it adds to SignedProperties and KeyInfo name their exclusive C14N transform
explicitly — without one, XMLDSig says a verifier canonicalises with inclusive C14N 1.0
(signxml with C14N 1.1), which does not give the digest signxml computed with exclusive
C14N, so neither signxml nor any other XAdES verifier would accept the signature.

The layout is pinned: exactly three references in SignedInfo — the document (``URI=""``,
enveloped-signature + exclusive C14N), the SignedProperties (``Type`` SignedProperties),
the signer's KeyInfo — and the signed properties must hold exactly one SigningTime and one
SigningCertificateV2 whose first certificate digest (SHA-256) is that of the certificate
that verified. Everything read here comes from what signxml verified, except
:func:`claimed_signing_time`, a hint that the caller must compare with the verified value.
"""

from __future__ import annotations

import hashlib
from base64 import b64decode
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml import CanonicalizationMethod, DigestAlgorithm, VerifyResult
from signxml.util import namespaces
from signxml.xades import XAdESDataObjectFormat, XAdESSigner, XAdESVerifyResult

from gateway.core.errors import InvalidSignature, MalformedProof
from gateway.core.i18n import N_

from .timeutil import format_time, parse_time

__all__ = [
    "XADES_NS",
    "SIGNED_PROPERTIES_TYPE",
    "ProfileSigner",
    "SignedProperties",
    "VerifiedLayout",
    "is_xades",
    "claimed_signing_time",
    "check_document_reference",
    "check_xades_layout",
]

DS_NS = namespaces.ds
XADES_NS = namespaces.xades
SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"
_EXC_C14N = CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0.value
_ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
_NS = {"ds": DS_NS, "xades": XADES_NS}
DATA_OBJECT_FORMAT = XAdESDataObjectFormat(Description="JJJ footprint document", MimeType="application/xml")


class ProfileSigner(XAdESSigner):
    """signxml's XAdES signer with the caller's SigningTime and explicit C14N transforms."""

    def __init__(self, signing_time: datetime, **xml_signer_args: Any) -> None:
        super().__init__(data_object_format=DATA_OBJECT_FORMAT, **xml_signer_args)
        self.signing_time = signing_time

    def add_signing_time(self, signed_signature_properties: etree._Element, sig_root: etree._Element,
                         signing_settings: Any) -> None:
        element = etree.SubElement(signed_signature_properties, f"{{{XADES_NS}}}SigningTime", nsmap=self.namespaces)
        element.text = format_time(self.signing_time)

    def _add_reference_to_signed_info(self, sig_root: etree._Element, node_to_reference: etree._Element,
                                      **attrs: str) -> None:
        super()._add_reference_to_signed_info(sig_root, node_to_reference, **attrs)
        reference = sig_root.findall("ds:SignedInfo/ds:Reference", _NS)[-1]
        transforms = etree.Element(f"{{{DS_NS}}}Transforms", nsmap=self.namespaces)
        etree.SubElement(transforms, f"{{{DS_NS}}}Transform", Algorithm=self.c14n_alg.value)
        reference.insert(0, transforms)


@dataclass(frozen=True)
class SignedProperties:
    """The XAdES signed signature properties we read, as verified."""

    signing_time: datetime
    signing_certificate_sha256: bytes


@dataclass(frozen=True)
class VerifiedLayout:
    document: VerifyResult
    properties: SignedProperties


def is_xades(signature: etree._Element) -> bool:
    """Whether the signature claims XAdES: any XAdES element or a SignedProperties reference.

    Anything claiming XAdES is verified as XAdES (three references, signed properties), so
    stray XAdES elements in a plain signature are refused rather than ignored.
    """
    if any(isinstance(el.tag, str) and el.tag.startswith(f"{{{XADES_NS}}}") for el in signature.iter()):
        return True
    return any(ref.get("Type") == SIGNED_PROPERTIES_TYPE for ref in signature.iterfind("ds:SignedInfo/ds:Reference", _NS))


def claimed_signing_time(signature: etree._Element) -> datetime:
    """The SigningTime as the input claims it — unverified; only to pick the time at which
    signxml checks the certificate's validity, and compared with the verified value after."""
    times = signature.findall(".//xades:SigningTime", _NS)
    if not times:
        raise MalformedProof(N_("XAdES signature without a SigningTime"), path="SigningTime")
    if len(times) > 1:
        raise InvalidSignature(N_("XAdES signature with {count} SigningTime elements", count=len(times)))
    return parse_time((times[0].text or "").strip(), field="SigningTime")


def check_document_reference(signature: etree._Element, index: int) -> None:
    """Reference ``index`` of SignedInfo is the whole document: ``URI=""``, enveloped."""
    reference = _references(signature)[index]
    if reference.get("URI") != "" or reference.get("Type") is not None:
        raise InvalidSignature(N_("reference {index} must be URI=\"\" (the whole document), not {value!r}", index=index, value=reference.get('URI')))
    _check_transforms(reference, index, [_ENVELOPED, _EXC_C14N])


def check_xades_layout(results: list[VerifyResult], certificate: x509.Certificate) -> VerifiedLayout:
    """Pin the three references and read the verified signed properties.

    ``results`` are signxml's verified references in SignedInfo order (their count already
    pinned to three); ``certificate`` is the one the signature verified with.
    """
    signature = results[0].signature_xml
    references = _references(signature)
    if len(references) != len(results) or len(results) != 3:
        raise InvalidSignature(N_("a XAdES signature here has exactly 3 references, found {count}", count=len(results)))
    document = properties = key_info = None
    for index, (reference, result) in enumerate(zip(references, results)):
        if reference.get("URI") == "":
            if document is not None:
                raise InvalidSignature(N_("two references to the whole document"))
            check_document_reference(signature, index)
            document = result
            continue
        _check_transforms(reference, index, [_EXC_C14N])
        if reference.get("Type") == SIGNED_PROPERTIES_TYPE:
            if properties is not None or not isinstance(result, XAdESVerifyResult):
                raise InvalidSignature(N_("reference {index} is not the one SignedProperties", index=index))
            properties = result
        elif reference.get("Type") is None and result.signed_xml is not None and result.signed_xml.tag == f"{{{DS_NS}}}KeyInfo":
            if key_info is not None:
                raise InvalidSignature(N_("two references to a KeyInfo"))
            key_info = result
        else:
            raise InvalidSignature(N_("reference {index} ({value!r}) is not part of the profile", index=index, value=reference.get('URI')))
    if document is None or properties is None or key_info is None:
        raise InvalidSignature(N_("a XAdES signature here references the document, its SignedProperties and its KeyInfo"))
    _check_signed_properties_place(signature, properties)
    _check_signed_key_info(key_info, certificate)
    return VerifiedLayout(document=document, properties=_read_properties(properties, certificate))


def _references(signature: etree._Element) -> list[etree._Element]:
    return signature.findall("ds:SignedInfo/ds:Reference", _NS)


def _check_transforms(reference: etree._Element, index: int, expected: list[str]) -> None:
    found = [t.get("Algorithm") for t in reference.iterfind("ds:Transforms/ds:Transform", _NS)]
    if found != expected:
        raise InvalidSignature(N_("reference {index} transforms {found} are not the profile's {expected}", index=index, found=found, expected=expected))


def _check_signed_properties_place(signature: etree._Element, properties: XAdESVerifyResult) -> None:
    """The signed SignedProperties is the one in this signature's QualifyingProperties, whose
    Target names this signature (EN 319 132-1 §4.3)."""
    signed_id = properties.signed_xml.get("Id")
    holders = signature.findall("ds:Object/xades:QualifyingProperties", _NS)
    if len(holders) != 1:
        raise InvalidSignature(N_("expected one xades:QualifyingProperties in a ds:Object, found {count}", count=len(holders)))
    sig_id = signature.get("Id")
    if not sig_id or holders[0].get("Target") != f"#{sig_id}":
        raise InvalidSignature(N_("xades:QualifyingProperties does not target this signature"))
    placed = holders[0].findall("xades:SignedProperties", _NS)
    if len(placed) != 1 or placed[0].get("Id") != signed_id:
        raise InvalidSignature(N_("the signed SignedProperties is not this signature's"))


def _check_signed_key_info(key_info: VerifyResult, certificate: x509.Certificate) -> None:
    first = key_info.signed_xml.find("ds:X509Data/ds:X509Certificate", _NS)
    try:
        signed_der = b64decode("".join((first.text or "").split()), validate=True) if first is not None else b""
    except ValueError:
        signed_der = b""
    if signed_der != certificate.public_bytes(Encoding.DER):
        raise InvalidSignature(N_("the signed KeyInfo does not start with the certificate that verified"))


def _read_properties(properties: XAdESVerifyResult, certificate: x509.Certificate) -> SignedProperties:
    ssp = properties.signed_xml.find("xades:SignedSignatureProperties", _NS)
    if ssp is None:
        raise InvalidSignature(N_("SignedProperties has no SignedSignatureProperties"))
    times = ssp.findall("xades:SigningTime", _NS)
    if len(times) != 1:
        raise MalformedProof(N_("XAdES-B-B needs exactly one SigningTime, found {count}", count=len(times)), path="SigningTime")
    signing_time = parse_time((times[0].text or "").strip(), field="SigningTime")
    if ssp.find("xades:SigningCertificate", _NS) is not None:
        raise InvalidSignature(N_("legacy xades:SigningCertificate (SHA-1 era) is refused; XAdES-B-B uses SigningCertificateV2"))
    holders = ssp.findall("xades:SigningCertificateV2", _NS)
    certs = holders[0].findall("xades:Cert", _NS) if len(holders) == 1 else []
    if not certs:
        raise InvalidSignature(N_("XAdES-B-B needs one SigningCertificateV2 naming the signer's certificate"))
    method = certs[0].find("xades:CertDigest/ds:DigestMethod", _NS)
    value = certs[0].find("xades:CertDigest/ds:DigestValue", _NS)
    if method is None or method.get("Algorithm") != DigestAlgorithm.SHA256.value or value is None:
        raise InvalidSignature(N_("SigningCertificateV2 must give the signer certificate's SHA-256 digest"))
    try:
        digest = b64decode("".join((value.text or "").split()), validate=True)
    except ValueError:
        raise InvalidSignature(N_("SigningCertificateV2 digest is not base64")) from None
    expected = hashlib.sha256(certificate.public_bytes(Encoding.DER)).digest()
    if digest != expected:
        raise InvalidSignature(N_("SigningCertificateV2 names another certificate than the one that verified"))
    return SignedProperties(signing_time=signing_time, signing_certificate_sha256=digest)
