"""TranslationService, AttestationService and RecognitionService over mutual TLS."""

from __future__ import annotations

import json

import grpc
import pytest

from gateway._proto import (
    attestation_pb2,
    attestation_pb2_grpc,
    document_pb2,
    recognition_pb2,
    recognition_pb2_grpc,
    translation_pb2,
    translation_pb2_grpc,
)
from gateway.server import error_details
from gateway.translate import translate
from harness.hostile import cases as hostile_cases
from signing import load_trust_list
from signing.jcs import canonicalize

from .conftest import BATTERY, STEEL, registered_submission, signed_channel

EXPORTER = "urn:example:exporter:tianjin-cells"


def _doc(path=BATTERY, format_id="cn-jjj-json") -> document_pb2.Document:
    return document_pb2.Document(format_id=format_id, media_type="application/json", content=path.read_bytes())


@pytest.fixture
def tianjin(start_gateway, signed_pki):
    """Tianjin's gateway and a channel to it as an exporter that is not on the trust list."""
    _, port = start_gateway("tianjin")
    exporter = signed_pki.ca.issue("Tianjin Cells Co.", uris=(EXPORTER,))
    with signed_channel(signed_pki, port, credential=exporter) as channel:
        yield channel


def test_translate_matches_the_pipeline_and_attests_the_output(tianjin, signed_pki) -> None:
    stub = translation_pb2_grpc.TranslationServiceStub(tianjin)
    answer = stub.Translate(translation_pb2.TranslateRequest(document=_doc(), target_format_id="pact-v3", attest=True,
                                                             include_report_json=True))
    expected = translate(BATTERY.read_bytes(), "pact-v3")
    assert answer.document.content == expected.output and answer.document.format_id == "pact-v3"
    assert answer.report.lossless == expected.report.lossless
    report = expected.report.as_dict()
    assert answer.report_json == canonicalize(report)
    assert [(translation_pb2.TranslationEntryKind.Name(e.kind).removeprefix("TRANSLATION_ENTRY_KIND_").lower(),
             e.source_path or None, e.target_path or None, e.detail) for e in answer.report.entries] == [
        (e["kind"], e["sourcePath"], e["targetPath"], e["detail"]) for e in report["entries"]]
    plain = stub.Translate(translation_pb2.TranslateRequest(document=_doc(), target_format_id="pact-v3"))
    assert plain.report_json == b"" and plain.report == answer.report  # the JSON only when asked
    # The attestation chains the PACT output back to Tianjin's registration of the original.
    registration = registered_submission(signed_pki, "tianjin", BATTERY).attestations[0]
    verified = attestation_pb2_grpc.AttestationServiceStub(tianjin).Verify(attestation_pb2.VerifyRequest(
        document=answer.document, attestations=[registration, answer.attestation])).verified
    kinds = [attestation_pb2.ClaimType.Name(v.claim_type) for v in verified]
    assert kinds == ["CLAIM_TYPE_REGISTERED", "CLAIM_TYPE_TRANSLATED"]
    assert [v.issuer for v in verified] == [signed_pki["tianjin"].id] * 2
    assert verified[0].format_id == "cn-jjj-json" and verified[1].format_id == "pact-v3"


def test_translate_returns_the_report_for_people_when_asked(tianjin) -> None:
    stub = translation_pb2_grpc.TranslationServiceStub(tianjin)
    plain = stub.Translate(translation_pb2.TranslateRequest(document=_doc(), target_format_id="pact-v2"))
    assert plain.report_html == b""
    answer = stub.Translate(translation_pb2.TranslateRequest(document=_doc(), target_format_id="pact-v2",
                                                             include_report_html=True, include_report_json=True))
    page = answer.report_html.decode("utf-8")
    entries = json.loads(answer.report_json)["entries"]
    assert page.startswith("<!DOCTYPE html>") and "翻译报告 Translation report" in page
    assert page.count("<tr data-entry=") == len(entries) > 0
    assert all(f'data-kind="{e["kind"]}"' in page for e in entries)


