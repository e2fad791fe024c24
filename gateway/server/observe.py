"""What the server observes about itself: timed store writes, counted verifications, the
per-RPC observer (metrics and access log) and the health monitor."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2

from ..core.errors import GatewayError
from ..store import Store
from .identity import peer_uris
from .logs import ACCESS_LOGGER
from .metrics import GatewayMetrics, method_label

log = logging.getLogger("gateway.server")
access = logging.getLogger(ACCESS_LOGGER)
_WRITES = frozenset({"put_declaration", "put_attestation", "put_decision", "record_event", "set_sync_cursor"})


class TimedStore:
    """The store, with every committed write timed into ``fpgw_store_write_seconds``."""

    def __init__(self, store: Store, metrics: GatewayMetrics) -> None:
        self._store = store
        self._histogram = metrics.store_writes

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._store, name)
        if name not in _WRITES:
            return attribute
        timer = self._histogram.labels(name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            result = attribute(*args, **kwargs)
            timer.observe(time.perf_counter() - started)
            return result

        return timed


def counted(verify: Callable[..., Any], metrics: GatewayMetrics) -> Callable[..., Any]:
    """``verify`` counting its outcomes in ``fpgw_attestation_verifications``."""

    def run(*args: Any) -> Any:
        try:
            result = verify(*args)
        except GatewayError as error:
            metrics.verification(error.reason)
            raise
        metrics.verification("verified")
        return result

    return run


def rpc_observer(metrics: GatewayMetrics) -> Callable[[str, str, float, grpc.ServicerContext], None]:
    def observe(method: str, reason: str, seconds: float, context: grpc.ServicerContext) -> None:
        metrics.observe_rpc(method, reason, seconds)
        if access.isEnabledFor(logging.INFO) and not access.disabled:
            try:
                caller = ",".join(peer_uris(context))
            except ValueError:
                caller = "?"
            access.info("rpc", extra={"method": method_label(method), "reason": reason,
                                      "ms": round(seconds * 1000, 3), "peer": context.peer(), "caller": caller})

    return observe


class HealthMonitor:
    """Sets every service NOT_SERVING while the store or the trust list is unusable, and
    SERVING again once both are (checked every ``interval`` seconds and on demand)."""

    def __init__(self, servicer: health.HealthServicer, services: list[str], store: Store, trust: Any,
                 interval: float) -> None:
        self.servicer = servicer
        self.services = services
        self.store = store
        self.trust = trust
        self.interval = interval
        self.problems: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fpgw-health", daemon=True)

    def check(self) -> dict[str, Any]:
        problems = {}
        try:
            self.store.last_cursor()
        except Exception as exc:  # any failure of the store makes it unusable, whatever the backend raised
            problems["store"] = f"{type(exc).__name__}: {exc}"
        if self.trust is not None:
            try:
                self.trust.current()
            except GatewayError as exc:
                problems["trust_list"] = f"{exc.reason}: {exc}"
        if problems != self.problems:
            if problems:
                log.error("not serving", extra={"problems": problems})
            elif self.problems:
                log.info("serving again")
        self.problems = problems
        status = health_pb2.HealthCheckResponse.NOT_SERVING if problems else health_pb2.HealthCheckResponse.SERVING
        if not self._stop.is_set():
            for name in self.services:
                self.servicer.set(name, status)
        return {"serving": not problems, "problems": problems}

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.check()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(self.interval + 1)
