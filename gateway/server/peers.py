"""Continuous replication: one background puller per ``[peers]`` entry.

Each puller connects with mutual TLS (our ``[peers]`` client certificate), checks that the
peer's server certificate names the configured identity, then pulls the peer's feed with
:class:`Replicator` (which verifies every record as Submit does, and refuses and audits the
ones that fail) from the cursor stored for that peer, so a restarted gateway resumes where
it stopped. After catching up it waits ``interval_seconds``; after a failure it backs off
exponentially (with jitter) up to ``max_backoff_seconds``. :meth:`PeerSet.apply` changes
the peer set while running (the server calls it on SIGHUP).
"""

from __future__ import annotations

import logging
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import grpc
from cryptography import x509

from .._proto import exchange_pb2_grpc
from ..core.errors import GatewayError, Unauthenticated
from ..core.i18n import N_
from ..store import open_store
from .config import ServerConfig
from .metrics import GatewayMetrics
from .opsconfig import PeerConfig, PeersConfig
from .replication import Replicator, SyncOutcome
from .status import error_details
from .verification import verifiers

log = logging.getLogger("gateway.replication")
HANDSHAKE_SECONDS = 10.0


def server_certificate_uris(peer: PeerConfig, key_path: str, cert_path: str) -> tuple[str, ...]:
    """SAN URIs of the certificate the peer presents, after a verified TLS handshake."""
    host, _, port = peer.address.rpartition(":")
    context = ssl.create_default_context(cafile=str(peer.ca) if peer.ca else None)
    context.load_cert_chain(cert_path, key_path)
    context.set_alpn_protocols(["h2"])
    with socket.create_connection((host.strip("[]"), int(port)), timeout=HANDSHAKE_SECONDS) as raw:
        with context.wrap_socket(raw, server_hostname=peer.server_name or host.strip("[]")) as tls:
            der = tls.getpeercert(binary_form=True)
    certificate = x509.load_der_x509_certificate(der)
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return ()
    return tuple(san.get_values_for_type(x509.UniformResourceIdentifier))


@dataclass
class PeerState:
    name: str
    identity: str
    address: str
    cursor: int = 0
    stored: int = 0
    duplicates: int = 0
    refused: int = 0
    failures: int = 0
    last_error: str = ""
    last_error_at: float | None = None
    last_success_at: float | None = None
    caught_up_at: float | None = None
    started_at: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        now = time.time()
        reference = self.caught_up_at or self.started_at
        return {"name": self.name, "identity": self.identity, "address": self.address, "cursor": self.cursor,
                "stored": self.stored, "duplicates": self.duplicates, "refused": self.refused,
                "consecutive_failures": self.failures, "last_error": self.last_error,
                "last_error_at": self.last_error_at, "last_success_at": self.last_success_at,
                "lag_seconds": round(max(0.0, now - reference), 3)}


