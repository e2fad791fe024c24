"""Load (issue 16): N clients for T seconds on gRPC and N on the PACT REST API of one
``fpgw serve`` at the same time; 0 errors expected and the server's memory flat.

    python -m harness.load                          # 50 + 50 clients, 5 minutes (by hand)
    python -m harness.load --smoke                  # 10 + 10 clients, 15 s (CI)

The store holds the example declarations (submitted once at the start). A gRPC client cycles
Translate, Validate, Get, List and a repeated Submit of a held declaration (answered as a
duplicate); a PACT client takes one token, then cycles ListFootprints (v2 and v3) and
GetFootprint. The load is steady by design: new declarations would grow what ListFootprints
renders, and with it the memory this harness watches. Every client first runs its cycle
once (warm-up: caches, lazy schemas, connections); the server's RSS is read from /proc then
("start"), every few seconds, and at the end. Exits 1 on any error, or when the RSS at the
end exceeds the start by more than ``--rss-growth`` percent.
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import httpx

from gateway import examples
from gateway._proto import document_pb2, exchange_pb2, exchange_pb2_grpc, translation_pb2, translation_pb2_grpc
from gateway.rest.pact import footprint_id
from gateway.translate import read
from harness.serving import PACT_CLIENT, PACT_SECRET, Served, write_setup

EXAMPLES = ("hebei-hot-rolled-steel-coil.json", "tianjin-ev-battery-pack-nmc.json", "beijing-cement.xml")
CALL_SECONDS = 30.0
SAMPLE_SECONDS = 5.0


@dataclass(frozen=True)
class Held:
    """A declaration in the store and the request that submitted it."""

    declaration_id: str
    version: int
    submit: exchange_pb2.SubmitRequest
    document: document_pb2.Document


@dataclass
class Tally:
    calls: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    first_errors: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, name: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.calls[name] += 1
            self.latencies.setdefault(name, []).append(seconds)
            if error is not None:
                self.errors[name] += 1
                if len(self.first_errors) < 10:
                    self.first_errors.append(f"{name}: {error}")


def held_declarations() -> list[Held]:
    out = []
    for name in EXAMPLES:
        content = examples.example(name).read_bytes()
        reading = read(content)
        decl = reading.declaration
        document = document_pb2.Document(format_id=reading.format.id, media_type=reading.format.media_type,
                                         content=content)
        metadata = exchange_pb2.DeclarationMetadata(declaration_id=str(decl.id), version=decl.version,
                                                    region=decl.region or "", sector=decl.product.sector or "")
        out.append(Held(str(decl.id), decl.version, exchange_pb2.SubmitRequest(metadata=metadata, document=document),
                        document))
    return out


def grpc_cycle(channel: grpc.Channel, held: list[Held]) -> list[tuple[str, Callable[[], object]]]:
    translation = translation_pb2_grpc.TranslationServiceStub(channel)
    exchange = exchange_pb2_grpc.ExchangeServiceStub(channel)
    steps: list[tuple[str, Callable[[], object]]] = []
    for h in held:
        steps += [
            ("grpc Translate", lambda h=h: translation.Translate(
                translation_pb2.TranslateRequest(document=h.document, target_format_id="pact-v3"), timeout=CALL_SECONDS)),
            ("grpc Validate", lambda h=h: _valid(translation.Validate(
                translation_pb2.ValidateRequest(document=h.document), timeout=CALL_SECONDS))),
            ("grpc Get", lambda h=h: exchange.Get(exchange_pb2.GetRequest(declaration_id=h.declaration_id),
                                                  timeout=CALL_SECONDS)),
            ("grpc Submit (repeat)", lambda h=h: _duplicate(exchange.Submit(h.submit, timeout=CALL_SECONDS))),
        ]
    steps.append(("grpc List", lambda: exchange.List(exchange_pb2.ListRequest(page_size=10), timeout=CALL_SECONDS)))
    return steps


def _valid(answer: translation_pb2.ValidateResponse) -> None:
    if not answer.valid:
        raise AssertionError(f"Validate answered invalid: {[v.reason for v in answer.violations]}")


def _duplicate(answer: exchange_pb2.SubmitResponse) -> None:
    if not answer.duplicate:
        raise AssertionError("a repeated Submit was stored again")


def pact_cycle(http: httpx.Client, base: str, held: list[Held]) -> list[tuple[str, Callable[[], object]]]:
    response = http.post(f"{base}/auth/token", auth=(PACT_CLIENT, PACT_SECRET), data={"grant_type": "client_credentials"})
    response.raise_for_status()
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}

    def ok(method: str, path: str, expect: int) -> Callable[[], object]:
        def call() -> None:
            answer = http.request(method, f"{base}{path}", headers=headers)
            if answer.status_code != 200:
                raise AssertionError(f"{path}: HTTP {answer.status_code} {answer.text[:200]}")
            data = answer.json()["data"]
            if (len(data) if isinstance(data, list) else 1) != expect:
                raise AssertionError(f"{path}: {len(data)} footprints, expected {expect}")
        return call

    steps: list[tuple[str, Callable[[], object]]] = []
    for spec in ("2", "3"):
        steps.append((f"pact v{spec} ListFootprints", ok("GET", f"/{spec}/footprints", len(held))))
        for h in held:
            steps.append((f"pact v{spec} GetFootprint", ok("GET", f"/{spec}/footprints/{footprint_id(h.declaration_id, h.version)}", 1)))
    return steps


def run_client(steps: list[tuple[str, Callable[[], object]]], tally: Tally, warm: threading.Barrier,
               stop: threading.Event) -> None:
    def once(name: str, call: Callable[[], object], count: bool) -> None:
        start = time.perf_counter()
        error = None
        try:
            call()
        except grpc.RpcError as exc:
            error = f"{exc.code().name} {exc.details()}"
        except Exception as exc:  # noqa: BLE001 - any failure of a call is an error to count, not a crash
            error = f"{type(exc).__name__}: {exc}"
        if count:
            tally.record(name, time.perf_counter() - start, error)

    for name, call in steps:
        once(name, call, count=True)  # the warm-up counts its errors too
    warm.wait()
    while not stop.is_set():
        for name, call in steps:
            if stop.is_set():
                return
            once(name, call, count=True)


@dataclass
class Result:
    clients: int
    seconds: float
    rss_mb: list[tuple[float, float]]
    tally: Tally

    @property
    def errors(self) -> int:
        return sum(self.tally.errors.values())

    def growth_pct(self) -> float:
        start, end = self.rss_mb[0][1], self.rss_mb[-1][1]
        return 100 * (end - start) / start

    def report(self) -> str:
        lines = [f"load: {self.clients} gRPC + {self.clients} PACT REST clients for {self.seconds:g} s: "
                 f"{sum(self.tally.calls.values())} calls, {self.errors} errors"]
        for name in sorted(self.tally.calls):
            times = sorted(self.tally.latencies[name])
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            lines.append(f"  {name:28} {self.tally.calls[name]:8} calls {self.tally.errors[name]:4} errors  "
                         f"p50 {statistics.median(times) * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms")
        peak = max(r for _, r in self.rss_mb)
        lines.append(f"  server RSS: start {self.rss_mb[0][1]:.1f} MB, end {self.rss_mb[-1][1]:.1f} MB "
                     f"({self.growth_pct():+.1f} %), peak {peak:.1f} MB over {len(self.rss_mb)} samples")
        lines += [f"  error: {e}" for e in self.tally.first_errors]
        return "\n".join(lines)


def run(clients: int, seconds: float, folder: Path) -> Result:
    # The server's default handler threads and concurrency limit (16, 64), raised only for more
    # gRPC clients than the limit admits (it is sized in clients with one call in flight each).
    setup = write_setup(folder, store_url=str(folder / "load.sqlite"), pact=True,
                        max_concurrent_rpcs=max(64, clients))
    served = Served(setup, folder / "serve.log")
    try:
        assert served.https is not None
        held = held_declarations()
        channels = [grpc.insecure_channel(served.target) for _ in range(clients)]
        setup_stub = exchange_pb2_grpc.ExchangeServiceStub(channels[0])
        for h in held:
            setup_stub.Submit(h.submit, timeout=CALL_SECONDS)
        https = [httpx.Client(verify=served.ssl_context(), timeout=CALL_SECONDS) for _ in range(clients)]
        tally, stop = Tally(), threading.Event()
        warm = threading.Barrier(2 * clients + 1)
        cycles = ([grpc_cycle(c, held) for c in channels] + [pact_cycle(h, served.https, held) for h in https])
        threads = [threading.Thread(target=run_client, args=(steps, tally, warm, stop), daemon=True) for steps in cycles]
        for thread in threads:
            thread.start()
        warm.wait()
        began = time.monotonic()
        rss = [(0.0, served.rss_mb())]
        while (elapsed := time.monotonic() - began) < seconds:
            time.sleep(min(SAMPLE_SECONDS, max(seconds - elapsed, 0)))
            rss.append((time.monotonic() - began, served.rss_mb()))
        stop.set()
        for thread in threads:
            thread.join()
        for c in channels:
            c.close()
        for h in https:
            h.close()
        return Result(clients, seconds, rss, tally)
    finally:
        served.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="clients on each API")
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--rss-growth", type=float, default=20.0,
                        help="percent the server's RSS may grow from start to end")
    parser.add_argument("--smoke", action="store_true", help="10 clients on each API for 15 s (CI)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    ns = parser.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the server started is stopped and scratch data removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if ns.smoke:
        ns.clients, ns.seconds = 10, 15.0
    with tempfile.TemporaryDirectory(prefix="fpgw-load-") as tmp:
        result = run(ns.clients, ns.seconds, Path(tmp))
    print(result.report(), flush=True)
    if ns.json:
        print(json.dumps({"clients": result.clients, "seconds": result.seconds, "calls": dict(result.tally.calls),
                          "errors": dict(result.tally.errors), "rss_mb": result.rss_mb}, indent=2))
    failed = False
    if result.errors:
        print(f"load: FAIL {result.errors} errors")
        failed = True
    if result.growth_pct() > ns.rss_growth:
        print(f"load: FAIL server RSS grew {result.growth_pct():.1f} % (limit {ns.rss_growth:g} %)")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
