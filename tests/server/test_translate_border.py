"""Translate over gRPC with what partners send: envelopes, the supplied map, identifier checks."""

from __future__ import annotations

import grpc
import pytest

from gateway._proto import document_pb2, translation_pb2, translation_pb2_grpc
from gateway.core.parsing import load_json
from gateway.server import error_details
from tests.border.documents import TO_REGIONAL, USCC, footprint, raw, with_wrong_gtin


@pytest.fixture
def stub(start_server):
    _, port = start_server()
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield translation_pb2_grpc.TranslationServiceStub(channel)


def _doc(content: bytes) -> document_pb2.Document:
    return document_pb2.Document(media_type="application/json", content=content)


def test_one_footprint_envelope_translates_and_supplied_values_are_reported(stub) -> None:
    answer = stub.Translate(translation_pb2.TranslateRequest(
        document=_doc(raw({"data": with_wrong_gtin()})), target_format_id="cn-jjj-json", supplied=TO_REGIONAL))
    assert load_json(answer.document.content)["organization"]["unifiedSocialCreditCode"] == USCC
    kinds = [translation_pb2.TranslationEntryKind.Name(e.kind) for e in answer.report.entries]
    assert kinds.count("TRANSLATION_ENTRY_KIND_SUPPLIED") == 3 and "TRANSLATION_ENTRY_KIND_WARNING" in kinds


def test_a_larger_envelope_is_refused_naming_translate_stream(stub) -> None:
    with pytest.raises(grpc.RpcError) as info:
        stub.Translate(translation_pb2.TranslateRequest(
            document=_doc(raw({"data": [footprint(1), footprint(2)]})), target_format_id="pact-v2"))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "TranslateStream" in error_details(info.value)["message"]


@pytest.mark.parametrize(("options", "supplied", "field"), [
    ({"identifier_checks": "strict"}, {}, None),
    ({"mass_per_peice_kg": "2"}, {}, "options.mass_per_peice_kg"),
    ({}, {"regoin": "120000"}, "supplied.regoin"),
])
def test_strict_checks_and_unknown_keys_are_refused(stub, options, supplied, field) -> None:
    with pytest.raises(grpc.RpcError) as info:
        stub.Translate(translation_pb2.TranslateRequest(document=_doc(raw(with_wrong_gtin())), target_format_id="pact-v2",
                                                        options=options, supplied=supplied))
    details = error_details(info.value)
    if field is None:
        assert details["reason"] == "INVALID_IDENTIFIER"
    else:
        assert details["reason"] == "INVALID_REQUEST" and details["violations"][0]["path"] == field
