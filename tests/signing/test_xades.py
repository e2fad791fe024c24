"""XAdES-B-B on XML signatures: the signed signing time decides the signer's key status, the
signed properties and the reference layout are pinned, plain XMLDSig is judged now."""

from __future__ import annotations

import hashlib
from base64 import b64decode
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from gateway.core.errors import (
    AttestationNotYetValid,
    InvalidSignature,
    KeyRevoked,
    KeySuspended,
    MalformedProof,
)
from signing import set_key_status, sign_xml, verify_xml
from signing.xades import SIGNED_PROPERTIES_TYPE

from . import xml_signers as hostile
from .xml_signers import NS

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
SIGNED_AT = NOW - timedelta(hours=1)
DOC = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<Declaration xmlns="urn:jjj:cn-jjj-xml:1" id="d1"><Product Id="p1">steel</Product>'
    b'<Total unit="kg CO2e">1000</Total><Region>130000</Region></Declaration>'
)
SP = "ds:Object/xades:QualifyingProperties/xades:SignedProperties"
SSP = f"{SP}/xades:SignedSignatureProperties"


@pytest.fixture(scope="module")
def signed(pki) -> bytes:
    return sign_xml(DOC, pki["hebei"].p256, pki["hebei"].cert_pem, signing_time=SIGNED_AT)


@pytest.fixture(scope="module")
def revoked_list(pki):
    """Hebei's P-256 key revoked at NOW (key compromise), Tianjin's suspended from NOW."""
    draft = set_key_status(pki.draft, pki["hebei"].p256_key_id, "revoked", since=NOW, reason="key-compromise")
    draft = set_key_status(draft, pki["tianjin"].p256_key_id, "suspended", since=NOW, reason="audit")
    return pki.resign(draft, sequence=2, issued=NOW + timedelta(hours=2))[1]


def _signature(data: bytes) -> etree._Element:
    return etree.fromstring(data).find("ds:Signature", NS)


def _edit(data: bytes, path: str, fn) -> bytes:
    root = etree.fromstring(data)
    fn(root.find(f"ds:Signature/{path}", NS) if path else root.find("ds:Signature", NS))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_xades_b_b_properties_and_layout(pki, signed: bytes) -> None:
    sig = _signature(signed)
    refs = sig.findall("ds:SignedInfo/ds:Reference", NS)
    assert len(refs) == 3 and refs[0].get("URI") == ""
    assert refs[1].get("Type") == SIGNED_PROPERTIES_TYPE
    assert refs[2].get("URI") == "#" + sig.find("ds:KeyInfo", NS).get("Id")
    exc = "http://www.w3.org/2001/10/xml-exc-c14n#"
    assert [t.get("Algorithm") for t in refs[1].iterfind("ds:Transforms/ds:Transform", NS)] == [exc]
    assert sig.find(f"{SSP}/xades:SigningTime", NS).text == "2026-06-01T11:00:00Z"
    digest = sig.find(f"{SSP}/xades:SigningCertificateV2/xades:Cert/xades:CertDigest/ds:DigestValue", NS).text
    assert b64decode(digest) == hashlib.sha256(pki["hebei"].certificate.public_bytes(Encoding.DER)).digest()
    assert sig.find("ds:KeyInfo/ds:KeyValue", NS) is None  # the certificate is the only key source

    result = verify_xml(signed, pki.trust_list, at=NOW)
    assert result.signed_at == SIGNED_AT and result.checked_at == NOW
    assert result.signer.id == "urn:jjj:platform:hebei" and result.key.id == pki["hebei"].p256_key_id
    assert result.notes == () and result.later_status == ()
    assert b"QualifyingProperties" not in result.signed_bytes and b"<Total" in result.signed_bytes


def test_reference_digests_follow_their_explicit_transform(signed: bytes) -> None:
    """Checked with lxml, not signxml: the SignedProperties and KeyInfo digests are over
    exclusive C14N, as their Transform says. Without the explicit Transform an XMLDSig
    verifier would use inclusive C14N, which here gives other bytes (the document's default
    namespace is in scope), so the signature would not verify elsewhere."""
    sig = _signature(signed)
    refs = sig.findall("ds:SignedInfo/ds:Reference", NS)
    for ref, element in ((refs[1], sig.find(SP, NS)), (refs[2], sig.find("ds:KeyInfo", NS))):
        digest = b64decode(ref.find("ds:DigestValue", NS).text)
        assert hashlib.sha256(etree.tostring(element, method="c14n", exclusive=True)).digest() == digest
    assert hashlib.sha256(etree.tostring(sig.find(SP, NS), method="c14n")).digest() != b64decode(
        refs[1].find("ds:DigestValue", NS).text
    )


