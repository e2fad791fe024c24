"""Submit and Sync on gateways with a trust list: attestations verified, callers authorised."""

from __future__ import annotations

import grpc
import pytest

from gateway._proto import exchange_pb2, exchange_pb2_grpc
from gateway.server import accept_as_declared, error_details
from gateway.server.exchange import submission_from_request
from signing import RegisteredClaim, document_digest
from signing.jcs import canonicalize

from .conftest import STEEL, registered_submission, signed_channel


def _call(fn, request):
    with pytest.raises(grpc.RpcError) as info:
        fn(request)
    return info.value.code(), error_details(info.value)


def test_hebei_submits_its_signed_declaration(start_gateway, signed_pki, store) -> None:
    _, port = start_gateway("hebei", store=store)
    request = registered_submission(signed_pki, "hebei")
    with signed_channel(signed_pki, port, "hebei") as channel:
        stub = exchange_pb2_grpc.ExchangeServiceStub(channel)
        receipt = stub.Submit(request).receipt
        assert stub.Submit(request).duplicate
        record = stub.Get(exchange_pb2.GetRequest(declaration_id=request.metadata.declaration_id)).record
    # Stored under the canonical (JCS) digest the attestation names, not the raw bytes.
    assert receipt.digest == document_digest(STEEL.read_bytes(), "json") == record.digest
    assert record.metadata.sector == "steel" and record.document.content == STEEL.read_bytes()


def test_hebei_certificate_submitting_as_beijing_is_refused(start_gateway, signed_pki) -> None:
    _, port = start_gateway("beijing")
    content = STEEL.read_bytes()
    # A declaration registered (validly) by Beijing, sent over Hebei's certificate.
    claim = RegisteredClaim("cn-jjj-json", "17a5fb42-e39f-57e7-b903-f6ba0abd724e", 1, "130000", "steel")
    forged = canonicalize(signed_pki["beijing"].attest(claim, document_digest(content, "json")))
    with signed_channel(signed_pki, port, "hebei") as channel:
        code, details = _call(exchange_pb2_grpc.ExchangeServiceStub(channel).Submit,
                              registered_submission(signed_pki, attestations=[forged]))
    assert code == grpc.StatusCode.PERMISSION_DENIED and details["reason"] == "PERMISSION_DENIED"
    assert details["metadata"] == {"caller": signed_pki["hebei"].id, "registered_by": signed_pki["beijing"].id}


def test_only_platforms_submit(start_gateway, signed_pki) -> None:
    _, port = start_gateway("hebei")
    with signed_channel(signed_pki, port, "verifier") as channel:
        code, details = _call(exchange_pb2_grpc.ExchangeServiceStub(channel).Submit, registered_submission(signed_pki))
    assert code == grpc.StatusCode.PERMISSION_DENIED and "only platforms" in details["message"]


def test_submit_without_client_certificate_is_unauthenticated(start_gateway, signed_pki) -> None:
    _, port = start_gateway("hebei", tls=gateway_tls_server_only(signed_pki))
    with signed_channel(signed_pki, port) as channel:
        code, details = _call(exchange_pb2_grpc.ExchangeServiceStub(channel).Submit, registered_submission(signed_pki))
    assert code == grpc.StatusCode.UNAUTHENTICATED and details["reason"] == "UNAUTHENTICATED"


def gateway_tls_server_only(pki):
    from gateway.server import TlsConfig

    return TlsConfig(cert=pki.files["server_cert"], key=pki.files["server_key"])


def test_attestations_hold_for_the_canonical_form_only(start_gateway, signed_pki) -> None:
    _, port = start_gateway("hebei")
    genuine = registered_submission(signed_pki).attestations[0].content
    reformatted = STEEL.read_bytes().replace(b"\n", b"\n  ")
    respaced = STEEL.read_bytes().replace(b'"steel"', b'"steel" ', 1).replace(b'"version": 1,', b'"version": 1 ,', 1)
    altered = STEEL.read_text(encoding="utf-8").replace("Hot-rolled", "Cold-rolled", 1).encode()
    assert altered != STEEL.read_bytes()
    with signed_channel(signed_pki, port, "hebei") as channel:
        stub = exchange_pb2_grpc.ExchangeServiceStub(channel)
        # Whitespace is no change: same canonical digest, the attestation holds.
        assert stub.Submit(registered_submission(signed_pki, content=reformatted, attestations=[genuine])).receipt
        assert stub.Submit(registered_submission(signed_pki, content=respaced, attestations=[genuine])).duplicate
        code, details = _call(stub.Submit, registered_submission(signed_pki, content=altered, attestations=[genuine]))
        assert code == grpc.StatusCode.INVALID_ARGUMENT and details["reason"] == "DIGEST_MISMATCH"
        code, details = _call(stub.Submit, registered_submission(signed_pki, version=2, attestations=[genuine]))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and details["reason"] == "INVALID_REQUEST"
    assert [v["path"] for v in details["violations"]] == ["metadata.version"]


def test_sync_refuses_records_whose_attestations_do_not_verify(start_gateway, signed_pki, make_store) -> None:
    hebei_store, tianjin_store = make_store("hebei"), make_store("tianjin")
    hebei, hebei_port = start_gateway("hebei", store=hebei_store)
    tianjin, _ = start_gateway("tianjin", store=tianjin_store)
    good = registered_submission(signed_pki)
    with signed_channel(signed_pki, hebei_port, "hebei") as channel:
        exchange_pb2_grpc.ExchangeServiceStub(channel).Submit(good)
    # A record slipped into Hebei's store behind the gateway's back, with no attestation.
    bogus = registered_submission(signed_pki, path=STEEL.with_name("hebei-float-glass.json"), attestations=[])
    hebei_store.put_declaration(accept_as_declared(submission_from_request(bogus, None)), (), actor="intruder")
    with signed_channel(signed_pki, hebei_port, "tianjin") as channel:
        outcome = tianjin.replicator().pull(exchange_pb2_grpc.ExchangeServiceStub(channel), signed_pki["hebei"].id)
    assert outcome.stored == 1 and [r.reason for r in outcome.refused] == ["INVALID_REQUEST"]
    assert [r.declaration_id for r in tianjin_store.list_declarations().records] == [good.metadata.declaration_id]
    assert any(e.action == "replication.refused" for e in tianjin_store.audit_entries())


def test_sync_is_for_platforms_only(start_gateway, signed_pki) -> None:
    _, port = start_gateway("hebei")
    with signed_channel(signed_pki, port, "gateway") as channel:
        code, details = _call(exchange_pb2_grpc.ExchangeServiceStub(channel).Sync, exchange_pb2.SyncRequest())
    assert code == grpc.StatusCode.PERMISSION_DENIED and details["metadata"]["method"] == "Sync"
