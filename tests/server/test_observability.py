"""Metrics scraped from a running gateway move by exactly what was done; the access log
names each call; health turns NOT_SERVING while the store or trust list is unusable."""

from __future__ import annotations

import json
import logging
import shutil
import urllib.error
import urllib.request

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client.parser import text_string_to_metric_families

from gateway._proto import exchange_pb2, exchange_pb2_grpc
from gateway.server.opsconfig import MetricsConfig
from signing.timeutil import utcnow

from .conftest import HEBEI, registered_submission, signed_channel


def scrape(server) -> dict[tuple[str, tuple], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{server.monitoring.port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def delta(before: dict, after: dict, name: str, **labels) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0) - before.get(key, 0)


def test_counters_move_by_what_was_done(start_gateway, signed_pki, caplog) -> None:
    server, port = start_gateway("hebei", metrics=MetricsConfig("127.0.0.1:0"))
    valid = registered_submission(signed_pki, "hebei")
    wrong = registered_submission(signed_pki, "hebei")
    wrong.metadata.region = "110000"
    before = scrape(server)
    caplog.set_level(logging.INFO, logger="gateway.access")
    with signed_channel(signed_pki, port, "hebei") as channel:
        stub = exchange_pb2_grpc.ExchangeServiceStub(channel)
        stub.Submit(valid, timeout=10)
        assert stub.Submit(valid, timeout=10).duplicate
        for _ in range(3):
            stub.List(exchange_pb2.ListRequest(), timeout=10)
        try:
            stub.Submit(wrong, timeout=10)
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        try:
            stub.Get(exchange_pb2.GetRequest(declaration_id="nope"), timeout=10)
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.NOT_FOUND
    after = scrape(server)
    rpc = "fpgw_rpc_requests_total"
    assert delta(before, after, rpc, method="ExchangeService/Submit", reason="OK") == 2
    assert delta(before, after, rpc, method="ExchangeService/Submit", reason="INVALID_REQUEST") == 1
    assert delta(before, after, rpc, method="ExchangeService/List", reason="OK") == 3
    assert delta(before, after, rpc, method="ExchangeService/Get", reason="NOT_FOUND") == 1
    assert delta(before, after, "fpgw_rpc_latency_seconds_count", method="ExchangeService/Submit", reason="OK") == 2
    assert delta(before, after, "fpgw_rpc_latency_seconds_bucket", method="ExchangeService/List", reason="OK",
                 le="+Inf") == 3
    assert delta(before, after, "fpgw_store_write_seconds_count", operation="put_declaration") == 2
    assert delta(before, after, "fpgw_attestation_verifications_total", outcome="verified") == 2
    assert delta(before, after, "fpgw_attestation_verifications_total", outcome="INVALID_REQUEST") == 1
    trust_list = signed_pki.trust_list
    assert after[("fpgw_trust_list_sequence", ())] == trust_list.sequence
    assert after[("fpgw_trust_list_usable", ())] == 1
    remaining = (trust_list.next_update - utcnow()).total_seconds()
    assert 0 < after[("fpgw_trust_list_next_update_seconds", ())] <= remaining + 1
    calls = [r for r in caplog.records if r.name == "gateway.access"]
    refused = [r for r in calls if r.reason == "INVALID_REQUEST"]
    assert len(calls) == 7 and len(refused) == 1
    assert (refused[0].method, refused[0].caller) == ("ExchangeService/Submit", HEBEI) and refused[0].ms > 0


def _health(port: int, pki) -> int:
    with signed_channel(pki, port, "tianjin") as channel:
        return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=10).status


def _health_page(server) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.monitoring.port}/health", timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_health_follows_the_trust_list(start_gateway, signed_pki, tmp_path) -> None:
    trust_file = tmp_path / "trust-list.json"
    shutil.copy(signed_pki.files["trust_list"], trust_file)
    server, port = start_gateway("hebei", trust_file=trust_file, metrics=MetricsConfig("127.0.0.1:0"))
    assert _health(port, signed_pki) == health_pb2.HealthCheckResponse.SERVING
    trust_file.write_bytes(b'{"not": "a trust list"}')
    server.monitor.check()
    assert _health(port, signed_pki) == health_pb2.HealthCheckResponse.NOT_SERVING
    status, page = _health_page(server)
    assert status == 503 and not page["serving"] and set(page["problems"]) == {"trust_list"}
    assert scrape(server)[("fpgw_trust_list_usable", ())] == 0
    shutil.copy(signed_pki.files["trust_list"], trust_file)
    server.monitor.check()
    assert _health(port, signed_pki) == health_pb2.HealthCheckResponse.SERVING
    assert _health_page(server) == (200, {"serving": True, "problems": {}})


def test_health_follows_the_store(start_server, make_store) -> None:
    store = make_store("closing")
    server, port = start_server(store=store)
    store.close()
    assert not server.monitor.check()["serving"]
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10).status
    assert status == health_pb2.HealthCheckResponse.NOT_SERVING
    assert set(server.monitor.problems) == {"store"}