def test_default_signing_time_is_now(pki) -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    result = verify_xml(sign_xml(DOC, pki["hebei"].p256, pki["hebei"].cert_pem), pki.trust_list)
    assert before <= result.signed_at <= datetime.now(timezone.utc)


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 6, 1, 12, 4)))
def test_signing_time_round_trips(pki, moment: datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=timezone.utc)
    result = verify_xml(sign_xml(DOC, pki["hebei"].p256, pki["hebei"].cert_pem, signing_time=moment), pki.trust_list, at=NOW)
    assert result.signed_at == moment


# --- key status at the signing time ---------------------------------------------------------

def test_key_revoked_after_signing_accepted_with_note(revoked_list, signed: bytes) -> None:
    result = verify_xml(signed, revoked_list, at=NOW + timedelta(hours=3))
    assert result.signed_at == SIGNED_AT
    assert len(result.notes) == 1 and "revoked at 2026-06-01T12:00:00Z (key-compromise), after this signature" in result.notes[0]
    assert result.later_status[0].status.value == "revoked"


def test_key_revoked_before_signing_refused(pki, revoked_list) -> None:
    late = sign_xml(DOC, pki["hebei"].p256, pki["hebei"].cert_pem, signing_time=NOW + timedelta(minutes=5))
    with pytest.raises(KeyRevoked) as err:
        verify_xml(late, revoked_list, at=NOW + timedelta(hours=3))
    assert err.value.reason == "KEY_REVOKED"
    assert err.value.metadata["revocation_reason"] == "key-compromise"


def test_key_suspended_at_signing_refused(pki, revoked_list) -> None:
    doc = DOC.replace(b"130000", b"120000")
    late = sign_xml(doc, pki["tianjin"].p256, pki["tianjin"].cert_pem, signing_time=NOW + timedelta(minutes=1))
    with pytest.raises(KeySuspended):
        verify_xml(late, revoked_list, at=NOW + timedelta(hours=3))
    early = sign_xml(doc, pki["tianjin"].p256, pki["tianjin"].cert_pem, signing_time=SIGNED_AT)
    assert "suspended" in verify_xml(early, revoked_list, at=NOW + timedelta(hours=3)).notes[0]


def test_signing_time_in_the_future_refused_beyond_skew(pki) -> None:
    soon = sign_xml(DOC, pki["hebei"].p256, pki["hebei"].cert_pem, signing_time=NOW + timedelta(minutes=4))
    assert verify_xml(soon, pki.trust_list, at=NOW).signed_at == NOW + timedelta(minutes=4)
    future = sign_xml(DOC, pki["hebei"].p256, pki["hebei"].cert_pem, signing_time=NOW + timedelta(minutes=6))
    with pytest.raises(AttestationNotYetValid) as err:
        verify_xml(future, pki.trust_list, at=NOW)
    assert err.value.reason == "ATTESTATION_NOT_YET_VALID"


# --- plain XMLDSig: accepted, judged at verification time --------------------------------------

def test_plain_xmldsig_judged_at_verification_time(pki, revoked_list) -> None:
    plain = hostile.sign_plain(DOC, pki["hebei"])
    result = verify_xml(plain, pki.trust_list, at=NOW)
    assert result.signed_at is None and result.checked_at == NOW
    assert result.notes == ("plain XMLDSig signature without XAdES SigningTime: signer checked at verification time 2026-06-01T12:00:00Z",)
    with pytest.raises(KeyRevoked):  # no signed time, so a revocation before `at` refuses it
        verify_xml(plain, revoked_list, at=NOW + timedelta(hours=3))


def test_plain_xmldsig_must_sign_the_whole_document(pki) -> None:
    partial = hostile.sign_plain(DOC, pki["hebei"], reference_uri="#p1")
    with pytest.raises(InvalidSignature) as err:
        verify_xml(partial, pki.trust_list, at=NOW)
    assert 'URI=""' in str(err.value)


def test_stray_xades_in_plain_signature_refused(pki, signed: bytes) -> None:
    """XAdES properties pasted unsigned into a plain signature claim a signing time nobody signed."""
    plain = etree.fromstring(hostile.sign_plain(DOC, pki["hebei"]))
    plain.find("ds:Signature", NS).append(_signature(signed).find("ds:Object", NS))
    with pytest.raises(InvalidSignature) as err:
        verify_xml(etree.tostring(plain), pki.trust_list, at=NOW)
    assert "Expected to find 3 references, but found 1" in str(err.value)


# --- signed properties tampered or wrong ------------------------------------------------------

@pytest.mark.parametrize(
    ("path", "change"),
    [
        (f"{SSP}/xades:SigningTime", lambda el: setattr(el, "text", "2026-06-01T10:00:00Z")),
        (f"{SSP}/xades:SigningCertificateV2/xades:Cert/xades:CertDigest/ds:DigestValue",
         lambda el: setattr(el, "text", ("B" if el.text[0] == "A" else "A") + el.text[1:])),
        (f"{SP}/xades:SignedDataObjectProperties/xades:DataObjectFormat/xades:MimeType",
         lambda el: setattr(el, "text", "text/plain")),
    ],
    ids=["signing-time", "certificate-digest", "data-object-format"],
)
def test_signed_properties_tampering_refused(pki, signed: bytes, path: str, change) -> None:
    with pytest.raises(InvalidSignature) as err:
        verify_xml(_edit(signed, path, change), pki.trust_list, at=NOW)
    assert "SignedProperties" in str(err.value)