class PeerLink:
    """The background puller of one peer."""

    def __init__(self, peer: PeerConfig, settings: PeersConfig, replicator: Replicator,
                 metrics: GatewayMetrics | None) -> None:
        self.peer = peer
        self.settings = settings
        self.replicator = replicator
        self.metrics = metrics
        self.state = PeerState(peer.name, peer.identity, peer.address, cursor=replicator.store.sync_cursor(peer.identity),
                               started_at=time.time())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"fpgw-peer-{peer.name}", daemon=True)
        self._channel: grpc.Channel | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._channel is not None:
            self._channel.close()  # ends a Sync call in flight
        self._thread.join(timeout)

    def _connect(self) -> exchange_pb2_grpc.ExchangeServiceStub:
        s, peer = self.settings, self.peer
        assert s.cert is not None and s.key is not None
        try:
            cert, key = s.cert.read_bytes(), s.key.read_bytes()
            ca = peer.ca.read_bytes() if peer.ca else None
            uris = server_certificate_uris(peer, str(s.key), str(s.cert))
        except (OSError, ssl.SSLError) as exc:
            raise ConnectionError(f"cannot reach {peer.address} over TLS: {exc}") from exc
        if peer.identity not in uris:
            raise Unauthenticated(N_("{address} presents a certificate for {value}, "
                                  "not {identity}", address=peer.address, value=', '.join(uris) or 'no URI', identity=peer.identity), peer=peer.identity)
        options = [("grpc.ssl_target_name_override", peer.server_name)] if peer.server_name else []
        credentials = grpc.ssl_channel_credentials(root_certificates=ca, private_key=key, certificate_chain=cert)
        self._channel = grpc.secure_channel(peer.address, credentials, options=options)
        return exchange_pb2_grpc.ExchangeServiceStub(self._channel)

    def _disconnect(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    def _run(self) -> None:
        stub = None
        while not self._stop.is_set():
            try:
                stub = stub or self._connect()
                outcome = self.replicator.pull(stub, self.peer.identity, batch=self.settings.batch)
                self._succeeded(outcome)
                wait = self.settings.interval(self.peer)
            except (grpc.RpcError, GatewayError, ConnectionError) as error:
                if self._stop.is_set():
                    return
                self._failed(error)
                self._disconnect()
                stub = None
                wait = self._backoff()
            self._stop.wait(wait)

    def _backoff(self) -> float:
        base = self.settings.interval(self.peer) * 2 ** min(self.state.failures - 1, 16)
        return min(self.settings.max_backoff_seconds, base) * random.uniform(0.5, 1.0)

    def _succeeded(self, outcome: SyncOutcome) -> None:
        now = time.time()
        st = self.state
        st.cursor, st.failures, st.last_error = outcome.cursor, 0, ""
        st.stored += outcome.stored
        st.duplicates += outcome.duplicates
        st.refused += len(outcome.refused)
        st.last_success_at = st.caught_up_at = now
        if self.metrics is not None:
            for name, count in (("stored", outcome.stored), ("duplicate", outcome.duplicates),
                                ("refused", len(outcome.refused))):
                if count:
                    self.metrics.replication_records.labels(self.peer.identity, name).inc(count)
        for refusal in outcome.refused:
            log.warning("refused record", extra={"peer": self.peer.identity, "cursor": refusal.cursor,
                                                 "reason": refusal.reason, "detail": refusal.message})
        if outcome.stored:
            log.info("replicated", extra={"peer": self.peer.identity, "stored": outcome.stored,
                                          "cursor": outcome.cursor})

    def _failed(self, error: Exception) -> None:
        if isinstance(error, grpc.RpcError):
            details = error_details(error)
            reason = details["reason"] or details["code"]
            text = f"{reason}: {' '.join((details['message'] or '').split())}"
        elif isinstance(error, GatewayError):
            reason, text = error.reason, f"{error.reason}: {error.message}"
        else:
            reason, text = "UNAVAILABLE", f"UNAVAILABLE: {error}"
        st = self.state
        st.failures += 1
        st.last_error, st.last_error_at = text, time.time()
        st.cursor = self.replicator.store.sync_cursor(self.peer.identity)
        if self.metrics is not None:
            self.metrics.replication_failures.labels(self.peer.identity, reason).inc()
        log.warning("pull failed", extra={"peer": self.peer.identity, "reason": reason, "detail": text,
                                          "consecutive_failures": st.failures})


class PeerSet:
    """The running pullers; :meth:`apply` starts, stops and restarts them to match a config."""

    def __init__(self, replicator: Callable[[], Replicator], metrics: GatewayMetrics | None = None) -> None:
        self._replicator = replicator
        self.metrics = metrics
        self._links: dict[str, PeerLink] = {}
        self._settings = PeersConfig()
        self._lock = threading.Lock()

    def apply(self, settings: PeersConfig) -> dict[str, list[str]]:
        """Match the running pullers to ``settings``; return which peers were added, removed
        and restarted (changed settings)."""
        settings.check()
        wanted = {p.identity: p for p in settings.peers}
        changed = {"added": [], "removed": [], "restarted": []}
        with self._lock:
            shared = (settings.cert, settings.key, settings.batch, settings.interval_seconds,
                      settings.max_backoff_seconds)
            before = (self._settings.cert, self._settings.key, self._settings.batch,
                      self._settings.interval_seconds, self._settings.max_backoff_seconds)
            for identity, link in list(self._links.items()):
                if identity not in wanted:
                    link.stop()
                    del self._links[identity]
                    changed["removed"].append(identity)
                elif wanted[identity] != link.peer or shared != before:
                    link.stop()
                    del self._links[identity]
                    changed["restarted"].append(identity)
            for identity, peer in wanted.items():
                if identity not in self._links:
                    link = PeerLink(peer, settings, self._replicator(), self.metrics)
                    self._links[identity] = link
                    link.start()
                    if identity not in changed["restarted"]:
                        changed["added"].append(identity)
            self._settings = settings
        if any(changed.values()):
            log.info("peer set changed", extra=changed)
        return changed

    def states(self) -> list[dict[str, Any]]:
        with self._lock:
            links = list(self._links.values())
        return [link.state.as_dict() for link in links]

    def stop(self) -> None:
        with self._lock:
            for link in self._links.values():
                link.stop()
            self._links.clear()


@contextmanager
def local_replicator(config: ServerConfig) -> Iterator[Replicator]:
    """A Replicator into ``config``'s store that verifies as that gateway's Submit does (for
    ``fpgw sync --into``); the store is closed afterwards."""
    _, verify_submission, verify_attestation = verifiers(config)
    store = open_store(config.store.url, schema=config.store.schema, pool_size=config.store.pool_size)
    try:
        yield Replicator(store, actor=config.identity or "local", verify_submission=verify_submission,
                         verify_attestation=verify_attestation)
    finally:
        store.close()
