"""XML signatures via signxml: round trip and the wrapping, comment, whitespace and XXE attacks,
against both XAdES-B-B and plain XMLDSig signatures (XAdES specifics: test_xades.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from lxml import etree

from gateway.core.errors import (
    HostileDocument,
    InvalidSignature,
    UnsupportedAlgorithm,
    UntrustedSigner,
)
from signing import sign_xml, verify_xml
from signing.testpki import make_test_pki
from signing.xmldsig import DS_NS

from .xml_signers import sign_plain

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
SIGNED_AT = NOW - timedelta(hours=1)
DOC = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<Declaration xmlns="urn:jjj:cn-jjj-xml:1" id="d1"><Product>\xe7\x83\xad\xe8\xbd\xa7\xe5\xb8\xa6\xe9\x92\xa2</Product>'
    b'<Total unit="kg CO2e">1000</Total><Region>130000</Region></Declaration>'
)
NS = {"j": "urn:jjj:cn-jjj-xml:1", "ds": DS_NS}


@pytest.fixture(scope="module", params=["xades", "plain-xmldsig"])
def signed(pki, request) -> bytes:
    """Every hostile case runs against a XAdES-B-B signature and a plain XMLDSig one."""
    if request.param == "plain-xmldsig":
        return sign_plain(DOC, pki["hebei"])
    return sign_xml(DOC, pki["hebei"].p256, pki["hebei"].cert_pem, signing_time=SIGNED_AT)


def _total(result) -> str:
    return result.signed_xml.find("j:Total", NS).text


def test_round_trip(pki, signed: bytes) -> None:
    result = verify_xml(signed, pki.trust_list, at=NOW)
    assert result.signer.id == "urn:jjj:platform:hebei"
    assert _total(result) == "1000"
    assert b"SignatureValue" not in result.signed_bytes  # enveloped transform applied
    root = etree.fromstring(signed)
    sig = root.find("ds:Signature", NS)
    assert sig.find("ds:SignedInfo/ds:SignatureMethod", NS).get("Algorithm") == "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
    assert sig.find("ds:SignedInfo/ds:CanonicalizationMethod", NS).get("Algorithm") == "http://www.w3.org/2001/10/xml-exc-c14n#"
    assert sig.find("ds:SignedInfo/ds:Reference", NS).get("URI") == ""


def test_ed25519_refused_for_xml(pki) -> None:
    with pytest.raises(UnsupportedAlgorithm):
        sign_xml(DOC, pki["hebei"].ed25519, pki["hebei"].cert_pem)


def test_tampered_value(pki, signed: bytes) -> None:
    with pytest.raises(InvalidSignature):
        verify_xml(signed.replace(b">1000<", b">1001<"), pki.trust_list, at=NOW)


def test_whitespace_injection(pki, signed: bytes) -> None:
    with pytest.raises(InvalidSignature):
        verify_xml(signed.replace(b">1000<", b"> 1000<"), pki.trust_list, at=NOW)
    with pytest.raises(InvalidSignature):
        verify_xml(signed.replace(b"<Region>", b"\n  <Region>"), pki.trust_list, at=NOW)


def test_comment_injection_reads_the_signed_value(pki, signed: bytes) -> None:
    """A comment inside a signed value still verifies (C14N drops comments); a naive `.text`
    of the input tree would read "10" — signed_xml gives the signed "1000"."""
    injected = signed.replace(b">1000<", b">10<!-- -->00<")
    naive = etree.fromstring(injected).find("j:Total", NS).text
    assert naive == "10"
    result = verify_xml(injected, pki.trust_list, at=NOW)
    assert _total(result) == "1000"


def test_signature_moved_into_nested_element(pki, signed: bytes) -> None:
    root = etree.fromstring(signed)
    sig = root.find("ds:Signature", NS)
    root.remove(sig)
    root.find("j:Product", NS).append(sig)
    with pytest.raises(InvalidSignature):
        verify_xml(etree.tostring(root), pki.trust_list, at=NOW)


def test_wrapping_second_unsigned_copy(pki, signed: bytes) -> None:
    """Attacker wraps the signed document and adds an unsigned copy with another total."""
    original = etree.fromstring(signed)
    wrapper = etree.fromstring(b'<Declaration xmlns="urn:jjj:cn-jjj-xml:1" id="d1"><Total unit="kg CO2e">1</Total></Declaration>')
    wrapper.append(original)
    with pytest.raises(InvalidSignature):
        verify_xml(etree.tostring(wrapper), pki.trust_list, at=NOW)
    # signature kept at the top, signed content pushed into an Object-like sibling
    evil = etree.fromstring(signed)
    total = evil.find("j:Total", NS)
    total.text = "1"
    with pytest.raises(InvalidSignature):
        verify_xml(etree.tostring(evil), pki.trust_list, at=NOW)


def test_second_signature_element(pki, signed: bytes) -> None:
    root = etree.fromstring(signed)
    sig = root.find("ds:Signature", NS)
    root.append(etree.fromstring(etree.tostring(sig)))
    with pytest.raises(InvalidSignature) as err:
        verify_xml(etree.tostring(root), pki.trust_list, at=NOW)
    assert "exactly one" in str(err.value)


def test_xxe_inside_signed_document(pki, signed: bytes) -> None:
    xxe = signed.replace(
        b"<?xml version='1.0' encoding='UTF-8'?>",
        b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE Declaration [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>",
    ).replace(b">130000<", b">&x;<")
    with pytest.raises(HostileDocument) as err:
        verify_xml(xxe, pki.trust_list, at=NOW)
    assert err.value.reason == "HOSTILE_DOCUMENT"
    with pytest.raises(HostileDocument):
        sign_xml(b'<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>', pki["hebei"].p256, pki["hebei"].cert_pem)


def test_signer_from_another_ca_refused(pki) -> None:
    other = make_test_pki()
    forged = sign_xml(DOC, other["hebei"].p256, other["hebei"].cert_pem, signing_time=SIGNED_AT)
    with pytest.raises(UntrustedSigner):
        verify_xml(forged, pki.trust_list, at=NOW)


def test_certificate_of_one_entity_key_of_another(pki) -> None:
    """Tianjin's key with Hebei's certificate in KeyInfo: the signature is checked with the
    certificate's key only, so it fails."""
    forged = sign_xml(DOC, pki["tianjin"].p256, pki["hebei"].cert_pem, signing_time=SIGNED_AT)
    with pytest.raises(InvalidSignature):
        verify_xml(forged, pki.trust_list, at=NOW)
