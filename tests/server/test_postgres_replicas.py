"""Two gateway servers on one PostgreSQL schema behave as one service."""

from __future__ import annotations

import uuid

import grpc
import pytest

from gateway._proto import exchange_pb2, exchange_pb2_grpc
from tests.store.conftest import drop_schema, postgres_dsn

from .conftest import submit_request

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_stores():
    from gateway.store.postgres import PostgresStore

    dsn, schema = postgres_dsn(), f"t_{uuid.uuid4().hex[:16]}"
    stores = [PostgresStore(dsn, schema=schema, pool_size=4) for _ in range(2)]
    yield stores
    for store in stores:
        store.close()
    drop_schema(dsn, schema)


def test_replicas_share_records_and_watch_sees_the_others_writes(start_server, postgres_stores) -> None:
    _, port_a = start_server(store=postgres_stores[0])
    _, port_b = start_server(store=postgres_stores[1])
    with grpc.insecure_channel(f"127.0.0.1:{port_a}") as a, grpc.insecure_channel(f"127.0.0.1:{port_b}") as b:
        stub_a, stub_b = exchange_pb2_grpc.ExchangeServiceStub(a), exchange_pb2_grpc.ExchangeServiceStub(b)
        watch = stub_b.Watch(exchange_pb2.WatchRequest(), timeout=30)
        receipt = stub_a.Submit(submit_request(1)).receipt
        assert next(watch).record.declaration.digest == receipt.digest  # found by B's polling
        watch.cancel()
        assert stub_b.Submit(submit_request(1)).receipt == receipt
        stub_b.Submit(submit_request(2))
        listed = stub_a.List(exchange_pb2.ListRequest())
        assert [r.metadata.declaration_id for r in listed.records] == ["d1", "d2"]
        with pytest.raises(grpc.RpcError) as info:
            stub_a.Submit(submit_request(2, content=b"{}"))
        assert info.value.code() == grpc.StatusCode.ALREADY_EXISTS
