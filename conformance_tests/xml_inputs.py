"""TEST-ONLY: XML documents with enveloped XMLDSig signatures, and the hostile variants of them.

A document spec ``made = {from, sign_xml: SHORT}`` signs the ``from`` file with the suite's
P-256 key and certificate of entity SHORT (``TEST-ONLY-<short>-p256.pem`` and ``.pem``).
ECDSA signatures are randomised, so a signed file that already exists, carries the signer's
certificate and signs exactly the ``from`` content is kept as it is: running the generator
twice changes nothing.

``made = {from, xml_attack: NAME}`` alters an already signed file (``from``) by a tree
operation; plain byte replacements (``replace``) cover the rest (comment, whitespace and
entity injection). Attacks:

- ``signature-into-child``: the ds:Signature moved into the first child element;
- ``wrap-in-unsigned-copy``: a new document element with the first child's copy holding
  other text, wrapping the whole signed document;
- ``duplicate-signature``: a second copy of the ds:Signature after the first.
"""

from __future__ import annotations

import base64

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from gateway.core.errors import GatewayError
from signing import sign_xml
from signing.xmldsig import DS_NS
from signing.xmlparse import parse_xml

from .keyring import Keyring

SIGNATURE = f"{{{DS_NS}}}Signature"


def _canonical(root: etree._Element) -> bytes:
    return etree.tostring(root, method="c14n", exclusive=True, with_comments=False)


def _unsigned(signed: bytes) -> bytes:
    root = parse_xml(signed).getroot()
    for signature in root.findall(SIGNATURE):
        root.remove(signature)
    return _canonical(root)


def _first_certificate(signed: bytes) -> bytes | None:
    found = parse_xml(signed).getroot().find(f"{SIGNATURE}/{{{DS_NS}}}KeyInfo/{{{DS_NS}}}X509Data/{{{DS_NS}}}X509Certificate")
    return base64.b64decode("".join((found.text or "").split())) if found is not None else None


def signed_document(source: bytes, signer: str, keys: Keyring, existing: bytes | None) -> bytes:
    """``source`` signed by ``signer`` (a short entity name), or ``existing`` when it already
    is: same content, signed with the signer's current certificate. (Whether the signature
    verifies is what the cases check.)"""
    cert_pem = keys.certificate(signer)
    cert_der = x509.load_pem_x509_certificate(cert_pem).public_bytes(serialization.Encoding.DER)
    if existing is not None:
        try:
            if _unsigned(existing) == _canonical(parse_xml(source).getroot()) and _first_certificate(existing) == cert_der:
                return existing
        except (GatewayError, ValueError):
            pass
    key = keys.private_key(f"{signer}-p256")
    return sign_xml(source, key, cert_pem)


def _signature_into_child(root: etree._Element) -> etree._Element:
    signature = root.find(SIGNATURE)
    root.remove(signature)
    next(child for child in root if isinstance(child.tag, str)).append(signature)
    return root


def _wrap_in_unsigned_copy(root: etree._Element) -> etree._Element:
    wrapper = etree.Element(root.tag, nsmap=root.nsmap)
    copy = etree.fromstring(etree.tostring(next(c for c in root if isinstance(c.tag, str) and c.tag != SIGNATURE)))
    copy.text = "unsigned copy"
    wrapper.append(copy)
    wrapper.append(root)
    return wrapper


def _duplicate_signature(root: etree._Element) -> etree._Element:
    root.append(etree.fromstring(etree.tostring(root.find(SIGNATURE))))
    return root


ATTACKS = {
    "signature-into-child": _signature_into_child,
    "wrap-in-unsigned-copy": _wrap_in_unsigned_copy,
    "duplicate-signature": _duplicate_signature,
}


def attacked(signed: bytes, name: str) -> bytes:
    root = ATTACKS[name](parse_xml(signed).getroot())
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
