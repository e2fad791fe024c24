"""RPC throughput and latency of the gateway against a bare echo measured in the same run.

    python benchmarks/bench_rpc.py [--seconds 5] [--clients 8] [--payload 3072] [--in-flight 4]
                                   [--document gateway/examples/hebei-hot-rolled-steel-coil.json] [--to pact-v3]

Each server runs in its own process (as in production; the client's threads would otherwise
share its GIL). Baseline: a bare sync gRPC server with only EchoService. Then the gateway's
own server (interceptor, health, reflection, every service) answering Echo; Translate of a
real declaration against Echo of the same bytes on that same server; TranslateStream
against EchoStream (one stream per client, one item in flight, then --in-flight items
sent ahead on each stream); and Submit on SQLite and,
when FPGW_TEST_POSTGRES_DSN is set, PostgreSQL. The ratio column is against the bare echo;
the lines after the table compare each RPC with its echo on the same server.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import multiprocessing
import os
import queue
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path

import grpc

from gateway import examples


def _bare_echo(conn, workers: int) -> None:
    from gateway._proto import echo_pb2_grpc
    from gateway.server.echo import EchoServicer

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers))
    echo_pb2_grpc.add_EchoServiceServicer_to_server(EchoServicer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    conn.send(port)
    conn.recv()
    server.stop(0)


def serve_gateway(conn, config) -> None:
    """The gateway with ``config`` (a ServerConfig, built by the caller) as ``fpgw serve`` runs
    it (serve_one: the same set-up of the process), until told to stop (then SIGTERM, its
    graceful shutdown)."""
    from gateway.server.app import serve_one

    def stop_when_told() -> None:
        conn.recv()
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=stop_when_told, daemon=True).start()
    serve_one(config, on_started=conn.send)


def _gateway_config(workers: int, store_url: str, schema: str):
    from gateway.server import ServerConfig, StoreConfig

    return ServerConfig(address="127.0.0.1:0", max_workers=workers, max_concurrent_rpcs=workers * 8,
                        enable_echo=True, store=StoreConfig(url=store_url, schema=schema))


class ServerProcess:
    def __init__(self, target: Callable, *args: object) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=target, args=(child, *args), daemon=True)

    def __enter__(self) -> int:
        self._process.start()
        return self._conn.recv()

    def __exit__(self, *exc: object) -> None:
        self._conn.send("stop")
        self._process.join(30)


@dataclass
class Result:
    name: str
    calls: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.calls / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def measure(name: str, port: int, make_call: Callable[[grpc.Channel], Callable[[int], object]],
            seconds: float, clients: int) -> Result:
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    call = make_call(channel)
    counter = itertools.count()
    for _ in range(50):  # warm up connections and code paths
        call(next(counter))
    stop = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(clients)]

    def client(mine: list[float]) -> None:
        while time.perf_counter() < stop:
            n = next(counter)
            started = time.perf_counter()
            call(n)
            mine.append(time.perf_counter() - started)

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(latencies[i],)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    channel.close()
    flat = [x for part in latencies for x in part]
    return Result(name, len(flat), elapsed, flat)


def echo_call(payload: bytes) -> Callable[[grpc.Channel], Callable[[int], object]]:
    def make(channel: grpc.Channel) -> Callable[[int], object]:
        from gateway._proto import echo_pb2, echo_pb2_grpc

        stub = echo_pb2_grpc.EchoServiceStub(channel)
        request = echo_pb2.EchoRequest(payload=payload)
        return lambda n: stub.Echo(request)
    return make


def translate_call(document: bytes, target: str) -> Callable[[grpc.Channel], Callable[[int], object]]:
    def make(channel: grpc.Channel) -> Callable[[int], object]:
        from gateway._proto import document_pb2, translation_pb2, translation_pb2_grpc

        stub = translation_pb2_grpc.TranslationServiceStub(channel)
        request = translation_pb2.TranslateRequest(
            document=document_pb2.Document(format_id="cn-jjj-json", media_type="application/json", content=document),
            target_format_id=target)
        return lambda n: stub.Translate(request)
    return make


def measure_stream(name: str, port: int, open_stream: Callable[[grpc.Channel, Callable[[], object]], object],
                   request: object, seconds: float, clients: int, in_flight: int = 1, warm: int = 20) -> Result:
    """Each client keeps one bidirectional stream with ``in_flight`` items sent and not yet
    answered (a new one sent per answer): per-item latency from send to answer. Every stream
    first answers ``warm`` items and has none in flight; the clock starts when all have, so a
    slow opening (a loaded machine) is not counted as time in which nothing was answered."""
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    clock: dict[str, float] = {}

    def start_clock() -> None:
        clock["began"] = time.perf_counter()
        clock["stop"] = clock["began"] + seconds

    warmed = threading.Barrier(clients, action=start_clock)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    ended = [0.0] * clients

    def client(k: int) -> None:
        items: queue.Queue = queue.Queue()
        responses = open_stream(channel, lambda: iter(items.get, None))
        for n in range(warm):
            items.put(request)
            if n >= in_flight - 1:
                next(responses)
        for _ in range(min(in_flight - 1, warm)):
            next(responses)
        warmed.wait()
        sent: collections.deque[float] = collections.deque()
        for _ in range(in_flight):
            sent.append(time.perf_counter())
            items.put(request)
        while True:
            next(responses)
            latencies[k].append(time.perf_counter() - sent.popleft())
            if time.perf_counter() >= clock["stop"]:
                break
            sent.append(time.perf_counter())
            items.put(request)
        ended[k] = time.perf_counter()
        items.put(None)
        for _ in responses:
            pass

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    channel.close()
    flat = [x for part in latencies for x in part]
    return Result(name, len(flat), max(ended) - clock["began"], flat)


def echo_stream(channel: grpc.Channel, items: Callable[[], object]) -> object:
    from gateway._proto import echo_pb2_grpc

    return echo_pb2_grpc.EchoServiceStub(channel).EchoStream(items())


def translate_stream(channel: grpc.Channel, items: Callable[[], object]) -> object:
    from gateway._proto import translation_pb2_grpc

    return translation_pb2_grpc.TranslationServiceStub(channel).TranslateStream(items())


def stream_requests(document: bytes, target: str) -> tuple[object, object]:
    from gateway._proto import document_pb2, echo_pb2, translation_pb2

    return echo_pb2.EchoStreamRequest(payload=document), translation_pb2.TranslateStreamRequest(
        request_id="r", document=document_pb2.Document(format_id="cn-jjj-json", media_type="application/json",
                                                       content=document), target_format_id=target)


def submit_call(payload: bytes) -> Callable[[grpc.Channel], Callable[[int], object]]:
    run = uuid.uuid4().hex[:8]

    def make(channel: grpc.Channel) -> Callable[[int], object]:
        from gateway._proto import document_pb2, exchange_pb2, exchange_pb2_grpc

        stub = exchange_pb2_grpc.ExchangeServiceStub(channel)

        def call(n: int) -> object:
            return stub.Submit(exchange_pb2.SubmitRequest(
                metadata=exchange_pb2.DeclarationMetadata(declaration_id=f"{run}-{n}", version=1, region="130000"),
                document=document_pb2.Document(format_id="cn-jjj-json", media_type="application/json",
                                               content=payload + str(n).encode()),
            ))
        return call
    return make


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--payload", type=int, default=3072, help="bytes per request")
    parser.add_argument("--document", type=Path, default=examples.example("hebei-hot-rolled-steel-coil.json"),
                        help="cn-jjj-json declaration to translate")
    parser.add_argument("--to", default="pact-v3", help="target format of Translate")
    parser.add_argument("--in-flight", type=int, default=4, help="items sent ahead per stream (second stream pair)")
    args = parser.parse_args()
    payload = os.urandom(args.payload // 2).hex().encode()[: args.payload]
    document = args.document.read_bytes()
    echo_item, translate_item = stream_requests(document, args.to)
    results: list[Result] = []
    with ServerProcess(_bare_echo, args.workers) as port:
        results.append(measure("bare echo (baseline)", port, echo_call(payload), args.seconds, args.clients))
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = _gateway_config(args.workers, os.path.join(tmp, "bench.sqlite"), "fpgw")
        with ServerProcess(serve_gateway, sqlite) as port:
            results.append(measure("gateway Echo", port, echo_call(payload), args.seconds, args.clients))
            results.append(measure("gateway Echo, document", port, echo_call(document), args.seconds, args.clients))
            results.append(measure(f"Translate -> {args.to}", port, translate_call(document, args.to), args.seconds,
                                   args.clients))
            results.append(measure_stream("gateway EchoStream", port, echo_stream, echo_item, args.seconds,
                                          args.clients))
            results.append(measure_stream(f"TranslateStream -> {args.to}", port, translate_stream, translate_item,
                                          args.seconds, args.clients))
            results.append(measure_stream(f"gateway EchoStream, {args.in_flight} ahead", port, echo_stream, echo_item,
                                          args.seconds, args.clients, args.in_flight))
            results.append(measure_stream(f"TranslateStream, {args.in_flight} ahead", port, translate_stream,
                                          translate_item, args.seconds, args.clients, args.in_flight))
            results.append(measure("Submit, SQLite", port, submit_call(payload), args.seconds, args.clients))
    dsn = os.environ.get("FPGW_TEST_POSTGRES_DSN")
    if dsn:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with ServerProcess(serve_gateway, _gateway_config(args.workers, dsn, schema)) as port:
            results.append(measure("Submit, PostgreSQL", port, submit_call(payload), args.seconds, args.clients))
        import psycopg

        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    else:
        print("PostgreSQL skipped: set FPGW_TEST_POSTGRES_DSN")
    base = results[0]
    print(f"{args.payload} B payload, document {args.document.name} ({len(document)} B), {args.clients} client "
          f"threads, {args.workers} server threads, {args.seconds:g} s each, {os.cpu_count()} CPUs")
    print(f"{'':30} {'RPC/s':>9} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for r in results:
        print(f"{r.name:30} {r.rate:9.0f} {r.rate / base.rate:7.2f} {r.percentile(0.5):8.2f} "
              f"{r.percentile(0.99):8.2f}")
    by_name = {r.name: r for r in results}
    for rpc, echo in ((f"Translate -> {args.to}", "gateway Echo, document"),
                      (f"TranslateStream -> {args.to}", "gateway EchoStream"),
                      (f"TranslateStream, {args.in_flight} ahead", f"gateway EchoStream, {args.in_flight} ahead")):
        r, e = by_name[rpc], by_name[echo]
        print(f"{rpc} / {echo}: throughput {r.rate / e.rate:.3f}, p50 x{r.percentile(0.5) / e.percentile(0.5):.1f},"
              f" p99 x{r.percentile(0.99) / e.percentile(0.99):.1f}")


if __name__ == "__main__":
    main()
