"""Assemble the gRPC server: services, interceptor, health, reflection, TLS, limits."""

from __future__ import annotations


import gc
import logging
import signal
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent import futures
from dataclasses import dataclass, fields, replace

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from .._proto import (
    attestation_pb2,
    attestation_pb2_grpc,
    echo_pb2,
    echo_pb2_grpc,
    exchange_pb2,
    exchange_pb2_grpc,
    recognition_pb2,
    recognition_pb2_grpc,
    translation_pb2,
    translation_pb2_grpc,
)
from ..core.errors import ConfigurationError
from ..core.i18n import N_
from ..store import Store, open_store
from .attestation import AttestationServicer
from .authorisation import AuthorisationInterceptor
from .config import ServerConfig
from .echo import EchoServicer
from .exchange import ExchangeServicer, FeedSignal
from .interceptor import ErrorInterceptor
from .metrics import GatewayMetrics, PeersCollector, TrustListCollector
from .monitoring import MonitoringEndpoint
from .observe import HealthMonitor, TimedStore, rpc_observer
from .peers import PeerSet
from .recognition import recognition_servicer
from .replication import Replicator, VerifyAttestation, accept_attestation
from .submission import VerifySubmission, accept_as_declared
from .translation import TranslationServicer
from .trust import GatewayTrust
from .verification import verifiers
from .workers import serve_processes

log = logging.getLogger("gateway.server")
_RELOADABLE = ("peers", "logging")  # what a SIGHUP applies while running


@dataclass(frozen=True, slots=True)
class Service:
    """A servicer to mount: its full name (for health and reflection) and how to add it."""

    name: str
    add: Callable[[grpc.Server], None]


class GatewayServer:
    """A started-or-startable gRPC server with the resources it owns."""

    def __init__(self, server: grpc.Server, executor: futures.ThreadPoolExecutor,
                 health_servicer: health.HealthServicer, signal_: FeedSignal, store: Store, owns_store: bool,
                 grace_seconds: float, *, identity: str = "", trust: GatewayTrust | None = None,
                 verify_submission: VerifySubmission = accept_as_declared,
                 verify_attestation: VerifyAttestation = accept_attestation,
                 metrics: GatewayMetrics | None = None, config: ServerConfig | None = None,
                 services: list[str] | None = None, primary: bool = True,
                 closing: Sequence[Callable[[], None]] = ()) -> None:
        self.grpc_server = server
        self._executor = executor
        self._closing = closing
        self.health = health_servicer
        self.signal = signal_
        self.store = store
        self._owns_store = owns_store
        self.grace_seconds = grace_seconds
        self.identity = identity
        self.trust = trust
        self.verify_submission = verify_submission
        self.verify_attestation = verify_attestation
        self.config = config or ServerConfig()
        # The one process of a gateway that replicates and serves [metrics] (see workers.py).
        self.primary = primary
        self.metrics = metrics or GatewayMetrics()
        self.timed_store = TimedStore(store, self.metrics)
        self.peers = PeerSet(self.replicator, self.metrics)
        self.metrics.add(PeersCollector(self.peers.states))
        if trust is not None:
            self.metrics.add(TrustListCollector(trust))
        self.monitor = HealthMonitor(health_servicer, ["", *(services or ())], store, trust,
                                     self.config.health_check_seconds)
        self.monitoring: MonitoringEndpoint | None = None
        if self.config.metrics is not None and primary:
            self.monitoring = MonitoringEndpoint(self.config.metrics.address, self.metrics,
                                                 peers=self.peers.states, health=self.monitor.check)

    def replicator(self) -> Replicator:
        """A Replicator into this server's store that verifies exactly as its Submit does."""
        return Replicator(self.timed_store, actor=self.identity or "local", verify_submission=self.verify_submission,
                          verify_attestation=self.verify_attestation)

    def start(self) -> None:
        self.grpc_server.start()
        self.monitor.check()
        self.monitor.start()
        if self.monitoring is not None:
            self.monitoring.start()
        if self.primary:
            self.peers.apply(self.config.peers)

    def reload(self, config: ServerConfig) -> dict[str, list[str]]:
        """Apply what can change while running: the peer set (in the primary process) and
        logging. Returns the peer changes; stored cursors are kept, so a peer that stays or
        comes back resumes where it was."""
        from .logs import configure_logging

        configure_logging(config.logging)
        waiting = [f.name for f in fields(config)
                   if f.name not in _RELOADABLE and getattr(config, f.name) != getattr(self.config, f.name)]
        if waiting and self.primary:  # said once, so an operator does not believe the edit took effect
            log.warning("reloaded [peers] and [logging]; other changed settings apply at the next restart",
                        extra={"settings": waiting})
        config = replace(self.config, peers=config.peers, logging=config.logging)
        self.config = config
        if not self.primary:
            return {"added": [], "removed": [], "restarted": []}
        return self.peers.apply(config.peers)

    def stop(self, grace: float | None = None) -> None:
        """Stop taking calls, let in-flight unary calls finish within the grace period, end
        Watch streams, then close the store (no write is cut half-way: each is a transaction)."""
        self.peers.stop()
        self.monitor.stop()
        self.health.enter_graceful_shutdown()
        self.signal.close()
        if self.monitoring is not None:
            self.monitoring.stop()
        self.grpc_server.stop(self.grace_seconds if grace is None else grace).wait()
        # grpc's stop does not wait for handler threads; the store must outlive them.
        self._executor.shutdown(wait=True)
        for close in self._closing:  # the servicers' own threads, idle once no handler runs
            close()
        if self._owns_store:
            self.store.close()

    def wait_for_termination(self, timeout: float | None = None) -> bool:
        return self.grpc_server.wait_for_termination(timeout)


