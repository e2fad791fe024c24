"""TEST-ONLY signers for XML signatures that the profile must refuse, built on signxml.

Each hostile signer holds a genuine trusted key, so its signature value is valid: what must
make verification fail is the layout or the signed properties, never a broken signature.
"""

from __future__ import annotations

import hashlib
from base64 import b64encode
from dataclasses import replace
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
    XMLSigner,
)

from signing.xades import SIGNED_PROPERTIES_TYPE, XADES_NS, ProfileSigner
from signing.xmldsig import DS_NS
from signing.xmlparse import parse_xml

NS = {"ds": DS_NS, "xades": XADES_NS}
_ALGORITHMS: dict[str, Any] = {
    "method": SignatureConstructionMethod.enveloped,
    "signature_algorithm": SignatureMethod.ECDSA_SHA256,
    "digest_algorithm": DigestAlgorithm.SHA256,
    "c14n_algorithm": CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
}


def sign_plain(doc: bytes, entity: Any, **sign_kw: Any) -> bytes:
    """A plain XMLDSig enveloped signature (no XAdES), as sign_xml made before XAdES."""
    signed = XMLSigner(**_ALGORITHMS).sign(parse_xml(doc).getroot(), key=entity.p256.key, cert=[entity.certificate], **sign_kw)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def sign_with(signer_class: type[ProfileSigner], doc: bytes, entity: Any, signing_time: datetime) -> bytes:
    signer = signer_class(signing_time, **_ALGORITHMS)
    signed = signer.sign(parse_xml(doc).getroot(), key=entity.p256.key, cert=[entity.certificate], always_add_key_value=False)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


class WithoutSignedPropertiesReference(ProfileSigner):
    """SignedInfo lacks the reference to SignedProperties: the properties are unsigned."""

    def _add_reference_to_signed_info(self, sig_root: Any, node_to_reference: Any, **attrs: str) -> None:
        if attrs.get("Type") != SIGNED_PROPERTIES_TYPE:
            super()._add_reference_to_signed_info(sig_root, node_to_reference, **attrs)


class KeyInfoInsteadOfSignedProperties(ProfileSigner):
    """Three references, but the SignedProperties one replaced by a second KeyInfo one."""

    def _add_reference_to_signed_info(self, sig_root: Any, node_to_reference: Any, **attrs: str) -> None:
        if attrs.get("Type") == SIGNED_PROPERTIES_TYPE:
            node_to_reference, attrs = sig_root.find("ds:KeyInfo", NS), {}
        super()._add_reference_to_signed_info(sig_root, node_to_reference, **attrs)


class ExtraReference(ProfileSigner):
    """A fourth reference, to an extra ds:Object the signer added."""

    def _build_xades_ds_object(self, sig_root: Any, signing_settings: Any) -> None:
        super()._build_xades_ds_object(sig_root, signing_settings)
        extra = etree.SubElement(sig_root, f"{{{DS_NS}}}Object", Id="extra")
        extra.text = "extra"
        self._add_reference_to_signed_info(sig_root, extra)


class OtherSigningCertificate(ProfileSigner):
    """SigningCertificateV2 names another entity's certificate (set ``other`` first)."""

    other: x509.Certificate

    def add_signing_certificate(self, signed_signature_properties: Any, sig_root: Any, signing_settings: Any) -> None:
        super().add_signing_certificate(signed_signature_properties, sig_root=sig_root,
                                        signing_settings=replace(signing_settings, cert_chain=[self.other]))


class Sha512SigningCertificate(ProfileSigner):
    """SigningCertificateV2 with the right certificate but a SHA-512 digest (not the profile)."""

    def add_signing_certificate(self, signed_signature_properties: Any, sig_root: Any, signing_settings: Any) -> None:
        super().add_signing_certificate(signed_signature_properties, sig_root=sig_root, signing_settings=signing_settings)
        der = signing_settings.cert_chain[0].public_bytes(Encoding.DER)
        digest = signed_signature_properties.find("xades:SigningCertificateV2/xades:Cert/xades:CertDigest", NS)
        digest.find("ds:DigestMethod", NS).set("Algorithm", DigestAlgorithm.SHA512.value)
        digest.find("ds:DigestValue", NS).text = b64encode(hashlib.sha512(der).digest()).decode()


class WithoutSigningCertificate(ProfileSigner):
    def add_signing_certificate(self, signed_signature_properties: Any, sig_root: Any, signing_settings: Any) -> None:
        return None


class WithoutSigningTime(ProfileSigner):
    def add_signing_time(self, signed_signature_properties: Any, sig_root: Any, signing_settings: Any) -> None:
        return None
