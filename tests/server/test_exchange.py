"""ExchangeService over a real server: idempotency, conflicts, paging, Watch, Sync."""

from __future__ import annotations

import threading

import grpc
import pytest

from gateway._proto import exchange_pb2, exchange_pb2_grpc
from gateway.core.errors import UntrustedSigner
from gateway.server import error_details
from gateway.store import NewDecision

from .conftest import submit_request


def test_submit_twice_returns_the_same_receipt(exchange) -> None:
    first = exchange.Submit(submit_request(1))
    second = exchange.Submit(submit_request(1))
    assert not first.duplicate and second.duplicate
    assert second.receipt == first.receipt
    assert first.receipt.digest.startswith("sha256:") and first.receipt.cursor == 1


def test_conflicting_submission_names_the_stored_digest(exchange) -> None:
    stored = exchange.Submit(submit_request(1)).receipt
    with pytest.raises(grpc.RpcError) as info:
        exchange.Submit(submit_request(1, content=b'{"tampered": true}'))
    details = error_details(info.value)
    assert info.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert details["reason"] == "ALREADY_EXISTS" and details["domain"] == "jjj.footprint.v1"
    assert details["metadata"]["existing_digest"] == stored.digest


def test_incomplete_submission_lists_every_field(exchange) -> None:
    with pytest.raises(grpc.RpcError) as info:
        exchange.Submit(exchange_pb2.SubmitRequest())
    details = error_details(info.value)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT and details["reason"] == "INVALID_REQUEST"
    assert [v["path"] for v in details["violations"]] == [
        "metadata.declaration_id", "metadata.version", "document.format_id", "document.content",
    ]


def test_get_returns_the_declaration_as_received(exchange) -> None:
    request = submit_request(1)
    exchange.Submit(request)
    exchange.Submit(submit_request(1, version=2))
    record = exchange.Get(exchange_pb2.GetRequest(declaration_id="d1", version=1)).record
    assert record.document == request.document
    assert list(record.attestations) == list(request.attestations)
    assert record.metadata == request.metadata
    assert exchange.Get(exchange_pb2.GetRequest(declaration_id="d1")).record.metadata.version == 2
    with pytest.raises(grpc.RpcError) as info:
        exchange.Get(exchange_pb2.GetRequest(declaration_id="d9"))
    assert info.value.code() == grpc.StatusCode.NOT_FOUND and error_details(info.value)["reason"] == "NOT_FOUND"


def test_list_pages_through_filtered_records(exchange) -> None:
    for n in range(5):
        exchange.Submit(submit_request(n, region="120000" if n % 2 else "130000"))
    wanted = exchange_pb2.DeclarationFilter(region="130000")
    ids, token = [], ""
    while True:
        page = exchange.List(exchange_pb2.ListRequest(filter=wanted, page_size=2, page_token=token))
        ids += [r.metadata.declaration_id for r in page.records]
        token = page.next_page_token
        if not token:
            break
    assert ids == ["d0", "d2", "d4"]
    with pytest.raises(grpc.RpcError) as info:
        exchange.List(exchange_pb2.ListRequest(page_token="garbage"))
    details = error_details(info.value)
    assert details["reason"] == "INVALID_REQUEST" and details["violations"][0]["path"] == "page_token"


def _watch(stub, after: int, count: int, **kwargs) -> list[exchange_pb2.FeedRecord]:
    """Read ``count`` records from a Watch, then disconnect."""
    call = stub.Watch(exchange_pb2.WatchRequest(after_cursor=after, **kwargs), timeout=30)
    records = []
    for response in call:
        records.append(response.record)
        if len(records) == count:
            break
    call.cancel()
    return records


def test_watch_resumes_after_a_disconnect_without_gaps_or_repeats(exchange) -> None:
    for n in range(3):
        exchange.Submit(submit_request(n))
    first = _watch(exchange, 0, 2)
    for n in range(3, 5):
        exchange.Submit(submit_request(n))
    rest = _watch(exchange, first[-1].cursor, 3)
    assert [r.cursor for r in first + rest] == [1, 2, 3, 4, 5]
    assert [r.declaration.metadata.declaration_id for r in first + rest] == ["d0", "d1", "d2", "d3", "d4"]


