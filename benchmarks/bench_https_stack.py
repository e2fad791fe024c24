"""Which HTTPS stack serves the REST API: one Starlette JSON endpoint (the same sync handler
shape the PACT host uses) on each candidate ASGI server, measured in the same run.

    python benchmarks/bench_https_stack.py [--seconds 3] [--clients 4]

Each server runs in its own process with a throw-away certificate; clients are threads with
one keep-alive TLS connection each (http.client), so the numbers compare the servers under
the same client. The result chose uvicorn with httptools on uvloop (docs/pact-api.md records
it): on the asyncio loop, TLS responses waited ~40 ms each (p50) on this machine.
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

CANDIDATES = ("uvicorn-httptools-uvloop", "uvicorn-h11-uvloop", "uvicorn-httptools-asyncio", "hypercorn-h11-asyncio")


def _app():
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    def footprint(request):
        return JSONResponse({"data": {"id": request.path_params["id"], "pcf": {"pCfExcludingBiogenic": "1.25"}}})

    return Starlette(routes=[Route("/3/footprints/{id}", footprint)])


def _serve(kind: str, cert: str, key: str, conn) -> None:
    import asyncio
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(512)
    conn.send(sock.getsockname()[1])
    if kind.startswith("uvicorn"):
        import uvicorn

        _, protocol, loop = kind.split("-")
        config = uvicorn.Config(_app(), http=protocol, loop=loop, ssl_certfile=cert, ssl_keyfile=key,
                                access_log=False, log_level="warning", lifespan="off")
        uvicorn.Server(config).run(sockets=[sock])
    else:
        from hypercorn.asyncio import serve
        from hypercorn.config import Config

        config = Config()
        config.certfile, config.keyfile = cert, key
        config.loglevel = "WARNING"
        sock.close()
        config.bind = [f"127.0.0.1:{conn.recv()}"]
        asyncio.run(serve(_app(), config))


def _client(port: int, context: ssl.SSLContext, until: float, latencies: list[float]) -> None:
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context)
    while time.perf_counter() < until:
        start = time.perf_counter()
        connection.request("GET", "/3/footprints/3a6c14a7-4deb-498a-b5ea-16ce2535b576")
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - start)
    connection.close()


def _certificate(folder: Path) -> tuple[str, str]:
    import subprocess

    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True)
    return str(cert), str(key)


def measure(kind: str, cert: str, key: str, seconds: float, clients: int) -> tuple[float, float, float]:
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=_serve, args=(kind, cert, key, child))
    process.start()
    port = parent.recv()
    if kind.startswith("hypercorn"):
        parent.send(port)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    for _ in range(100):  # wait until it answers
        try:
            _client(port, context, time.perf_counter() + 0.01, [])
            break
        except OSError:
            time.sleep(0.1)
    samples: list[list[float]] = [[] for _ in range(clients)]
    until = time.perf_counter() + seconds
    threads = [threading.Thread(target=_client, args=(port, context, until, s)) for s in samples]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    process.terminate()
    process.join()
    latencies = sorted(x for s in samples for x in s)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    return len(latencies) / seconds, statistics.median(latencies) * 1000, p99 * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cert, key = _certificate(Path(folder))
        results = {kind: measure(kind, cert, key, args.seconds, args.clients) for kind in CANDIDATES}
    base = results[CANDIDATES[0]][0]
    print(f"{'stack':26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}")
    for kind, (rate, p50, p99) in results.items():
        print(f"{kind:26} {rate:8.0f} {p50:8.2f} {p99:8.2f} {rate / base:6.2f}")


if __name__ == "__main__":
    main()
