"""max_concurrent_rpcs is sized in clients: that many clients with one call in flight each are
never refused, while a flood of slow calls is still refused beyond the limit."""

from __future__ import annotations

import threading
import time
from concurrent import futures

import grpc

from gateway._proto import echo_pb2, echo_pb2_grpc, exchange_pb2_grpc
from gateway.server.submission import accept_as_declared

from .conftest import submit_request

HAMMER_SECONDS = 3.0


def _hammer(port: int, stop: threading.Event) -> tuple[int, list[str]]:
    calls, refusals = 0, []
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = echo_pb2_grpc.EchoServiceStub(channel)
        while not stop.is_set():
            try:
                assert stub.Echo(echo_pb2.EchoRequest(payload=b"x"), timeout=30).payload == b"x"
            except grpc.RpcError as error:
                refusals.append(f"{error.code().name} {error.details()}")
            calls += 1
    return calls, refusals


def test_as_many_clients_as_the_limit_are_never_refused(start_server) -> None:
    limit = 8
    _, port = start_server(enable_echo=True, max_workers=limit, max_concurrent_rpcs=limit)
    stop = threading.Event()
    with futures.ThreadPoolExecutor(limit) as pool:
        clients = [pool.submit(_hammer, port, stop) for _ in range(limit)]
        time.sleep(HAMMER_SECONDS)
        stop.set()
        results = [c.result() for c in clients]
    assert [refusals for _, refusals in results] == [[]] * limit
    assert all(calls > 0 for calls, _ in results)


class _Gate:
    """A verify_submission hook that holds every call until released."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def __call__(self, submission):
        assert self.release.wait(60)
        return accept_as_declared(submission)


def test_a_flood_beyond_the_limit_is_refused_at_once(start_server, store) -> None:
    limit, workers = 4, 2
    gate = _Gate()
    _, port = start_server(store=store, verify_submission=gate, max_workers=workers, max_concurrent_rpcs=limit)
    flood = 3 * limit
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel, futures.ThreadPoolExecutor(flood) as pool:
        stub = exchange_pb2_grpc.ExchangeServiceStub(channel)
        calls = [pool.submit(stub.Submit, submit_request(i), timeout=60) for i in range(1, flood + 1)]
        refused_first = flood - limit - workers
        deadline = time.monotonic() + 30
        while sum(c.done() for c in calls) < refused_first and time.monotonic() < deadline:
            time.sleep(0.05)
        held_while_refusing = sum(not c.done() for c in calls)
        gate.release.set()
        outcomes = [c.exception() for c in calls]
    refused = [e for e in outcomes if e is not None]
    assert {e.code() for e in refused} == {grpc.StatusCode.RESOURCE_EXHAUSTED}
    assert len(refused) == refused_first
    assert held_while_refusing == limit + workers
    assert store.last_cursor() == limit + workers