def _credentials(config: ServerConfig) -> grpc.ServerCredentials | None:
    tls = config.tls
    if tls is None:
        return None
    try:
        key, cert = tls.key.read_bytes(), tls.cert.read_bytes()
        client_ca = tls.client_ca.read_bytes() if tls.client_ca else None
    except OSError as exc:
        raise ConfigurationError(N_("cannot read TLS material: {exc}", exc=exc), path="tls") from exc
    return grpc.ssl_server_credentials([(key, cert)], root_certificates=client_ca,
                                       require_client_auth=client_ca is not None)


def create_server(
    config: ServerConfig,
    *,
    store: Store | None = None,
    verify_submission: VerifySubmission | None = None,
    services: Iterable[Service] = (),
    primary: bool = True,
) -> tuple[GatewayServer, int]:
    """Build the server and bind its port (not yet started); return it with the bound port.

    ``store`` defaults to the configured one (then owned and closed by the server).
    ``verify_submission`` defaults to the trust-list check when ``[trust]`` is configured
    (and to :func:`accept_as_declared` when it is not); ``services`` mounts further servicers.
    ``primary=False`` (the other workers of a multi-process server) runs no peer puller and
    no metrics endpoint.
    """
    config.check()
    metrics = GatewayMetrics()
    trust, configured_verify, verify_attestation = verifiers(config, metrics)
    verify_submission = verify_submission or configured_verify
    owns_store = store is None
    if store is None:
        store = open_store(config.store.url, schema=config.store.schema, pool_size=config.store.pool_size)
    size = config.max_message_bytes
    executor = futures.ThreadPoolExecutor(max_workers=config.max_workers, thread_name_prefix="fpgw-rpc")
    server = grpc.server(
        executor,
        interceptors=[ErrorInterceptor(rpc_observer(metrics)), *([AuthorisationInterceptor(trust)] if trust else [])],
        options=[
            ("grpc.max_receive_message_length", size),
            ("grpc.max_send_message_length", size),
            # Off unless configured, so that a second gateway cannot silently share a port.
            ("grpc.so_reuseport", 1 if config.process_count > 1 else 0),
        ],
        maximum_concurrent_rpcs=config.admitted_rpcs,
    )
    feed_signal = FeedSignal(config.store.poll_seconds)
    exchange = ExchangeServicer(TimedStore(store, metrics), verify_submission=verify_submission, signal=feed_signal,
                                local_actor=config.identity or "local")
    translation = TranslationServicer(trust)
    attestation = AttestationServicer(trust)
    recognition = recognition_servicer(config, trust)
    mounted = [
        Service(exchange_pb2.DESCRIPTOR.services_by_name["ExchangeService"].full_name,
                lambda s: exchange_pb2_grpc.add_ExchangeServiceServicer_to_server(exchange, s)),
        Service(translation_pb2.DESCRIPTOR.services_by_name["TranslationService"].full_name,
                lambda s: translation_pb2_grpc.add_TranslationServiceServicer_to_server(translation, s)),
        Service(attestation_pb2.DESCRIPTOR.services_by_name["AttestationService"].full_name,
                lambda s: attestation_pb2_grpc.add_AttestationServiceServicer_to_server(attestation, s)),
        Service(recognition_pb2.DESCRIPTOR.services_by_name["RecognitionService"].full_name,
                lambda s: recognition_pb2_grpc.add_RecognitionServiceServicer_to_server(recognition, s)),
        *services,
    ]
    if config.enable_echo:
        mounted.append(Service(echo_pb2.DESCRIPTOR.services_by_name["EchoService"].full_name,
                               lambda s: echo_pb2_grpc.add_EchoServiceServicer_to_server(EchoServicer(), s)))
    for service in mounted:
        service.add(server)
    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ("", *(s.name for s in mounted)):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    if config.reflection:
        reflection.enable_server_reflection(
            (*(s.name for s in mounted), health.SERVICE_NAME, reflection.SERVICE_NAME), server
        )
    credentials = _credentials(config)
    try:
        if credentials is None:
            port = server.add_insecure_port(config.address)
        else:
            port = server.add_secure_port(config.address, credentials)
    except RuntimeError as exc:
        raise ConfigurationError(N_("cannot bind {address}: {exc}", address=config.address, exc=exc), path="server.address") from exc
    if port == 0:
        raise ConfigurationError(N_("cannot bind {address}", address=config.address), path="server.address")
    gateway = GatewayServer(server, executor, health_servicer, feed_signal, store, owns_store, config.grace_seconds,
                            identity=config.identity, trust=trust, verify_submission=verify_submission,
                            verify_attestation=verify_attestation, metrics=metrics, config=config,
                            services=[s.name for s in mounted], primary=primary, closing=[translation.close])
    return gateway, port