def test_translate_stream_reports_item_errors_and_goes_on(tianjin) -> None:
    stub = translation_pb2_grpc.TranslationServiceStub(tianjin)
    items = [
        translation_pb2.TranslateStreamRequest(request_id="ok-1", document=_doc(), target_format_id="pact-v3"),
        translation_pb2.TranslateStreamRequest(request_id="bad", document=document_pb2.Document(
            format_id="cn-jjj-json", content=b'{"broken": '), target_format_id="pact-v3"),
        translation_pb2.TranslateStreamRequest(request_id="steel-to-battery", document=_doc(STEEL),
                                               target_format_id="eu-battery-json"),
        translation_pb2.TranslateStreamRequest(request_id="ok-2", document=_doc(STEEL), target_format_id="pact-v3"),
    ]
    answers = list(stub.TranslateStream(iter(items)))
    assert [a.request_id for a in answers] == ["ok-1", "bad", "steel-to-battery", "ok-2"]
    assert [a.WhichOneof("result") for a in answers] == ["translation", "error", "error", "translation"]
    assert answers[1].error.reason == "MALFORMED_DOCUMENT" and answers[1].error.domain == "jjj.footprint.v1"
    assert answers[2].error.reason == "MISSING_REQUIRED_VALUE"
    assert answers[2].error.violations[0].path


def test_translate_stream_answers_in_request_order_as_unary_calls_would(tianjin) -> None:
    """Several items in work at once: a battery declaration ahead of quicker and failing items
    is still answered first, and each answer is what Translate gives for that item."""
    stub = translation_pb2_grpc.TranslationServiceStub(tianjin)
    items = []
    for i in range(3):
        items += [
            translation_pb2.TranslateStreamRequest(request_id=f"battery-{i}", document=_doc(),
                                                   target_format_id="pact-v3", include_report_json=True),
            translation_pb2.TranslateStreamRequest(request_id=f"bad-{i}", document=document_pb2.Document(
                format_id="cn-jjj-json", content=b'{"broken": '), target_format_id="pact-v3"),
            translation_pb2.TranslateStreamRequest(request_id=f"steel-{i}", document=_doc(STEEL),
                                                   target_format_id="pact-v2"),
            translation_pb2.TranslateStreamRequest(request_id=f"wrong-{i}", document=_doc(STEEL),
                                                   target_format_id="eu-battery-json"),
        ]
    answers = list(stub.TranslateStream(iter(items)))
    assert [a.request_id for a in answers] == [item.request_id for item in items]
    for item, answer in zip(items, answers, strict=True):
        try:
            unary = stub.Translate(translation_pb2.TranslateRequest(
                document=item.document, target_format_id=item.target_format_id,
                include_report_json=item.include_report_json))
        except grpc.RpcError as error:
            details = error_details(error)
            assert answer.WhichOneof("result") == "error", item.request_id
            assert (answer.error.reason, answer.error.message) == (details["reason"], details["message"])
        else:
            assert answer.translation == unary, item.request_id
    assert [a.WhichOneof("result") for a in answers[:4]] == ["translation", "error", "translation", "error"]
    assert answers[0].translation.report_json and not answers[2].translation.report_json


def test_translate_stream_answers_a_client_that_waits_for_each_answer(tianjin) -> None:
    """The server reads ahead without waiting for a full window: one item at a time works."""
    import queue

    stub = translation_pb2_grpc.TranslationServiceStub(tianjin)
    outgoing: queue.Queue = queue.Queue()
    answers = stub.TranslateStream(iter(outgoing.get, None))
    for n in range(6):
        outgoing.put(translation_pb2.TranslateStreamRequest(request_id=str(n), document=_doc(STEEL),
                                                            target_format_id="pact-v3"))
        answer = next(answers)
        assert (answer.request_id, answer.WhichOneof("result")) == (str(n), "translation")
    outgoing.put(None)
    assert list(answers) == []