def test_watch_delivers_new_records_live(exchange) -> None:
    exchange.Submit(submit_request(0))
    received: list[exchange_pb2.FeedRecord] = []
    first_seen = threading.Event()

    def consume() -> None:
        for response in exchange.Watch(exchange_pb2.WatchRequest(), timeout=30):
            received.append(response.record)
            first_seen.set()
            if len(received) == 3:
                return

    reader = threading.Thread(target=consume)
    reader.start()
    assert first_seen.wait(10)
    exchange.Submit(submit_request(1))
    exchange.Submit(submit_request(1))  # a duplicate is not a new record
    exchange.Submit(submit_request(2))
    reader.join(20)
    assert [r.declaration.metadata.declaration_id for r in received] == ["d0", "d1", "d2"]


def test_watch_filter_and_deadline(exchange) -> None:
    exchange.Submit(submit_request(0, sector="battery"))
    exchange.Submit(submit_request(1, sector="steel"))
    call = exchange.Watch(
        exchange_pb2.WatchRequest(filter=exchange_pb2.DeclarationFilter(sector="steel")), timeout=1.5
    )
    records = []
    with pytest.raises(grpc.RpcError) as info:
        for response in call:
            records.append(response.record)
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert [r.declaration.metadata.declaration_id for r in records] == ["d1"]


def test_sync_returns_batches_of_every_record_kind(exchange, store) -> None:
    for n in range(3):
        receipt = exchange.Submit(submit_request(n)).receipt
    store.put_decision(NewDecision(receipt.digest, "tj", "RECOGNISED", b'{"ok": 1}'), actor="tj")
    first = exchange.Sync(exchange_pb2.SyncRequest(limit=3))
    assert [r.cursor for r in first.records] == [1, 2, 3] and first.more and first.next_cursor == 3
    second = exchange.Sync(exchange_pb2.SyncRequest(after_cursor=first.next_cursor, limit=3))
    assert [r.WhichOneof("record") for r in second.records] == ["decision"]
    assert second.records[0].decision.outcome == 1 and not second.more and second.next_cursor == 4
    assert not exchange.Sync(exchange_pb2.SyncRequest(after_cursor=4)).records


def test_refused_verification_stores_nothing(start_server, store) -> None:
    def refuse(submission):
        raise UntrustedSigner("signer is not on the trust list", issuer="urn:jjj:platform:unknown")

    _, port = start_server(store=store, verify_submission=refuse)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        with pytest.raises(grpc.RpcError) as info:
            exchange_pb2_grpc.ExchangeServiceStub(channel).Submit(submit_request(1))
    details = error_details(info.value)
    assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert details["reason"] == "UNTRUSTED_SIGNER" and details["metadata"] == {"issuer": "urn:jjj:platform:unknown"}
    assert store.last_cursor() == 0


def test_unexpected_failure_is_internal_without_internals(start_server, store) -> None:
    def explode(submission):
        raise RuntimeError("password=hunter2 at db.internal:5432")

    _, port = start_server(store=store, verify_submission=explode)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        with pytest.raises(grpc.RpcError) as info:
            exchange_pb2_grpc.ExchangeServiceStub(channel).Submit(submit_request(1))
    details = error_details(info.value)
    assert info.value.code() == grpc.StatusCode.INTERNAL
    assert "hunter2" not in details["message"] and "db.internal" not in details["message"]
    assert details["reason"] == "INTERNAL_ERROR" and len(details["metadata"]["incident"]) == 12


def test_two_servers_on_one_store_serve_the_same_records(start_server, store) -> None:
    _, port_a = start_server(store=store)
    _, port_b = start_server(store=store)
    with grpc.insecure_channel(f"127.0.0.1:{port_a}") as a, grpc.insecure_channel(f"127.0.0.1:{port_b}") as b:
        stub_a, stub_b = exchange_pb2_grpc.ExchangeServiceStub(a), exchange_pb2_grpc.ExchangeServiceStub(b)
        receipt = stub_a.Submit(submit_request(1)).receipt
        again = stub_b.Submit(submit_request(1))
        assert again.duplicate and again.receipt == receipt
        assert stub_b.Get(exchange_pb2.GetRequest(declaration_id="d1")).record.digest == receipt.digest
