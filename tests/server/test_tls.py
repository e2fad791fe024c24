"""TLS and mutual TLS with certificates made for the test; the caller's identity is the
SAN URI of its client certificate."""

from __future__ import annotations

import grpc
import pytest

from gateway._proto import exchange_pb2, exchange_pb2_grpc
from gateway.core.errors import ConfigurationError
from gateway.server import ServerConfig

from .conftest import BEIJING, HEBEI, submit_request


def _submit(channel: grpc.Channel, n: int = 1) -> exchange_pb2.SubmitResponse:
    return exchange_pb2_grpc.ExchangeServiceStub(channel).Submit(submit_request(n), timeout=10)


def test_tls_server_serves_a_client_that_trusts_its_ca(start_server, store, pki) -> None:
    _, port = start_server(store=store, tls=pki.server_tls(mutual=False))
    with pki.channel(port) as channel:
        assert _submit(channel).receipt.cursor == 1
    with grpc.insecure_channel(f"localhost:{port}") as plaintext:
        with pytest.raises(grpc.RpcError) as info:
            _submit(plaintext)
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE


def test_mutual_tls_records_the_callers_identity(start_server, store, pki) -> None:
    _, port = start_server(store=store, tls=pki.server_tls(mutual=True))
    with pki.channel(port, pki.hebei) as hebei, pki.channel(port, pki.beijing) as beijing:
        _submit(hebei, 1)
        _submit(beijing, 2)
    assert [e.actor for e in store.audit_entries()] == [HEBEI, BEIJING]


@pytest.mark.parametrize("client", [None, "rogue"])
def test_mutual_tls_refuses_clients_without_a_certificate_from_the_ca(start_server, store, pki, client) -> None:
    _, port = start_server(store=store, tls=pki.server_tls(mutual=True))
    with pki.channel(port, getattr(pki, client) if client else None) as channel:
        with pytest.raises(grpc.RpcError) as info:
            _submit(channel)
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    assert store.last_cursor() == 0


def test_plaintext_is_refused_off_loopback_unless_insecure() -> None:
    with pytest.raises(ConfigurationError) as info:
        ServerConfig(address="0.0.0.0:0").check()
    assert info.value.violations[0].path == "server.insecure"
    ServerConfig(address="0.0.0.0:0", insecure=True).check()
    ServerConfig(address="[::1]:0").check()
    ServerConfig(address="localhost:0").check()
