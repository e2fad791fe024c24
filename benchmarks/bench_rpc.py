"""RPC throughput and latency of the gateway against a bare echo measured in the same run.

    python benchmarks/bench_rpc.py [--seconds 5] [--clients 8] [--rounds 3] [--slices 3] [--payload 3072]
                                   [--in-flight 4] [--document gateway/examples/hebei-hot-rolled-steel-coil.json] [--to pact-v3]

Each server runs in its own process (as in production; the client's threads would otherwise
share its GIL). Baseline: a bare sync gRPC server with only EchoService. Then the gateway's
own server (interceptor, health, reflection, every service) answering Echo; Translate of a
real declaration against Echo of the same bytes on that same server; TranslateStream
against EchoStream of the same bytes (one stream per client, one item in flight, then
--in-flight items sent ahead on each stream); and Submit on SQLite and, when
FPGW_TEST_POSTGRES_DSN is set, PostgreSQL. The ratio column is against the bare echo.

The issue's targets compare each RPC with its echo on the same server: Translate / Echo of
the document and TranslateStream / EchoStream at least 0.5 of the throughput. Those pairs
are measured on the same server in turns (--slices turns of each half per round, every turn
warmed up first and its clock started after), --rounds times, so both halves of a pair see
the same load on a shared machine; each target is the median of the rounds' own ratios and
is printed as met or NOT met. The table shows each pair's median round.

Where a call's time goes: the server's CPU per call (its process's user + system time over
the calls of the row, from /proc) and, for the translating rows, the CPU of the server's own
``translate()`` calls (timed there by thread CPU time): what a Translate costs the server
beyond its ``translate()`` is the RPC layer's share, to compare with an Echo of the same
bytes. The pipeline alone (``translate()`` in this process before any server starts) is
printed for reference: on a shared machine it is faster alone than beside a busy server.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import multiprocessing
import os
import queue
import signal
import statistics
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


def serve_gateway(conn, config, pipeline=None) -> None:
    """The gateway with ``config`` (a ServerConfig, built by the caller) as ``fpgw serve`` runs
    it (serve_one: the same set-up of the process), until told to stop (then SIGTERM, its
    graceful shutdown). With ``pipeline`` (two shared values: calls, seconds) the
    servicer's calls of ``translate()`` add their count and their thread's CPU time there."""
    from gateway.server.app import serve_one

    if pipeline is not None:
        _time_pipeline(*pipeline)

    def stop_when_told() -> None:
        conn.recv()
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=stop_when_told, daemon=True).start()
    serve_one(config, on_started=conn.send)


def _time_pipeline(calls, seconds) -> None:
    from gateway.server import translation

    translate = translation.translate

    def timed(*args, **kwargs):
        began = time.thread_time()
        try:
            return translate(*args, **kwargs)
        finally:
            used = time.thread_time() - began
            with calls.get_lock():  # one lock for both: a reader sees them agree
                calls.value += 1
                seconds.value += used

    translation.translate = timed


def _gateway_config(workers: int, store_url: str, schema: str):
    from gateway.server import ServerConfig, StoreConfig

    return ServerConfig(address="127.0.0.1:0", max_workers=workers, max_concurrent_rpcs=workers * 8,
                        enable_echo=True, store=StoreConfig(url=store_url, schema=schema))


class ServerProcess:
    def __init__(self, target: Callable, *args: object, time_pipeline: bool = False) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._pipeline = (ctx.Value("q", 0), ctx.Value("d", 0.0)) if time_pipeline else None
        extra = (self._pipeline,) if self._pipeline else ()
        self._process = ctx.Process(target=target, args=(child, *args, *extra), daemon=True)

    def pipeline(self) -> tuple[int, float]:
        """Calls of ``translate()`` in the server so far and their CPU seconds (0, 0 untimed)."""
        if self._pipeline is None:
            return 0, 0.0
        calls, seconds = self._pipeline
        with calls.get_lock():
            return calls.value, seconds.value

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far (0 where /proc is not there)."""
        try:
            with open(f"/proc/{self._process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def usage(self) -> tuple[float, int, float]:
        return (self.cpu_seconds(), *self.pipeline())

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
    server_cpu: float = 0.0  # seconds of the server's CPU over these calls
    pipeline_calls: int = 0  # the server's translate() calls over these calls, and their CPU seconds
    pipeline_cpu: float = 0.0
    unclocked: int = 0  # answers in the server's CPU time but not in ``calls`` (a stream's last items in flight)

    @property
    def cpu_per_call(self) -> float:
        """Microseconds of server CPU per call."""
        answered = self.calls + self.unclocked
        return self.server_cpu / answered * 1e6 if answered else 0.0

    @property
    def pipeline_per_call(self) -> float:
        """Microseconds of the server's CPU in translate() per translation."""
        return self.pipeline_cpu / self.pipeline_calls * 1e6 if self.pipeline_calls else 0.0

    @property
    def rate(self) -> float:
        return self.calls / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


Usage = Callable[[], tuple[float, int, float]]
"""The server's CPU seconds so far, its translate() calls so far and their CPU seconds."""


def _no_cpu() -> tuple[float, int, float]:
    return 0.0, 0, 0.0


def _used(before: tuple[float, int, float], after: tuple[float, int, float]) -> tuple[float, int, float]:
    return after[0] - before[0], after[1] - before[1], after[2] - before[2]


def measure(name: str, port: int, make_call: Callable[[grpc.Channel], Callable[[int], object]],
            seconds: float, clients: int, cpu: Usage = _no_cpu) -> Result:
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

    began, cpu_began = time.perf_counter(), cpu()
    threads = [threading.Thread(target=client, args=(latencies[i],)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed, used = time.perf_counter() - began, _used(cpu_began, cpu())
    channel.close()
    flat = [x for part in latencies for x in part]
    return Result(name, len(flat), elapsed, flat, *used)


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
                   request: object, seconds: float, clients: int, in_flight: int = 1, warm: int = 20,
                   cpu: Usage = _no_cpu) -> Result:
    """Each client keeps one bidirectional stream with ``in_flight`` items sent and not yet
    answered (a new one sent per answer): per-item latency from send to answer. Every stream
    first answers ``warm`` items and has none in flight; the clock starts when all have, so a
    slow opening (a loaded machine) is not counted as time in which nothing was answered. The
    server's CPU is read when the clock starts and once every stream has closed, so the CPU per
    call counts the items still in flight at the end too."""
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    clock: dict[str, float] = {}
    usage: list[tuple[float, int, float]] = []  # at the start of the clock

    def start_clock() -> None:
        clock["began"] = time.perf_counter()
        clock["stop"] = clock["began"] + seconds
        usage.append(cpu())

    warmed = threading.Barrier(clients, action=start_clock)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    ended = [0.0] * clients
    unclocked = [0] * clients

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
            unclocked[k] += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    used = _used(usage[0], cpu())
    channel.close()
    flat = [x for part in latencies for x in part]
    return Result(name, len(flat), max(ended) - clock["began"], flat, *used, unclocked=sum(unclocked))


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


def pipeline_seconds(document: bytes, target: str, calls: int = 200, rounds: int = 5) -> float:
    """Seconds per ``translate()`` of ``document`` in this process (median of ``rounds``)."""
    from gateway.translate import translate

    for _ in range(calls // 4):
        translate(document, target, source="cn-jjj-json")
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        for _ in range(calls):
            translate(document, target, source="cn-jjj-json")
        times.append((time.perf_counter() - began) / calls)
    return statistics.median(times)


Measure = Callable[[float], Result]
"""One measurement of the given seconds."""


def merged(parts: list[Result]) -> Result:
    """The turns of one measurement as one result."""
    return Result(parts[0].name, sum(p.calls for p in parts), sum(p.seconds for p in parts),
                  [x for p in parts for x in p.latencies], sum(p.server_cpu for p in parts),
                  sum(p.pipeline_calls for p in parts), sum(p.pipeline_cpu for p in parts),
                  sum(p.unclocked for p in parts))


def alternate(rpc: Measure, echo: Measure, turn: float, turns: int, rpc_first: bool) -> tuple[Result, Result]:
    """``turns`` turns of ``turn`` seconds each of the RPC and of its echo, taken in turn: the
    load of a shared machine changes within seconds, and both halves of the pair see it alike.
    Which half goes first alternates between rounds, so a drift favours neither."""
    rpc_parts: list[Result] = []
    echo_parts: list[Result] = []
    for _ in range(turns):
        if rpc_first:
            rpc_parts.append(rpc(turn))
            echo_parts.append(echo(turn))
        else:
            echo_parts.append(echo(turn))
            rpc_parts.append(rpc(turn))
    return merged(rpc_parts), merged(echo_parts)


@dataclass
class Pair:
    """An RPC and the echo of the same bytes on the same server, measured back to back each round."""

    rpc: str
    echo: str
    target: float | None  # the target for rpc / echo throughput, if it has one
    rounds: list[tuple[Result, Result]]

    def ratios(self) -> list[float]:
        return [r.rate / e.rate for r, e in self.rounds]

    def ratio(self) -> float:
        return statistics.median(self.ratios())

    def median_round(self) -> tuple[Result, Result]:
        """The round whose ratio is the median (the one the table shows)."""
        ratios = self.ratios()
        return self.rounds[ratios.index(statistics.median_low(ratios))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each RPC / echo pair (median)")
    parser.add_argument("--slices", type=int, default=3,
                        help="each half of a pair's round measured in this many turns, taken in turn with the other's")
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
    seconds, clients, ahead = args.seconds, args.clients, args.in_flight
    pipeline = pipeline_seconds(document, args.to)  # before any server runs: the pipeline on its own
    bare = ServerProcess(_bare_echo, args.workers)
    with bare as port:
        base = measure("bare echo (baseline)", port, echo_call(payload), seconds, clients, bare.usage)
    results: list[Result] = [base]
    pairs: list[Pair] = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = _gateway_config(args.workers, os.path.join(tmp, "bench.sqlite"), "fpgw")
        server = ServerProcess(serve_gateway, sqlite, time_pipeline=True)
        with server as port:
            cpu = server.usage
            results.append(measure("gateway Echo", port, echo_call(payload), seconds, clients, cpu))
            measurements: list[tuple[str, str, float | None, Measure, Measure]] = [
                (f"Translate -> {args.to}", "gateway Echo, document", 0.5,
                 lambda t: measure(f"Translate -> {args.to}", port, translate_call(document, args.to), t, clients,
                                   cpu),
                 lambda t: measure("gateway Echo, document", port, echo_call(document), t, clients, cpu)),
                (f"TranslateStream -> {args.to}", "gateway EchoStream", 0.5,
                 lambda t: measure_stream(f"TranslateStream -> {args.to}", port, translate_stream, translate_item, t,
                                          clients, cpu=cpu),
                 lambda t: measure_stream("gateway EchoStream", port, echo_stream, echo_item, t, clients, cpu=cpu)),
                (f"TranslateStream, {ahead} ahead", f"gateway EchoStream, {ahead} ahead", None,
                 lambda t: measure_stream(f"TranslateStream, {ahead} ahead", port, translate_stream, translate_item, t,
                                          clients, ahead, cpu=cpu),
                 lambda t: measure_stream(f"gateway EchoStream, {ahead} ahead", port, echo_stream, echo_item, t,
                                          clients, ahead, cpu=cpu)),
            ]
            pairs = [Pair(rpc, echo, target, []) for rpc, echo, target, _, _ in measurements]
            turn = seconds / args.slices
            for n in range(args.rounds):
                for pair, (_, _, _, rpc, echo) in zip(pairs, measurements):
                    pair.rounds.append(alternate(rpc, echo, turn, args.slices, rpc_first=n % 2 == 1))
            for pair in pairs:
                rpc_result, echo_result = pair.median_round()
                results += [echo_result, rpc_result]
            results.append(measure("Submit, SQLite", port, submit_call(payload), seconds, clients, cpu))
    dsn = os.environ.get("FPGW_TEST_POSTGRES_DSN")
    if dsn:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        server = ServerProcess(serve_gateway, _gateway_config(args.workers, dsn, schema))
        with server as port:
            results.append(measure("Submit, PostgreSQL", port, submit_call(payload), seconds, clients,
                                   server.usage))
        import psycopg

        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    else:
        print("PostgreSQL skipped: set FPGW_TEST_POSTGRES_DSN")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{args.payload} B payload, document {args.document.name} ({len(document)} B), {clients} client "
          f"threads, {args.workers} server threads, {seconds:g} s each, {args.rounds} rounds of each pair in {args.slices} turns, "
          f"{os.cpu_count()} CPUs, load average {load}")
    print(f"pipeline alone (translate() in this process before the servers started): {pipeline * 1e6:.0f} us per "
          f"document")
    print(f"{'':34} {'RPC/s':>9} {'ratio':>7} {'p50 ms':>8} {'p99 ms':>8} {'server CPU us/call':>19}")
    for r in results:
        print(f"{r.name:34} {r.rate:9.0f} {r.rate / base.rate:7.2f} {r.percentile(0.5):8.2f} "
              f"{r.percentile(0.99):8.2f} {r.cpu_per_call:19.0f}")
    for pair in pairs:
        r, e = pair.median_round()
        rounds = ", ".join(f"{x:.3f}" for x in pair.ratios())
        verdict = "" if pair.target is None else \
            f"  target >= {pair.target}: {'met' if pair.ratio() >= pair.target else 'NOT met'}"
        print(f"{pair.rpc} / {pair.echo}: throughput {pair.ratio():.3f} (rounds {rounds}), "
              f"p50 x{r.percentile(0.5) / e.percentile(0.5):.1f}, p99 x{r.percentile(0.99) / e.percentile(0.99):.1f}"
              f"{verdict}")
        if r.cpu_per_call and r.pipeline_calls:
            rest = r.cpu_per_call - r.pipeline_per_call
            print(f"    server CPU per call {r.cpu_per_call:.0f} us: translate() {r.pipeline_per_call:.0f}, the rest {rest:.0f}"
                  f" (an echo of the same bytes: {e.cpu_per_call:.0f})")


if __name__ == "__main__":
    main()
