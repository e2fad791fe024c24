"""PACT REST throughput and latency against a bare HTTPS endpoint of the same stack, in the same run.

    python benchmarks/bench_pact_api.py [--seconds 5] [--clients 4]

Baseline: the gateway's own HTTPS server (Starlette on uvicorn, TLS, the request limits)
serving one constant JSON body of a footprint's size. Then the PACT host of a gateway holding
three example declarations: GetFootprint of one footprint (rendered once, then served from
the cache by digest; one store read per request to see whether a newer version deprecated it)
and ListFootprints (every stored record listed and matched per request). Each server runs in
its own process; each client thread keeps one TLS connection and one access token.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import ssl
import statistics
import tempfile
import threading
import time
from pathlib import Path


def _certificate(folder: Path) -> tuple[Path, Path]:
    from conformance_tests.pact.host import self_signed

    return self_signed(folder)


def _bare(folder: str, body_size: int, conn) -> None:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    from gateway.rest.limits import RequestLimits
    from gateway.rest.server import HttpsServer
    from gateway.server.config import HttpsConfig

    body = b'{"data":{"id":"' + b"x" * max(body_size - 20, 0) + b'"}}'
    app = Starlette(routes=[Route("/3/footprints/{id}", lambda request: Response(body, media_type="application/json"))])
    https = HttpsConfig(address="127.0.0.1:0")
    cert, key = _certificate(Path(folder))
    server = HttpsServer.for_app(RequestLimits(app, max_body_bytes=https.max_body_bytes, body_seconds=https.body_seconds),
                                 https, cert, key)
    server.start()
    conn.send(server.port)
    conn.recv()
    server.stop()


def _gateway(folder: str, conn) -> None:
    from conformance_tests.pact.host import seed
    from gateway.rest import create_gateway
    from gateway.rest.pact import hash_secret
    from gateway.server import ServerConfig, StoreConfig, TlsConfig
    from gateway.server.config import HttpsConfig, PactConfig

    base = Path(folder)
    cert, key = _certificate(base)
    clients = base / "clients.toml"
    clients.write_text(f'[[client]]\nid = "bench"\nsecret_hash = "{hash_secret("bench-secret")}"\nall = true\n')
    config = ServerConfig(address="127.0.0.1:0", tls=TlsConfig(cert=cert, key=key),
                          store=StoreConfig(url=str(base / "g.sqlite")), https=HttpsConfig(address="127.0.0.1:0"),
                          pact=PactConfig(clients=clients, key=base / "token.key")).check()
    gateway = create_gateway(config)
    seed(gateway.store)
    gateway.start()
    conn.send(gateway.ports.https)
    conn.recv()
    gateway.stop(0)


def _context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _call(connection: http.client.HTTPSConnection, path: str, headers: dict[str, str]) -> bytes:
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status} {body[:200]!r}")
    return body


def _token(port: int) -> str:
    import base64
    import json

    connection = http.client.HTTPSConnection("127.0.0.1", port, context=_context())
    auth = base64.b64encode(b"bench:bench-secret").decode()
    connection.request("POST", "/auth/token", body="grant_type=client_credentials",
                       headers={"Authorization": f"Basic {auth}", "Content-Type": "application/x-www-form-urlencoded"})
    return json.loads(connection.getresponse().read())["access_token"]


def measure(port: int, path: str, headers: dict[str, str], seconds: float, clients: int) -> tuple[float, float, float]:
    samples: list[list[float]] = [[] for _ in range(clients)]
    until = time.perf_counter() + seconds

    def client(out: list[float]) -> None:
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=_context())
        _call(connection, path, headers)  # warm: TLS handshake, cache
        while time.perf_counter() < until:
            start = time.perf_counter()
            _call(connection, path, headers)
            out.append(time.perf_counter() - start)
        connection.close()

    threads = [threading.Thread(target=client, args=(s,)) for s in samples]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = sorted(x for s in samples for x in s)
    return len(latencies) / seconds, statistics.median(latencies) * 1000, latencies[int(len(latencies) * 0.99) - 1] * 1000


def _start(target, *args):
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=target, args=(*args, child))
    process.start()
    return process, parent, parent.recv()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as gw_dir, tempfile.TemporaryDirectory() as bare_dir:
        gateway, gw_pipe, gw_port = _start(_gateway, gw_dir)
        try:
            headers = {"Authorization": f"Bearer {_token(gw_port)}"}
            probe = http.client.HTTPSConnection("127.0.0.1", gw_port, context=_context())
            import json

            footprints = json.loads(_call(probe, "/3/footprints", headers))["data"]
            one = f"/3/footprints/{footprints[0]['id']}"
            size = len(_call(probe, one, headers))
            bare, bare_pipe, bare_port = _start(_bare, bare_dir, size)
            try:
                rows = {
                    "bare HTTPS endpoint": measure(bare_port, one, {}, args.seconds, args.clients),
                    "GetFootprint (cached)": measure(gw_port, one, headers, args.seconds, args.clients),
                    f"ListFootprints ({len(footprints)})": measure(gw_port, "/3/footprints", headers, args.seconds,
                                                                   args.clients),
                }
            finally:
                bare_pipe.send("stop")
                bare.join(30)
        finally:
            gw_pipe.send("stop")
            gateway.join(30)
    base = rows["bare HTTPS endpoint"][0]
    print(f"{args.clients} clients, {args.seconds:g} s each, footprint body {size} bytes")
    print(f"{'endpoint':26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}")
    for name, (rate, p50, p99) in rows.items():
        print(f"{name:26} {rate:8.0f} {p50:8.2f} {p99:8.2f} {rate / base:6.2f}")


if __name__ == "__main__":
    main()
