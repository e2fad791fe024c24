"""Several server processes on one host sharing a port through SO_REUSEPORT.

The kernel spreads connections over the processes, so throughput scales past one Python
interpreter's GIL. The supervisor forwards SIGTERM/SIGINT to every worker (each shuts down
gracefully) and stops all of them when one dies.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from typing import Any

from ..core.errors import StoreError
from .config import ServerConfig

log = logging.getLogger("gateway.server")
STARTUP_SECONDS = 60


ServeOne = Callable[..., None]


def _worker(serve_one: ServeOne, config: ServerConfig, ready: Any, kwargs: dict[str, Any]) -> None:
    serve_one(config, on_started=ready.put, **kwargs)


def serve_processes(serve_one: ServeOne, config: ServerConfig, *,
                    on_started: Callable[[int], None] | None = None, **kwargs) -> None:
    """Run ``config.processes`` workers, each ``serve_one(config, on_started=..., **kwargs)``,
    until SIGTERM or SIGINT (main thread only). ``serve_one`` is passed in, not imported, so
    this module sits below the server it starts; it must be a module-level function."""
    context = multiprocessing.get_context("spawn")  # grpc must not be forked after use
    ready = context.Queue()
    workers = [
        context.Process(target=_worker, args=(serve_one, config, ready, kwargs), name=f"fpgw-worker-{n}")
        for n in range(config.processes)
    ]
    stopping = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stopping.set()

    previous = {s: signal.signal(s, request_stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for worker in workers:
            worker.start()
        ports = {ready.get(timeout=STARTUP_SECONDS) for _ in workers}
        if on_started is not None:
            on_started(ports.pop())
        while not stopping.wait(1.0):
            if any(not w.is_alive() for w in workers):
                raise StoreError("a server process died; stopping the others")
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()  # SIGTERM: the worker's own graceful shutdown
        for worker in workers:
            worker.join(config.grace_seconds + 10)
        for s, handler in previous.items():
            signal.signal(s, handler)