def test_signed_properties_moved_or_retargeted_refused(pki, signed: bytes) -> None:
    """Moving SignedProperties out of its QualifyingProperties keeps every digest intact
    (the enveloped transform drops the whole Signature); the layout check refuses it."""
    def move(sig):
        props = sig.find(SP, NS)
        etree.SubElement(sig, f"{{{NS['ds']}}}Object").append(props)

    def retarget(sig):
        sig.find("ds:Object/xades:QualifyingProperties", NS).set("Target", "#other")

    for edit, message in ((move, "not this signature's"), (retarget, "does not target this signature")):
        with pytest.raises(InvalidSignature) as err:
            verify_xml(_edit(signed, "", edit), pki.trust_list, at=NOW)
        assert message in str(err.value)


def test_duplicate_ids_refused(pki, signed: bytes) -> None:
    def duplicate_object(sig):
        sig.append(etree.fromstring(etree.tostring(sig.find("ds:Object", NS))))

    def duplicate_key_info_id(sig):  # refused by signxml's schema check (xs:ID is unique)
        etree.SubElement(sig, f"{{{NS['ds']}}}Object", Id=sig.find("ds:KeyInfo", NS).get("Id"))

    def duplicate_id_in_the_document(sig):  # outside the Signature: breaks the URI="" digest first
        etree.SubElement(sig.getparent(), "Note", Id=sig.find("ds:KeyInfo", NS).get("Id"))

    for edit, message in (
        (duplicate_object, "2 SigningTime"),
        (duplicate_key_info_id, "not schema-valid"),
        (duplicate_id_in_the_document, "Digest mismatch for reference 0"),
    ):
        with pytest.raises(InvalidSignature) as err:
            verify_xml(_edit(signed, "", edit), pki.trust_list, at=NOW)
        assert message in str(err.value)


def test_signing_certificate_v2_of_another_certificate_refused(pki) -> None:
    class Other(hostile.OtherSigningCertificate):
        other = pki["tianjin"].certificate

    with pytest.raises(InvalidSignature) as err:
        verify_xml(hostile.sign_with(Other, DOC, pki["hebei"], SIGNED_AT), pki.trust_list, at=NOW)
    assert "certificate digest" in str(err.value)


@pytest.mark.parametrize(
    ("signer", "message"),
    [
        (hostile.Sha512SigningCertificate, "SHA-256"),
        (hostile.WithoutSigningCertificate, "SigningCertificate"),
    ],
)
def test_signing_certificate_v2_outside_the_profile_refused(pki, signer, message: str) -> None:
    with pytest.raises(InvalidSignature) as err:
        verify_xml(hostile.sign_with(signer, DOC, pki["hebei"], SIGNED_AT), pki.trust_list, at=NOW)
    assert message in str(err.value)


def test_missing_signing_time_refused(pki) -> None:
    with pytest.raises(MalformedProof) as err:
        verify_xml(hostile.sign_with(hostile.WithoutSigningTime, DOC, pki["hebei"], SIGNED_AT), pki.trust_list, at=NOW)
    assert err.value.reason == "MALFORMED_PROOF" and "SigningTime" in str(err.value)


def test_key_info_changed_refused(pki, signed: bytes) -> None:
    """An intermediate slipped into the signed KeyInfo breaks its reference."""
    def add_cert(x509_data):
        extra = etree.SubElement(x509_data, f"{{{NS['ds']}}}X509Certificate")
        extra.text = x509_data[0].text

    with pytest.raises(InvalidSignature) as err:
        verify_xml(_edit(signed, "ds:KeyInfo/ds:X509Data", add_cert), pki.trust_list, at=NOW)
    assert "SignXMLCertificate" in str(err.value)


# --- the reference layout ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("signer", "message"),
    [
        (hostile.WithoutSignedPropertiesReference, "Expected to find 3 references, but found 2"),
        (hostile.ExtraReference, "Expected to find 3 references, but found 4"),
        (hostile.KeyInfoInsteadOfSignedProperties, "SignedProperties"),
    ],
    ids=["signed-properties-reference-removed", "extra-reference", "signed-properties-reference-replaced"],
)
def test_reference_layout_pinned(pki, signer, message: str) -> None:
    with pytest.raises(InvalidSignature) as err:
        verify_xml(hostile.sign_with(signer, DOC, pki["hebei"], SIGNED_AT), pki.trust_list, at=NOW)
    assert message in str(err.value)
