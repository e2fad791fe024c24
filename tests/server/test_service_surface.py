"""Health, reflection (a client that knows only the address), limits and shutdown."""

from __future__ import annotations

import threading
from concurrent import futures

import grpc
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from gateway._proto import echo_pb2, echo_pb2_grpc, exchange_pb2, exchange_pb2_grpc
from gateway.server import error_details
from gateway.server.submission import accept_as_declared

from .conftest import submit_request


def test_health_reports_serving(start_server, store) -> None:
    _, port = start_server(store=store)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for service in ("", "jjj.footprint.v1.ExchangeService"):
            answer = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
            assert answer.status == health_pb2.HealthCheckResponse.SERVING


def _reflect(channel: grpc.Channel, request: reflection_pb2.ServerReflectionRequest) -> reflection_pb2.ServerReflectionResponse:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    return next(iter(stub.ServerReflectionInfo(iter([request]), timeout=5)))


def test_a_client_knowing_only_the_address_can_discover_and_call(start_server, store) -> None:
    _, port = start_server(store=store)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        exchange_pb2_grpc.ExchangeServiceStub(channel).Submit(submit_request(7))
        listed = _reflect(channel, reflection_pb2.ServerReflectionRequest(list_services=""))
        names = {s.name for s in listed.list_services_response.service}
        assert {"jjj.footprint.v1.ExchangeService", "grpc.health.v1.Health"} <= names
        # Build the messages from reflected descriptors only, as a foreign client would.
        pool = descriptor_pool.DescriptorPool()
        answer = _reflect(channel, reflection_pb2.ServerReflectionRequest(
            file_containing_symbol="jjj.footprint.v1.ExchangeService"))
        files = [descriptor_pb2.FileDescriptorProto.FromString(b)
                 for b in answer.file_descriptor_response.file_descriptor_proto]
        while files:  # add each file once its dependencies are in the pool
            ready = next(f for f in files if all(_has_file(pool, d) for d in f.dependency))
            pool.Add(ready)
            files.remove(ready)
        method = pool.FindServiceByName("jjj.footprint.v1.ExchangeService").methods_by_name["Get"]
        request_class = message_factory.GetMessageClass(method.input_type)
        response_class = message_factory.GetMessageClass(method.output_type)
        call = channel.unary_unary("/jjj.footprint.v1.ExchangeService/Get",
                                   request_serializer=request_class.SerializeToString,
                                   response_deserializer=response_class.FromString)
        record = call(request_class(declaration_id="d7"), timeout=5).record
        assert record.metadata.declaration_id == "d7" and record.digest.startswith("sha256:")


def _has_file(pool: descriptor_pool.DescriptorPool, name: str) -> bool:
    try:
        pool.FindFileByName(name)
    except KeyError:
        return False
    return True


def test_oversized_messages_are_refused(start_server, store) -> None:
    _, port = start_server(store=store, max_message_bytes=64 * 1024)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        with pytest.raises(grpc.RpcError) as info:
            exchange_pb2_grpc.ExchangeServiceStub(channel).Submit(submit_request(1, content=b"x" * 100_000))
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert store.last_cursor() == 0


class _Gate:
    """A verify_submission hook that holds each call until released."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, submission):
        self.entered.set()
        assert self.release.wait(30)
        return accept_as_declared(submission)


def test_graceful_stop_lets_in_flight_calls_finish(start_server, store) -> None:
    gate = _Gate()
    server, port = start_server(store=store, verify_submission=gate)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel, futures.ThreadPoolExecutor(2) as pool:
        stub = exchange_pb2_grpc.ExchangeServiceStub(channel)
        in_flight = pool.submit(stub.Submit, submit_request(1), timeout=30)
        assert gate.entered.wait(10)
        stopping = pool.submit(server.stop, 20)
        with pytest.raises(grpc.RpcError):
            exchange_pb2_grpc.ExchangeServiceStub(channel).Get(exchange_pb2.GetRequest(declaration_id="d1"),
                                                               timeout=5)
        gate.release.set()
        assert in_flight.result().receipt.cursor == 1
        stopping.result()
    assert store.get_declaration("d1").cursor == 1
    assert store.verify_audit() == 1


def test_echo_is_served_only_when_enabled(start_server, store) -> None:
    _, port = start_server(store=store, enable_echo=True)
    _, plain_port = start_server(store=store)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = echo_pb2_grpc.EchoServiceStub(channel)
        assert stub.Echo(echo_pb2.EchoRequest(payload=b"abc")).payload == b"abc"
        replies = stub.EchoStream(iter([echo_pb2.EchoStreamRequest(payload=bytes([i])) for i in range(3)]))
        assert [r.payload for r in replies] == [b"\x00", b"\x01", b"\x02"]
    with grpc.insecure_channel(f"127.0.0.1:{plain_port}") as channel:
        with pytest.raises(grpc.RpcError) as info:
            echo_pb2_grpc.EchoServiceStub(channel).Echo(echo_pb2.EchoRequest(payload=b"abc"))
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert error_details(info.value)["reason"] == ""
