"""Several server processes on one host sharing a port through SO_REUSEPORT.

The kernel spreads connections over the processes, so throughput scales past one Python
interpreter's GIL. Every worker serves every RPC; the first (``primary=True``) also runs
what must exist once per gateway: the peers' pullers and the ``[metrics]`` endpoint, whose
scrape sums the counters of all workers (a per-run directory of prometheus_client's
multi-process mode, made here and removed at the end).

The supervisor forwards SIGTERM/SIGINT to every worker (each shuts down gracefully) and stops
all of them when one dies; a worker whose supervisor died stops by itself. With ``reload``,
SIGHUP reads the configuration once here: one that does not load is refused with one log
line and the workers keep running as they are; one that loads is applied by every worker
(SIGHUP forwarded: logging in each, the peer set in the primary).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from ..core.errors import ConfigurationError, StoreError
from ..core.i18n import N_
from .config import ServerConfig
from .logs import configure_logging
from .metrics import SHARED_DIRECTORY_VARIABLE

log = logging.getLogger("gateway.server")
STARTUP_SECONDS = 60
ORPHAN_CHECK_SECONDS = 1.0


ServeOne = Callable[..., None]


def _stop_when_orphaned(parent: int) -> None:
    """SIGTERM this worker (its graceful shutdown) once its supervisor is gone, so a killed
    supervisor leaves no worker holding the shared port."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="fpgw-orphan-watch", daemon=True).start()


def _worker(serve_one: ServeOne, config: ServerConfig, parent: int, ready: Any, kwargs: dict[str, Any]) -> None:
    configure_logging(config.logging)  # a spawned interpreter starts with none of the supervisor's
    _stop_when_orphaned(parent)
    serve_one(config, on_started=ready.put, **kwargs)


def serve_processes(serve_one: ServeOne, config: ServerConfig, *,
                    on_started: Callable[[Any], None] | None = None,
                    reload: Callable[[], ServerConfig] | None = None, **kwargs) -> None:
    """Run ``config.process_count`` workers, each ``serve_one(config, on_started=...,
    primary=..., reload=..., **kwargs)``, until SIGTERM or SIGINT (main thread only).
    ``serve_one`` is passed in, not imported, so this module sits below the server it starts;
    it, ``reload`` and ``kwargs`` must be picklable (module-level)."""
    context = multiprocessing.get_context("spawn")  # grpc must not be forked after use
    ready = context.Queue()
    shared = tempfile.mkdtemp(prefix="fpgw-metrics-") if config.metrics is not None else None
    workers = [
        context.Process(target=_worker, name=f"fpgw-worker-{n}",
                        args=(serve_one, config, os.getpid(), ready, {**kwargs, "primary": n == 0, "reload": reload}))
        for n in range(config.process_count)
    ]
    stopping = threading.Event()
    reloading = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stopping.set()

    handlers: dict[signal.Signals, Callable[..., None]] = {signal.SIGTERM: request_stop, signal.SIGINT: request_stop}
    if reload is not None:
        handlers[signal.SIGHUP] = lambda signum, frame: reloading.set()
    previous = {s: signal.signal(s, handler) for s, handler in handlers.items()}
    try:
        _start(workers, shared)
        ports = {ready.get(timeout=STARTUP_SECONDS) for _ in workers}
        if on_started is not None:
            on_started(ports.pop())
        while not stopping.wait(0.5):
            if any(not w.is_alive() for w in workers):
                raise StoreError(N_("a server process died; stopping the others"))
            if reloading.is_set() and reload is not None:
                reloading.clear()
                _forward_reload(workers, reload)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()  # SIGTERM: the worker's own graceful shutdown
        for worker in workers:
            worker.join(config.grace_seconds + 10)
        for s, handler in previous.items():
            signal.signal(s, handler)
        if shared is not None:
            shutil.rmtree(shared, ignore_errors=True)


def _start(workers: list[Any], shared: str | None) -> None:
    """Start the workers; with ``shared``, in prometheus_client's multi-process mode (the
    variable is read by each worker's first import, so it is set only while they spawn)."""
    before = os.environ.get(SHARED_DIRECTORY_VARIABLE)
    if shared is not None:
        os.environ[SHARED_DIRECTORY_VARIABLE] = shared
    try:
        for worker in workers:
            worker.start()
    finally:
        if shared is not None:
            if before is None:
                del os.environ[SHARED_DIRECTORY_VARIABLE]
            else:
                os.environ[SHARED_DIRECTORY_VARIABLE] = before


def _forward_reload(workers: list[Any], reload: Callable[[], ServerConfig]) -> None:
    try:
        config = reload()
    except ConfigurationError as error:
        log.error("reload refused, keeping the running configuration",
                  extra={"reason": error.reason, "detail": str(error)})
        return
    configure_logging(config.logging)  # the supervisor's own lines follow the new [logging] too
    for worker in workers:
        if worker.pid is not None and worker.is_alive():
            os.kill(worker.pid, signal.SIGHUP)
