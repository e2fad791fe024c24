"""Submit tail latency under many concurrent clients, against Echo on the same server.

    python benchmarks/bench_submit.py [--seconds 10] [--clients 20,50] [--payload 3072]
                                      [--workers 16] [--pool-size 8] [--store both|sqlite|postgres]

For each store (SQLite in a temporary file; PostgreSQL in a schema of its own when
FPGW_TEST_POSTGRES_DSN is set) and each client count, one gateway server process (default
settings but for the store) answers first Echo of the same payload (the baseline: transport,
interceptor and threads without the store), then Submit of distinct declarations. Each line
gives calls/s, p50, p99 and max in ms, p99/p50 (issue 16 asks for at most 5) and Submit's
p50 against Echo's. After the server stops, every acknowledged receipt is looked up in the
store: the run fails unless each is there at the cursor and digest it acknowledged.

The clients are threads of this process, the server (run as ``fpgw serve`` runs it) another:
20 clients spread over 4 processes gave the same p50 and p99 as 20 threads of one, so the
client's GIL is not where the tail comes from (docs/performance.md).
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import grpc

from bench_rpc import ServerProcess, serve_gateway  # the server in a process of its own, as in production


def _gateway_config(store_url: str, schema: str, workers: int, pool_size: int):
    from gateway.server import ServerConfig, StoreConfig

    return ServerConfig(address="127.0.0.1:0", max_workers=workers, max_concurrent_rpcs=max(64, workers * 4),
                        enable_echo=True, store=StoreConfig(url=store_url, schema=schema, pool_size=pool_size))


@dataclass
class Run:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    receipts: list[tuple[str, int, str]] = field(default_factory=list)

    def ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


def drive(name: str, port: int, make_call: Callable[[grpc.Channel], Callable[[int], object]], seconds: float,
          clients: int, counter: itertools.count) -> Run:
    """``clients`` threads, each one call in flight, for ``seconds`` after a warm-up."""
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    call = make_call(channel)
    for _ in range(20):
        call(next(counter))
    run, lock = Run(name), threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        mine, kept = [], []
        while time.perf_counter() < stop:
            n = next(counter)
            started = time.perf_counter()
            answer = call(n)
            mine.append(time.perf_counter() - started)
            if answer is not None:
                kept.append(answer)
        with lock:
            run.latencies.extend(mine)
            run.receipts.extend(kept)

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - began
    channel.close()
    return run


def echo_call(payload: bytes) -> Callable[[grpc.Channel], Callable[[int], object]]:
    def make(channel: grpc.Channel) -> Callable[[int], object]:
        from gateway._proto import echo_pb2, echo_pb2_grpc

        stub, request = echo_pb2_grpc.EchoServiceStub(channel), echo_pb2.EchoRequest(payload=payload)

        def call(n: int) -> None:
            stub.Echo(request)
        return call
    return make


def submit_call(payload: bytes, run_id: str) -> Callable[[grpc.Channel], Callable[[int], object]]:
    def make(channel: grpc.Channel) -> Callable[[int], object]:
        from gateway._proto import document_pb2, exchange_pb2, exchange_pb2_grpc

        stub = exchange_pb2_grpc.ExchangeServiceStub(channel)

        def call(n: int) -> tuple[str, int, str]:
            receipt = stub.Submit(exchange_pb2.SubmitRequest(
                metadata=exchange_pb2.DeclarationMetadata(declaration_id=f"{run_id}-{n}", version=1, region="130000"),
                document=document_pb2.Document(format_id="cn-jjj-json", media_type="application/json",
                                               content=payload + str(n).encode()),
            )).receipt
            return receipt.declaration_id, receipt.cursor, receipt.digest
        return call
    return make


def missing_receipts(store_url: str, schema: str, receipts: list[tuple[str, int, str]]) -> list[str]:
    """Acknowledged declarations the store does not hold as acknowledged."""
    from gateway.core.errors import NotFound
    from gateway.store import open_store

    store, wrong = open_store(store_url, schema=schema), []
    try:
        for declaration_id, cursor, digest in receipts:
            try:
                held = store.get_declaration(declaration_id, 1)
            except NotFound:
                wrong.append(f"{declaration_id}: not stored")
                continue
            if (held.cursor, held.digest) != (cursor, digest):
                wrong.append(f"{declaration_id}: stored at {held.cursor} {held.digest}, acknowledged {cursor} {digest}")
    finally:
        store.close()
    return wrong


def bench_store(label: str, store_url: str, schema: str, args: argparse.Namespace, payload: bytes) -> list[Run]:
    runs, counter = [], itertools.count()
    for clients in args.clients:
        with ServerProcess(serve_gateway, _gateway_config(store_url, schema, args.workers, args.pool_size)) as port:
            echo = drive(f"Echo, {clients} clients", port, echo_call(payload), args.seconds, clients, counter)
            submit = drive(f"Submit, {label}, {clients} clients", port, submit_call(payload, uuid.uuid4().hex[:8]),
                           args.seconds, clients, counter)
        wrong = missing_receipts(store_url, schema, submit.receipts)
        if wrong:
            sys.exit(f"{label}: {len(wrong)} of {len(submit.receipts)} acknowledged receipts not held: {wrong[:5]}")
        runs += [echo, submit]
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--clients", type=lambda text: [int(n) for n in text.split(",")], default=[20, 50])
    parser.add_argument("--workers", type=int, default=16, help="server handler threads (server.max_workers)")
    parser.add_argument("--pool-size", type=int, default=8, help="PostgreSQL connections (store.pool_size)")
    parser.add_argument("--payload", type=int, default=3072, help="bytes per document")
    parser.add_argument("--store", choices=("both", "sqlite", "postgres"), default="both")
    args = parser.parse_args()
    payload = os.urandom(args.payload // 2).hex().encode()[: args.payload]
    runs: list[Run] = []
    if args.store != "postgres":
        with tempfile.TemporaryDirectory() as tmp:
            runs += bench_store("SQLite", os.path.join(tmp, "bench.sqlite"), "fpgw", args, payload)
    dsn = os.environ.get("FPGW_TEST_POSTGRES_DSN")
    if args.store != "sqlite" and dsn:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:8]}"
        try:
            runs += bench_store("PostgreSQL", dsn, schema, args, payload)
        finally:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    elif args.store != "sqlite":
        print("PostgreSQL skipped: set FPGW_TEST_POSTGRES_DSN")
    print(f"{args.payload} B documents, {args.workers} server threads, pool {args.pool_size}, "
          f"{args.seconds:g} s each, {os.cpu_count()} CPUs; every acknowledged receipt found in the store")
    print(f"{'':34} {'calls/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'p99/p50':>8} {'p50/Echo':>9}")
    for echo, submit in zip(runs[::2], runs[1::2], strict=True):
        for r in (echo, submit):
            print(f"{r.name:34} {r.rate:8.0f} {r.ms(0.5):8.2f} {r.ms(0.99):8.2f} {r.ms(1.0):8.2f} "
                  f"{r.ms(0.99) / r.ms(0.5):8.1f} {r.ms(0.5) / echo.ms(0.5):9.1f}")


if __name__ == "__main__":
    main()
