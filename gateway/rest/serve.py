"""One gateway process: the gRPC server and, when ``[https]`` is configured, the HTTPS server
beside it on the same store, started and stopped together.

``fpgw serve`` runs :func:`serve`; with several ``server.processes`` each worker process runs
both servers and shares both ports through SO_REUSEPORT (the same process model as gRPC).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from ..server.app import GatewayServer, create_server, wait_for_signals
from ..server.config import ServerConfig
from ..server.workers import serve_processes
from .app import RestContext, RouteFactory, create_app
from .server import HttpsServer

log = logging.getLogger("gateway.rest")


class BoundPorts(NamedTuple):
    grpc: int
    https: int | None


def default_route_factories(config: ServerConfig) -> tuple[RouteFactory, ...]:
    """The features the configuration turns on (the PACT host when ``[pact]`` is set, the
    verification page when ``[trust]`` is, unless ``pages.verify = false``)."""
    factories: list[RouteFactory] = []
    if config.pact is not None:
        from .pact import pact_routes

        factories.append(pact_routes)
    if config.trust is not None and (config.pages is None or config.pages.verify):
        from ..pages import verification_pages

        factories.append(verification_pages)
    return tuple(factories)


def base_url(config: ServerConfig, port: int) -> str:
    """The public base URL: ``https.base_url`` when set, else ``https://host:port``."""
    assert config.https is not None
    if config.https.base_url:
        return config.https.base_url.rstrip("/")
    host = config.https.host
    return f"https://{'[' + host + ']' if ':' in host else host}:{port}"


class Gateway:
    """The gRPC server and the optional HTTPS server of one process, over one store."""

    def __init__(self, grpc: GatewayServer, grpc_port: int, https: HttpsServer | None,
                 context: RestContext | None) -> None:
        self.grpc = grpc
        self.https = https
        self.context = context
        self.ports = BoundPorts(grpc_port, https.port if https else None)

    @property
    def store(self):
        return self.grpc.store

    @property
    def base_url(self) -> str | None:
        return self.context.base_url if self.context else None

    def start(self) -> None:
        self.grpc.start()
        if self.https is not None:
            try:
                self.https.start()
            except Exception:
                self.grpc.stop(0)
                raise

    def stop(self, grace: float | None = None) -> None:
        """HTTPS first (finish its requests, stop its background work), then gRPC and the store."""
        if self.https is not None:
            self.https.stop()
        if self.context is not None:
            self.context.close()
        self.grpc.stop(grace)


def create_gateway(config: ServerConfig, *, route_factories: Sequence[RouteFactory] | None = None,
                   **kwargs: Any) -> Gateway:
    """Build (not start) the gRPC server and, with ``[https]``, the HTTPS server on its store.

    ``route_factories`` defaults to :func:`default_route_factories`; pass more to mount them
    too (e.g. ``(*default_route_factories(config), verification_pages)``). ``kwargs`` go to
    :func:`gateway.server.create_server`.
    """
    grpc_server, grpc_port = create_server(config, **kwargs)
    if config.https is None:
        return Gateway(grpc_server, grpc_port, None, None)
    try:
        cert, key = config.https_cert
        factories = default_route_factories(config) if route_factories is None else tuple(route_factories)
        reuse = config.process_count > 1
        # Bind before building the app: the base URL (Link headers, event source) needs the port.
        https = HttpsServer.bind_only(config.https, reuse_port=reuse)
        context = RestContext(config, grpc_server.store, grpc_server.trust, base_url(config, https.port),
                              metrics=grpc_server.metrics, verify_submission=grpc_server.verify_submission)
        try:
            https.attach(create_app(context, factories), cert, key, grace_seconds=config.grace_seconds)
        except BaseException:
            context.close()
            https.close()
            raise
    except BaseException:
        grpc_server.stop(0)
        raise
    return Gateway(grpc_server, grpc_port, https, context)


def serve(config: ServerConfig, *, on_started: Callable[[BoundPorts], None] | None = None,
          route_factories: Sequence[RouteFactory] | None = None, **kwargs: Any) -> None:
    """Run until SIGTERM or SIGINT, then shut down gracefully (main thread only)."""
    if config.process_count > 1:
        serve_processes(serve_one, config, on_started=on_started, route_factories=route_factories, **kwargs)
    else:
        serve_one(config, on_started=on_started, route_factories=route_factories, **kwargs)


def serve_one(config: ServerConfig, *, on_started: Callable[[BoundPorts], None] | None = None,
              reload: Callable[[], ServerConfig] | None = None, **kwargs: Any) -> None:
    """One gateway in this process until SIGTERM or SIGINT (main thread only); SIGHUP
    applies ``reload()``'s peer set and logging (see :func:`gateway.server.app.wait_for_signals`)."""
    gateway = create_gateway(config, **kwargs)
    try:
        gateway.start()
        if on_started is not None:
            on_started(gateway.ports)
        wait_for_signals(gateway.grpc, reload)
    finally:
        gateway.stop()