def test_translate_stream_answers_hostile_items_in_order_and_goes_on(tianjin) -> None:
    """Issue 16: a lone surrogate or an unbounded number used to end the whole stream."""
    stub = translation_pb2_grpc.TranslationServiceStub(tianjin)
    hostile = {c.id: c for c in hostile_cases()}
    bad = ["cn-jjj-lone-surrogate", "battery-exponent-absolute", "cn-jjj-integer-2^53+1", "iso-exponent", "xml-xinclude"]
    items = []
    for i, case_id in enumerate(bad):
        case = hostile[case_id]
        items.append(translation_pb2.TranslateStreamRequest(request_id=f"ok-{i}", document=_doc(), target_format_id="pact-v3"))
        items.append(translation_pb2.TranslateStreamRequest(request_id=case_id, target_format_id="pact-v3",
                     document=document_pb2.Document(format_id=case.format_id, content=case.content)))
    items.append(translation_pb2.TranslateStreamRequest(request_id="ok-last", document=_doc(STEEL), target_format_id="pact-v3"))
    answers = list(stub.TranslateStream(iter(items)))
    assert [a.request_id for a in answers] == [item.request_id for item in items]
    for answer in answers:
        if answer.request_id.startswith("ok-"):
            assert answer.WhichOneof("result") == "translation"
        else:
            assert answer.error.reason == hostile[answer.request_id].reason, answer.error.message


def test_validate_lists_violations_with_paths(tianjin) -> None:
    stub = translation_pb2_grpc.TranslationServiceStub(tianjin)
    assert stub.Validate(translation_pb2.ValidateRequest(document=_doc())).valid
    data = json.loads(STEEL.read_bytes())
    del data["version"]
    answer = stub.Validate(translation_pb2.ValidateRequest(document=document_pb2.Document(
        content=json.dumps(data).encode())))
    assert not answer.valid and answer.format_id == "cn-jjj-json"
    assert answer.violations and all(v.reason == "SCHEMA_VIOLATION" for v in answer.violations)


def test_list_formats(tianjin) -> None:
    formats = translation_pb2_grpc.TranslationServiceStub(tianjin).ListFormats(translation_pb2.ListFormatsRequest()).formats
    ids = [f.format_id for f in formats]
    assert ids == sorted(ids) and {"cn-jjj-json", "pact-v3", "eu-battery-json"} <= set(ids)
    assert all(f.readable and f.writable and f.media_types for f in formats)


def test_trust_list_is_served_as_held(tianjin, signed_pki) -> None:
    answer = attestation_pb2_grpc.AttestationServiceStub(tianjin).GetTrustList(attestation_pb2.GetTrustListRequest())
    assert answer.trust_list == signed_pki.files["trust_list"].read_bytes()
    assert load_trust_list(answer.trust_list, signed_pki.root_multikey).sequence == answer.sequence == 1


def test_sign_is_for_the_operator_only(start_gateway, signed_pki) -> None:
    _, port = start_gateway("hebei")
    request = attestation_pb2.SignRequest(document=_doc(STEEL), claim_type=attestation_pb2.CLAIM_TYPE_REGISTERED,
                                          claim_json=b'{"recordId": "HE-2025-0001"}')
    with signed_channel(signed_pki, port, "hebei") as channel:
        answer = attestation_pb2_grpc.AttestationServiceStub(channel).Sign(request)
        verified = attestation_pb2_grpc.AttestationServiceStub(channel).Verify(
            attestation_pb2.VerifyRequest(attestations=[answer.attestation])).verified[0]
    claim = json.loads(verified.claim_json)
    assert verified.issuer == signed_pki["hebei"].id and verified.digest == answer.digest
    assert claim == {"kind": "registered", "format": "cn-jjj-json", "declarationId": "17a5fb42-e39f-57e7-b903-f6ba0abd724e",
                     "version": 1, "region": "130000", "sector": "steel", "recordId": "HE-2025-0001"}
    with signed_channel(signed_pki, port, "beijing") as channel, pytest.raises(grpc.RpcError) as info:
        attestation_pb2_grpc.AttestationServiceStub(channel).Sign(request)
    assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_assess_under_tianjin_policy(tianjin, signed_pki) -> None:
    stub = recognition_pb2_grpc.RecognitionServiceStub(tianjin)
    policies = stub.ListPolicies(recognition_pb2.ListPoliciesRequest(region="120000")).policies
    assert [p.policy_id for p in policies] == ["cn-tj"] and "steel" in policies[0].sectors
    registration = registered_submission(signed_pki, "hebei").attestations
    answer = stub.Assess(recognition_pb2.AssessRequest(document=_doc(STEEL), attestations=registration,
                                                       policy_id="cn-tj"))
    decision = answer.decision
    assert decision.policy_id == "cn-tj" and decision.region == "120000"
    assert decision.declaration_id == "17a5fb42-e39f-57e7-b903-f6ba0abd724e"
    assert json.loads(answer.decision_json)["decision"] == recognition_pb2.RecognitionOutcome.Name(
        decision.outcome).removeprefix("RECOGNITION_OUTCOME_")
    assert {c.criterion_id for c in decision.criteria} >= {"sector", "methodology"}
    assert all(c.outcome != recognition_pb2.CRITERION_OUTCOME_UNSPECIFIED for c in decision.criteria)


