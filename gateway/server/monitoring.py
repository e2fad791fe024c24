"""The gateway's monitoring endpoint (HTTP, loopback by default): ``/metrics`` for
Prometheus, ``/peers`` (replication state per peer, JSON) and ``/health`` (JSON; 503 when
the store or trust list is unusable)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ..core.errors import ConfigurationError
from ..core.i18n import N_
from .metrics import GatewayMetrics


class MonitoringEndpoint:
    def __init__(self, address: str, metrics: GatewayMetrics, *, peers: Callable[[], list[dict[str, Any]]],
                 health: Callable[[], dict[str, Any]]) -> None:
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigurationError(N_("metrics address {address!r} needs host:port", address=address), path="metrics.address")
        routes = {
            "/metrics": lambda: (200, CONTENT_TYPE_LATEST, generate_latest(metrics.exposition)),
            "/peers": lambda: (200, "application/json", orjson.dumps({"peers": peers()})),
            "/health": lambda: _health(health()),
        }

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                route = routes.get(self.path.split("?", 1)[0])
                status, kind, body = route() if route else (404, "text/plain", b"not found\n")
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Scrapes are not worth a log line each."""

        try:
            self._http = ThreadingHTTPServer((host.strip("[]"), int(port)), Handler)
        except OSError as exc:
            raise ConfigurationError(N_("cannot bind the metrics endpoint {address}: {strerror}", address=address, strerror=exc.strerror),
                                     path="metrics.address") from exc
        self._http.daemon_threads = True
        self.port = self._http.server_address[1]
        self.host = host.strip("[]")
        self._thread = threading.Thread(target=self._http.serve_forever, name="fpgw-metrics", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._http.shutdown()
        self._http.server_close()


def _health(report: dict[str, Any]) -> tuple[int, str, bytes]:
    return (200 if report["serving"] else 503), "application/json", orjson.dumps(report)
