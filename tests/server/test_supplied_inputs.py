"""What a request may bring besides its document, over mutual TLS against real servers: an
inline policy document (Assess), a supplied trust list (Assess, Verify) and an XML document
whose enveloped XMLDSig signature is verified (Verify with xml_signature)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import grpc
import pytest
from lxml import etree

from gateway._proto import attestation_pb2, attestation_pb2_grpc, document_pb2, recognition_pb2, recognition_pb2_grpc
from gateway.recognition import shipped_policies
from gateway.server import error_details
from signing import (
    RegisteredClaim,
    canonicalize,
    document_digest,
    generate_key,
    set_key_status,
    sign_trust_list,
    sign_xml,
)
from signing.keys import Algorithm
from signing.timeutil import utcnow
from signing.xmldsig import DS_NS

from .conftest import STEEL, signed_channel

POLICIES = Path(__file__).resolve().parents[2] / "mappings" / "recognition" / "policies"
STEEL_CLAIM = RegisteredClaim("cn-jjj-json", "17a5fb42-e39f-57e7-b903-f6ba0abd724e", 1, "130000", "steel")
STEEL_DIGEST = document_digest(STEEL.read_bytes(), "json")
XML_DOC = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Declaration xmlns="urn:jjj:cn-jjj-xml:1" id="d1">'
           b'<Total unit="kg CO2e">1000</Total><Region>130000</Region></Declaration>')
NS = {"j": "urn:jjj:cn-jjj-xml:1", "ds": DS_NS}


@pytest.fixture
def channel(start_gateway, signed_pki):
    _, port = start_gateway("hebei")
    with signed_channel(signed_pki, port, "hebei") as ch:
        yield ch


def _reason(exc: grpc.RpcError) -> tuple[str, list[str]]:
    details = error_details(exc)
    return details["reason"], [v["path"] for v in details["violations"]]


def _steel() -> document_pb2.Document:
    return document_pb2.Document(format_id="cn-jjj-json", media_type="application/json", content=STEEL.read_bytes())


def _registration(pki) -> document_pb2.Attestation:
    return document_pb2.Attestation(media_type="application/vc+ld+json",
                                    content=canonicalize(pki["hebei"].attest(STEEL_CLAIM, STEEL_DIGEST)))


def _supplied(doc: dict, **fields) -> document_pb2.SuppliedTrustList:
    return document_pb2.SuppliedTrustList(content=canonicalize(doc), media_type="application/json", **fields)


def _hebei_revoked(pki, sequence: int = 2) -> dict:
    draft = pki.draft
    for key_id in (pki["hebei"].ed25519_key_id, pki["hebei"].p256_key_id):
        draft = set_key_status(draft, key_id, "revoked", since=utcnow() - timedelta(hours=2), reason="test")
    return sign_trust_list(draft, pki.root_key, sequence=sequence, issued=utcnow() - timedelta(minutes=1))


# --- Assess with a policy document ---------------------------------------------------------

def _assess(channel, **fields) -> recognition_pb2.AssessResponse:
    return recognition_pb2_grpc.RecognitionServiceStub(channel).Assess(
        recognition_pb2.AssessRequest(document=_steel(), **fields))


def test_inline_policy_decides_as_the_same_policy_by_id(channel, signed_pki) -> None:
    atts = [_registration(signed_pki)]
    by_id = _assess(channel, attestations=atts, policy_id="cn-tj")
    as_json = _assess(channel, attestations=atts, policy_document=recognition_pb2.PolicyDocument(
        media_type="application/json", content=json.dumps(shipped_policies()["cn-tj"].data).encode()))
    as_toml = _assess(channel, attestations=atts, policy_document=recognition_pb2.PolicyDocument(
        media_type="application/toml", content=(POLICIES / "cn-tj.toml").read_bytes()))
    for answer in (as_json, as_toml):
        assert answer.decision.policy_id == "cn-tj"
        assert answer.decision.outcome == by_id.decision.outcome
        assert [(c.criterion_id, c.outcome) for c in answer.decision.criteria] == \
            [(c.criterion_id, c.outcome) for c in by_id.decision.criteria]
    assert json.loads(as_json.decision_json)["policy"]["digest"] == json.loads(by_id.decision_json)["policy"]["digest"]


def test_malformed_inline_policy_is_refused_with_its_paths(channel) -> None:
    data = json.loads(json.dumps(shipped_policies()["cn-tj"].data))
    data["region"] = "999999"
    del data["version"]
    with pytest.raises(grpc.RpcError) as err:
        _assess(channel, policy_document=recognition_pb2.PolicyDocument(
            media_type="application/json", content=json.dumps(data).encode()))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    reason, paths = _reason(err.value)
    assert reason == "INVALID_POLICY" and paths == ["/"]  # the schema's "version is required" is at the root


@pytest.mark.parametrize("media_type, content, reason, path", [
    ("text/plain", b"{}", "INVALID_REQUEST", "policy_document.media_type"),
    ("application/json", b'id = "x"\n', "INVALID_POLICY", "/"),
    ("application/toml", b"\xff\xfe", "INVALID_POLICY", "/"),
    ("application/toml", str(POLICIES / "cn-tj.toml").encode(), "INVALID_POLICY", "/"),  # a path is only text
    ("application/json", b"{" + b" " * (1024 * 1024), "DOCUMENT_TOO_LARGE", "policy_document.content"),
])
def test_policy_document_media_type_encoding_and_size(channel, media_type, content, reason, path) -> None:
    with pytest.raises(grpc.RpcError) as err:
        _assess(channel, policy_document=recognition_pb2.PolicyDocument(media_type=media_type, content=content))
    assert _reason(err.value) == (reason, [path])


def test_supplied_trust_list_applies_to_the_assessment_only(channel, signed_pki) -> None:
    atts = [_registration(signed_pki)]
    revoked = _assess(channel, attestations=atts, policy_id="cn-tj", trust_list=_supplied(_hebei_revoked(signed_pki)))
    assert "registration" in {c.criterion_id for c in revoked.decision.criteria
                              if c.outcome == recognition_pb2.CRITERION_OUTCOME_FAIL}
    assert json.loads(revoked.decision_json)["trust_list"]["sequence"] == 2
    again = _assess(channel, attestations=atts, policy_id="cn-tj")
    assert json.loads(again.decision_json)["trust_list"]["sequence"] == 1
    assert "registration" not in {c.criterion_id for c in again.decision.criteria
                                  if c.outcome == recognition_pb2.CRITERION_OUTCOME_FAIL}


# --- Verify with a supplied trust list -------------------------------------------------------

def _verify(channel, **fields) -> attestation_pb2.VerifyResponse:
    return attestation_pb2_grpc.AttestationServiceStub(channel).Verify(attestation_pb2.VerifyRequest(**fields))


def test_verify_with_a_newer_supplied_list_and_never_keeps_it(channel, signed_pki) -> None:
    registration = _registration(signed_pki)
    with pytest.raises(grpc.RpcError) as err:
        _verify(channel, attestations=[registration], trust_list=_supplied(_hebei_revoked(signed_pki)))
    assert _reason(err.value)[0] == "KEY_REVOKED"
    assert _verify(channel, attestations=[registration]).verified[0].issuer == signed_pki["hebei"].id
    stub = attestation_pb2_grpc.AttestationServiceStub(channel)
    assert stub.GetTrustList(attestation_pb2.GetTrustListRequest()).sequence == 1


def test_supplied_list_refusals(start_gateway, signed_pki, tmp_path) -> None:
    pki = signed_pki
    now = utcnow()
    # The server holds sequence 3, so a sequence-2 list is a rollback.
    server_list = tmp_path / "trust-list.json"
    server_list.write_bytes(canonicalize(sign_trust_list(pki.draft, pki.root_key, sequence=3,
                                                         issued=now - timedelta(minutes=1))))
    _, port = start_gateway("hebei", trust_file=server_list)
    registration = _registration(pki)
    cases = {
        "TRUST_LIST_ROLLBACK": _supplied(sign_trust_list(pki.draft, pki.root_key, sequence=2, issued=now - timedelta(minutes=1))),
        "TRUST_LIST_INVALID": _supplied(sign_trust_list(pki.draft, generate_key(Algorithm.ED25519), sequence=4,
                                                        issued=now - timedelta(minutes=1))),
        "TRUST_LIST_EXPIRED": _supplied(sign_trust_list(pki.draft, pki.root_key, sequence=4, issued=now - timedelta(days=2),
                                                        next_update=now - timedelta(days=1))),
        "INVALID_REQUEST": document_pb2.SuppliedTrustList(content=b"{}", media_type="text/plain"),
    }
    with signed_channel(pki, port, "hebei") as channel:
        for reason, supplied in cases.items():
            with pytest.raises(grpc.RpcError) as err:
                _verify(channel, attestations=[registration], trust_list=supplied)
            assert _reason(err.value)[0] == reason
        expired = cases["TRUST_LIST_EXPIRED"]
        expired.accept_expired = True
        assert _verify(channel, attestations=[registration], trust_list=expired).verified[0].issuer == pki["hebei"].id
        same = _supplied(json.loads(server_list.read_bytes()))
        assert len(_verify(channel, attestations=[registration], trust_list=same).verified) == 1


# --- Verify an XML signature -----------------------------------------------------------------

@pytest.fixture(scope="module")
def signed_xml(signed_pki) -> bytes:
    return sign_xml(XML_DOC, signed_pki["hebei"].p256, signed_pki["hebei"].cert_pem)


def _xml(content: bytes, media_type: str = "application/xml") -> document_pb2.Document:
    return document_pb2.Document(media_type=media_type, content=content)


def test_xml_signature_returns_signer_and_only_the_signed_xml(channel, signed_pki, signed_xml) -> None:
    answer = _verify(channel, document=_xml(signed_xml), xml_signature=True)
    assert answer.xml_signature.signer == signed_pki["hebei"].id and not answer.verified
    signed = etree.fromstring(answer.xml_signature.signed_xml)
    assert signed.find("j:Total", NS).text == "1000" and signed.find("ds:Signature", NS) is None
    # A comment inside a signed value verifies (exclusive C14N drops comments); the signed
    # bytes carry the value as signed, not what a naive read of the input gives.
    injected = signed_xml.replace(b">1000<", b">10<!-- -->00<")
    assert etree.fromstring(injected).find("j:Total", NS).text == "10"
    answer = _verify(channel, document=_xml(injected, "application/vnd.example+xml"), xml_signature=True)
    assert etree.fromstring(answer.xml_signature.signed_xml).find("j:Total", NS).text == "1000"


def test_xml_signature_refusals(channel, signed_pki, signed_xml) -> None:
    wrapper = etree.fromstring(b'<Declaration xmlns="urn:jjj:cn-jjj-xml:1" id="d1"><Total unit="kg CO2e">1</Total></Declaration>')
    wrapper.append(etree.fromstring(signed_xml))
    xxe = signed_xml.replace(b"?>", b"?>\n<!DOCTYPE Declaration [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>", 1) \
        .replace(b">130000<", b">&x;<")
    registration = _registration(signed_pki)
    cases = [
        ({"document": _xml(etree.tostring(wrapper))}, "INVALID_SIGNATURE", None),
        ({"document": _xml(signed_xml.replace(b">1000<", b"> 1000<"))}, "INVALID_SIGNATURE", None),
        ({"document": _xml(xxe)}, "HOSTILE_DOCUMENT", None),
        ({"document": _xml(signed_xml), "trust_list": _supplied(_hebei_revoked(signed_pki))}, "KEY_REVOKED", None),
        ({"document": _xml(signed_xml, "application/json")}, "INVALID_REQUEST", "document.media_type"),
        ({"document": _xml(signed_xml), "attestations": [registration]}, "INVALID_REQUEST", "attestations"),
        ({"document": _xml(signed_xml), "challenge": "c"}, "INVALID_REQUEST", "challenge"),
        ({}, "INVALID_REQUEST", "document.content"),
    ]
    for fields, reason, path in cases:
        with pytest.raises(grpc.RpcError) as err:
            _verify(channel, xml_signature=True, **fields)
        got, paths = _reason(err.value)
        assert got == reason, (fields.keys(), got)
        if path:
            assert paths == [path]