def test_item_errors_carry_the_unary_details(tianjin) -> None:
    stub = translation_pb2_grpc.TranslationServiceStub(tianjin)
    with pytest.raises(grpc.RpcError) as info:
        stub.Translate(translation_pb2.TranslateRequest(document=_doc(STEEL), target_format_id="eu-battery-json"))
    unary = error_details(info.value)
    [item] = stub.TranslateStream(iter([translation_pb2.TranslateStreamRequest(
        request_id="x", document=_doc(STEEL), target_format_id="eu-battery-json")]))
    assert (item.error.reason, item.error.message) == (unary["reason"], unary["message"])
    assert [{"path": v.path, "message": v.message} for v in item.error.violations] == unary["violations"]


def test_a_replaced_trust_list_takes_effect_on_the_next_call(start_gateway, signed_pki, tmp_path) -> None:
    from datetime import timedelta

    from signing import set_key_status
    from signing.jcs import canonicalize
    from signing.timeutil import utcnow

    path = tmp_path / "trust-list.json"
    path.write_bytes(signed_pki.files["trust_list"].read_bytes())
    _, port = start_gateway("tianjin", trust_file=path)
    registration = registered_submission(signed_pki, "hebei").attestations
    with signed_channel(signed_pki, port, "tianjin") as channel:
        stub = attestation_pb2_grpc.AttestationServiceStub(channel)
        assert stub.Verify(attestation_pb2.VerifyRequest(attestations=registration)).verified[0].issuer.endswith("hebei")
        draft = set_key_status(signed_pki.draft, signed_pki["hebei"].ed25519_key_id, "revoked",
                               since=utcnow() - timedelta(hours=1), reason="key compromise")
        newer, _ = signed_pki.resign(draft, sequence=2, issued=utcnow() - timedelta(minutes=1))
        path.write_bytes(canonicalize(newer))
        assert stub.GetTrustList(attestation_pb2.GetTrustListRequest()).sequence == 2
        with pytest.raises(grpc.RpcError) as info:
            stub.Verify(attestation_pb2.VerifyRequest(attestations=registration))
    assert error_details(info.value)["reason"] == "KEY_REVOKED"
    assert error_details(info.value)["metadata"]["revocation_reason"] == "key compromise"


def test_unknown_format_names_the_request_field(tianjin) -> None:
    """AIP-193: BadRequest.field is the request field that carries the bad value."""
    stub = translation_pb2_grpc.TranslationServiceStub(tianjin)
    with pytest.raises(grpc.RpcError) as info:
        stub.Translate(translation_pb2.TranslateRequest(document=_doc(), target_format_id="pact-v9"))
    details = error_details(info.value)
    assert details["reason"] == "UNKNOWN_FORMAT"
    assert [v["path"] for v in details["violations"]] == ["target_format_id"]
    for call, request in ((stub.Translate, translation_pb2.TranslateRequest(document=_doc(format_id="nope"),
                                                                              target_format_id="pact-v3")),
                          (stub.Validate, translation_pb2.ValidateRequest(document=_doc(format_id="nope")))):
        with pytest.raises(grpc.RpcError) as info:
            call(request)
        assert [v["path"] for v in error_details(info.value)["violations"]] == ["document.format_id"]
