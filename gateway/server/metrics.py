"""The gateway's Prometheus metrics, in a registry of its own (several gateways can share a
process, as in the tests and the demo).

RPCs are counted and timed by method and reason (``OK``, or the error's stable reason, or
the gRPC code when a handler aborted without one); store writes are timed by operation;
attestation verifications on the Submit and Sync paths are counted by outcome (``verified``
or the reason of the refusal); replication state per peer and the trust list's sequence and
seconds to its next update are read when scraped.

Under a multi-process server (``server.processes > 1``) the supervisor gives its workers a
per-run directory in ``PROMETHEUS_MULTIPROC_DIR`` before they start, so prometheus_client
keeps every worker's counters and histograms in files there; :meth:`GatewayMetrics.exposition`
then sums them over the workers, and a scrape of the one worker serving ``[metrics]`` shows
the calls every worker served.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from signing.timeutil import utcnow

from ..core.errors import GatewayError

# prometheus_client's own switch to its multi-process mode, read when it is first imported.
SHARED_DIRECTORY_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def method_label(full_method: str) -> str:
    """``/jjj.footprint.v1.ExchangeService/Submit`` -> ``ExchangeService/Submit``."""
    service, _, name = full_method.lstrip("/").rpartition("/")
    return f"{service.rsplit('.', 1)[-1]}/{name}"


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        shared = os.environ.get(SHARED_DIRECTORY_VARIABLE)
        # What a scrape reads: this registry, or every worker's counters plus this process's collectors.
        self.exposition = self.registry
        if shared:
            self.exposition = CollectorRegistry(auto_describe=True)
            MultiProcessCollector(self.exposition, path=shared)
        r = self.registry
        self.rpc_requests = Counter("fpgw_rpc_requests", "RPCs handled, by method and reason.",
                                    ["method", "reason"], registry=r)
        self.rpc_latency = Histogram("fpgw_rpc_latency_seconds", "RPC handling time, by method and reason.",
                                     ["method", "reason"], buckets=LATENCY_BUCKETS, registry=r)
        self._rpc_series: dict[tuple[str, str], tuple[Any, Any]] = {}
        self.rest_requests = Counter("fpgw_rest_requests", "REST requests handled, by method, route and status.",
                                     ["method", "route", "status"], registry=r)
        self.rest_latency = Histogram("fpgw_rest_latency_seconds", "REST request handling time.",
                                      ["method", "route", "status"], buckets=LATENCY_BUCKETS, registry=r)
        self.store_writes = Histogram("fpgw_store_write_seconds", "Store write time (committed), by operation.",
                                      ["operation"], buckets=LATENCY_BUCKETS, registry=r)
        self.verifications = Counter("fpgw_attestation_verifications",
                                     "Attestations verified on Submit and Sync, by outcome.", ["outcome"], registry=r)
        self.replication_records = Counter("fpgw_replication_records",
                                           "Records pulled from peers, by peer and outcome (stored, duplicate, refused).",
                                           ["peer", "outcome"], registry=r)
        self.replication_failures = Counter("fpgw_replication_failures", "Failed pulls, by peer and reason.",
                                            ["peer", "reason"], registry=r)

    def observe_rpc(self, method: str, reason: str, seconds: float) -> None:
        # Every call: the two labelled series are looked up once per (method, reason), not with
        # labels() (a lock and a label check each) per call; methods and reasons are finite sets.
        series = self._rpc_series.get((method, reason))
        if series is None:
            label = method_label(method)
            series = self._rpc_series.setdefault(
                (method, reason), (self.rpc_requests.labels(label, reason), self.rpc_latency.labels(label, reason)))
        series[0].inc()
        series[1].observe(seconds)

    def observe_rest(self, method: str, route: str, status: int, seconds: float) -> None:
        """For the REST host: one handled request (``route`` is the pattern, not the path)."""
        self.rest_requests.labels(method, route, str(status)).inc()
        self.rest_latency.labels(method, route, str(status)).observe(seconds)

    def verification(self, outcome: str) -> None:
        self.verifications.labels(outcome).inc()

    def add(self, collector: Collector) -> None:
        """A collector read at scrape time (live state of this process, not summed over workers)."""
        self.registry.register(collector)
        if self.exposition is not self.registry:
            self.exposition.register(collector)


class TrustListCollector(Collector):
    """``fpgw_trust_list_sequence``, ``..._next_update_seconds`` (negative once expired) and
    ``..._usable``, read from the held list at scrape time."""

    def __init__(self, trust: Any) -> None:
        self.trust = trust

    def collect(self) -> Iterable[GaugeMetricFamily]:
        usable = GaugeMetricFamily("fpgw_trust_list_usable", "1 when the trust list in force verifies and is current.")
        sequence = GaugeMetricFamily("fpgw_trust_list_sequence", "Sequence number of the trust list held.")
        remaining = GaugeMetricFamily("fpgw_trust_list_next_update_seconds",
                                      "Seconds until the held trust list's nextUpdate (negative: expired).")
        try:
            _, held = self.trust._held()
        except GatewayError:
            usable.add_metric([], 0)
            return [usable]
        try:
            self.trust.current()
            usable.add_metric([], 1)
        except GatewayError:
            usable.add_metric([], 0)
        sequence.add_metric([], held.sequence)
        remaining.add_metric([], (held.next_update - utcnow()).total_seconds())
        return [usable, sequence, remaining]


class PeersCollector(Collector):
    """Per-peer replication gauges from ``states()`` (a list of peer state dicts)."""

    def __init__(self, states: Callable[[], list[dict[str, Any]]]) -> None:
        self.states = states

    def collect(self) -> Iterable[GaugeMetricFamily]:
        cursor = GaugeMetricFamily("fpgw_replication_cursor", "Last cursor of the peer's feed replicated here.",
                                   labels=["peer"])
        lag = GaugeMetricFamily("fpgw_replication_lag_seconds",
                                "Seconds since the peer's feed was last replicated to its end.", labels=["peer"])
        up = GaugeMetricFamily("fpgw_replication_up", "1 when the last pull from the peer succeeded.", labels=["peer"])
        for state in self.states():
            cursor.add_metric([state["identity"]], state["cursor"])
            lag.add_metric([state["identity"]], state["lag_seconds"])
            up.add_metric([state["identity"]], 0 if state["last_error"] else 1)
        return [cursor, lag, up]