def serve(config: ServerConfig, *, on_started: Callable[[int], None] | None = None, **kwargs) -> None:
    """Run until SIGTERM or SIGINT, then shut down gracefully (main thread only). With
    ``reload=`` (a callable returning a fresh config) SIGHUP re-reads the peer set and logging.

    With ``config.process_count > 1`` this process supervises that many server processes
    sharing the port; ``reload`` and ``kwargs`` must then be picklable.
    """
    if config.process_count > 1:
        serve_processes(serve_one, config, on_started=on_started, **kwargs)
    else:
        serve_one(config, on_started=on_started, **kwargs)


def serve_one(config: ServerConfig, *, on_started: Callable[[int], None] | None = None,
              reload: Callable[[], ServerConfig] | None = None, **kwargs) -> None:
    """One server in this process until SIGTERM or SIGINT (main thread only)."""
    gateway, port = create_server(config, **kwargs)
    try:
        gateway.start()
        # What is loaded by now (modules, schemas, fonts, the servicers) lives as long as the
        # process: out of the collector's sight, a full collection no longer walks it while every
        # thread waits (36 ms each on an idle machine, 150 ms on a loaded one, in Submit's tail).
        gc.freeze()
        if on_started is not None:
            on_started(port)
        wait_for_signals(gateway, reload)
    finally:
        gateway.stop()


def wait_for_signals(gateway: GatewayServer, reload: Callable[[], ServerConfig] | None = None) -> None:
    """Block until SIGTERM or SIGINT (main thread only). With ``reload`` (a callable that
    reads the configuration again), SIGHUP applies its peer set and logging to ``gateway``;
    a configuration that does not load is refused and the running one kept."""
    wake = threading.Event()
    stopping = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        log.info("received %s, shutting down", signal.Signals(signum).name)
        stopping.set()
        wake.set()

    handlers: dict[signal.Signals, Callable[..., None]] = {signal.SIGTERM: request_stop, signal.SIGINT: request_stop}
    if reload is not None:
        handlers[signal.SIGHUP] = lambda signum, frame: wake.set()
    previous = {s: signal.signal(s, handler) for s, handler in handlers.items()}
    try:
        while not stopping.is_set():
            # A process-directed signal may land on any thread; Python runs its handler only
            # when the main thread runs, so wake up now and then instead of blocking for good.
            if not wake.wait(0.5):
                continue
            wake.clear()
            if reload is not None and not stopping.is_set():
                _reload(gateway, reload)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _reload(gateway: GatewayServer, reload: Callable[[], ServerConfig]) -> None:
    try:
        changes = gateway.reload(reload())
    except ConfigurationError as error:
        log.error("reload refused, keeping the running configuration",
                  extra={"reason": error.reason, "detail": str(error)})
        return
    log.info("configuration reloaded", extra=changes)
