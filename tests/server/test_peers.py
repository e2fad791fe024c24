"""Continuous replication from [peers]: three gateways converge across a kill and restart;
records that fail verification are refused and counted; a peer presenting another
identity is not pulled; the peer set changes on SIGHUP (with one process or several, of
which exactly one replicates)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import grpc
import pytest

from gateway._proto import exchange_pb2, exchange_pb2_grpc

from .conftest import BATTERY, BEIJING, HEBEI, registered_submission, submit_request

REGIONS = ("beijing", "tianjin", "hebei")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _until(condition, seconds: float = 90.0, what: str = "condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Region:
    """One gateway process with its own server and client certificates (SAN URI = identity)."""

    def __init__(self, name: str, pki, folder: Path, processes: int = 1) -> None:
        self.name, self.identity = name, f"urn:jjj:platform:{name}"
        self.processes = processes
        self.port, self.metrics_port = _free_port(), _free_port()
        self.folder = folder
        self.server_cert, self.server_key = pki.ca.issue(f"{name} gateway", uris=(self.identity,), server=True).write(
            folder, f"{name}-server")
        self.client = pki.ca.issue(f"{name} platform", uris=(self.identity,))
        self.client_cert, self.client_key = self.client.write(folder, f"{name}-client")
        self.config = folder / f"{name}.toml"
        self.log = folder / f"{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def write_config(self, peers: list[Region], ca: Path) -> None:
        lines = [
            "[server]", f'address = "{self.address}"', f'identity = "{self.identity}"', "grace_seconds = 2",
            f"processes = {self.processes}",
            "health_check_seconds = 1",
            "[tls]", f'cert = "{self.server_cert}"', f'key = "{self.server_key}"', f'client_ca = "{ca}"',
            "[store]", f'url = "{self.folder / (self.name + ".sqlite")}"',
            "[metrics]", f'address = "127.0.0.1:{self.metrics_port}"',
            "[logging]", 'level = "info"', "access_log = false",
            "[peers]", f'cert = "{self.client_cert}"', f'key = "{self.client_key}"',
            "interval_seconds = 0.2", "max_backoff_seconds = 1", "batch = 7",
        ]
        for peer in peers:
            lines += [f"[peers.{peer.name}]", f'address = "{peer.address}"', f'identity = "{peer.identity}"',
                      f'ca = "{ca}"']
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def start(self) -> None:
        self._log_file = self.log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from gateway.cli import main; main()", "serve", "--config", str(self.config),
             "--json"], stdout=subprocess.PIPE, stderr=self._log_file, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        started = json.loads(self.process.stdout.readline())
        assert started["port"] == self.port

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(30)
        self._log_file.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self._log_file.close()

    def peers(self) -> list[dict]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/peers", timeout=5) as answer:
            return json.loads(answer.read())["peers"]

    def channel(self, pki) -> grpc.Channel:
        credentials = grpc.ssl_channel_credentials(pki.ca.cert_pem, self.client.key_pem, self.client.cert_pem)
        return grpc.secure_channel(self.address, credentials)


def _feed(region: Region, pki) -> list[exchange_pb2.FeedRecord]:
    records, cursor = [], 0
    with region.channel(pki) as channel:
        stub = exchange_pb2_grpc.ExchangeServiceStub(channel)
        while True:
            answer = stub.Sync(exchange_pb2.SyncRequest(after_cursor=cursor, limit=100), timeout=10)
            records += answer.records
            cursor = answer.next_cursor
            if not answer.more:
                return records


def test_three_regions_converge_across_a_kill_and_restart(pki, tmp_path) -> None:
    regions = {name: Region(name, pki, tmp_path) for name in REGIONS}
    for region in regions.values():
        region.write_config([r for r in regions.values() if r is not region], pki.ca_file)
    submitted: list[str] = []

    def submit(region: Region, n: int) -> None:
        with region.channel(pki) as channel:
            exchange_pb2_grpc.ExchangeServiceStub(channel).Submit(submit_request(n, region="110000"), timeout=10)
        submitted.append(f"d{n}")

    try:
        for region in regions.values():
            region.start()
        order = list(regions.values())
        for n in range(12):
            submit(order[n % 3], n)
        regions["tianjin"].kill()  # mid-stream: no graceful shutdown, pulls cut wherever they were
        for n in range(12, 24):
            submit(order[0] if n % 2 else order[2], n)
        _until(lambda: any(p["last_error"] for p in regions["beijing"].peers() if p["name"] == "tianjin"),
               what="beijing to notice tianjin is down")
        regions["tianjin"].start()  # same store: resumes from its stored cursors
        for n in range(24, 36):
            submit(order[n % 3], n)

        def converged() -> bool:
            return all(sorted(r.declaration.metadata.declaration_id for r in _feed(region, pki)
                              if r.WhichOneof("record") == "declaration") == sorted(submitted)
                       for region in regions.values())

        _until(converged, what="the three stores to hold every submission")
        for region in regions.values():
            declarations = [r for r in _feed(region, pki) if r.WhichOneof("record") == "declaration"]
            ids = [r.declaration.metadata.declaration_id for r in declarations]
            assert len(ids) == len(set(ids)) == 36  # none lost, none stored twice
            own = {r.declaration.metadata.declaration_id for r in declarations if not r.declaration.source_peer}
            assert own, f"{region.name} stored none of its own"

        def caught_up() -> list[dict]:
            states = [s for region in regions.values() for s in region.peers()]
            return states if all(not s["last_error"] and s["cursor"] > 0 for s in states) else []

        states = caught_up() or _until(caught_up, what="every peer link to be healthy")
        assert len(states) == 6
    finally:
        for region in regions.values():
            region.stop()


@pytest.mark.parametrize("processes", [1, 2])
def test_sighup_changes_the_peer_set_without_a_restart(pki, tmp_path, processes) -> None:
    hebei, beijing = Region("hebei", pki, tmp_path, processes), Region("beijing", pki, tmp_path)
    hebei.write_config([], pki.ca_file)
    beijing.write_config([], pki.ca_file)
    try:
        hebei.start()
        beijing.start()
        with beijing.channel(pki) as channel:
            exchange_pb2_grpc.ExchangeServiceStub(channel).Submit(submit_request(1), timeout=10)
        assert hebei.peers() == []
        hebei.write_config([beijing], pki.ca_file)
        hebei.process.send_signal(signal.SIGHUP)
        (state,) = _until(lambda: [s for s in hebei.peers() if s["cursor"] == 1], what="the added peer to be pulled")
        assert (state["name"], state["identity"], state["stored"]) == ("beijing", beijing.identity, 1)
        broken = hebei.config.read_text().replace("interval_seconds = 0.2", "interval_seconds = -1")
        hebei.config.write_text(broken)
        hebei.process.send_signal(signal.SIGHUP)  # refused: the running peer set stays
        _until(lambda: "reload refused" in hebei.log.read_text(), what="the broken configuration to be refused")
        time.sleep(1)  # time for any worker to log a refusal of its own
        (refusal,) = [json.loads(line) for line in hebei.log.read_text().splitlines() if "reload refused" in line]
        assert (refusal["reason"], refusal["level"]) == ("INVALID_CONFIGURATION", "error")
        assert "peers.interval_seconds" in refusal["detail"]
        assert [s["name"] for s in hebei.peers()] == ["beijing"]
        hebei.write_config([], pki.ca_file)
        hebei.process.send_signal(signal.SIGHUP)
        _until(lambda: hebei.peers() == [], what="the removed peer to stop")
        with beijing.channel(pki) as channel:
            exchange_pb2_grpc.ExchangeServiceStub(channel).Submit(submit_request(2), timeout=10)
        hebei.write_config([beijing], pki.ca_file)
        hebei.process.send_signal(signal.SIGHUP)  # back again: resumes from its stored cursor
        (state,) = _until(lambda: [s for s in hebei.peers() if s["cursor"] == 2], what="the peer to be pulled again")
        assert (state["stored"], state["duplicates"]) == (1, 0)
        scraped = _scrape_url(f"http://127.0.0.1:{hebei.metrics_port}/metrics")
        records = {dict(labels)["outcome"]: value for (name, labels), value in scraped.items()
                   if name == "fpgw_replication_records_total"}
        assert records == {"stored": 2}  # one puller: a second one would have met duplicates
        added = [line for line in hebei.log.read_text().splitlines() if "peer set changed" in line]
        assert len(added) == 3  # added, removed, added: in one process only
        assert hebei.process.poll() is None
    finally:
        hebei.stop()
        beijing.stop()


def _scrape_url(url: str) -> dict[tuple[str, tuple], float]:
    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(url, timeout=5) as answer:
        text = answer.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


# --- in-process: verification refusals and the peer's identity ---------------------------


def _scrape(server) -> dict[tuple[str, tuple], float]:
    return _scrape_url(f"http://127.0.0.1:{server.monitoring.port}/metrics")


def _hebei_without_trust(pki, tmp_path, start_server, store):
    """A Hebei gateway that stores what it is sent (no trust list), with a server certificate
    naming its identity."""
    from gateway.server import TlsConfig

    cert, key = pki.ca.issue("hebei gateway", uris=(HEBEI,), server=True).write(tmp_path, "hebei-server")
    return start_server(store=store, identity=HEBEI, tls=TlsConfig(cert=cert, key=key, client_ca=pki.ca_file))


def _peers(pki, tmp_path, port: int, identity: str = HEBEI):
    from gateway.server.opsconfig import PeerConfig, PeersConfig

    cert, key = pki.beijing.write(tmp_path, "beijing-client")
    return PeersConfig(cert=cert, key=key, interval_seconds=0.2, max_backoff_seconds=1,
                       peers=(PeerConfig("hebei", f"localhost:{port}", identity, ca=pki.ca_file),))


def test_records_failing_verification_are_refused_recorded_and_counted(
        pki, signed_pki, tmp_path, start_server, start_gateway, make_store) -> None:
    from gateway.server.opsconfig import MetricsConfig

    _, hebei_port = _hebei_without_trust(pki, tmp_path, start_server, make_store("hebei"))
    valid = registered_submission(signed_pki, "hebei")
    forged = registered_submission(signed_pki, "tianjin", BATTERY)
    tampered = forged.attestations[0].content.replace(b'"proofValue":"z', b'"proofValue":"z2')
    assert tampered != forged.attestations[0].content
    del forged.attestations[:]
    forged.attestations.add(media_type="application/vc+ld+json", content=tampered)
    with pki.channel(hebei_port, pki.hebei) as channel:
        stub = exchange_pb2_grpc.ExchangeServiceStub(channel)
        stub.Submit(valid, timeout=10)
        stub.Submit(forged, timeout=10)
    beijing_store = make_store("beijing")
    beijing, _ = start_gateway("beijing", store=beijing_store, peers=_peers(pki, tmp_path, hebei_port),
                               metrics=MetricsConfig("127.0.0.1:0"))
    (state,) = _until(lambda: [s for s in beijing.peers.states() if s["cursor"] == 2], what="beijing to pull hebei")
    assert (state["stored"], state["refused"], state["last_error"]) == (1, 1, "")
    assert [r.declaration_id for r in beijing_store.list_declarations().records] == [valid.metadata.declaration_id]
    refusals = [e for e in beijing_store.audit_entries() if e.action == "replication.refused"]
    assert len(refusals) == 1 and refusals[0].subject.startswith(f"peer/{HEBEI}#2: ")
    metrics = _scrape(beijing)
    assert metrics[("fpgw_replication_records_total", (("outcome", "stored"), ("peer", HEBEI)))] == 1
    assert metrics[("fpgw_replication_records_total", (("outcome", "refused"), ("peer", HEBEI)))] == 1
    assert metrics[("fpgw_replication_cursor", (("peer", HEBEI),))] == 2
    assert metrics[("fpgw_replication_up", (("peer", HEBEI),))] == 1
    outcomes = {dict(labels)["outcome"]: value for (name, labels), value in metrics.items()
                if name == "fpgw_attestation_verifications_total"}
    reason = refusals[0].subject.rsplit(": ", 1)[1]
    assert outcomes == {"verified": 1, reason: 1}


def test_a_peer_presenting_another_identity_is_not_pulled(pki, tmp_path, start_server, make_store) -> None:
    _, hebei_port = _hebei_without_trust(pki, tmp_path, start_server, make_store("hebei"))
    with pki.channel(hebei_port, pki.hebei) as channel:
        exchange_pb2_grpc.ExchangeServiceStub(channel).Submit(submit_request(1), timeout=10)
    target = make_store("target")
    server, _ = start_server(store=target, identity=BEIJING,
                             peers=_peers(pki, tmp_path, hebei_port, identity="urn:jjj:platform:tianjin"))
    (state,) = _until(lambda: [s for s in server.peers.states() if s["consecutive_failures"] >= 2],
                      what="two failed attempts")
    assert state["last_error"] == (f"UNAUTHENTICATED: localhost:{hebei_port} presents a certificate for {HEBEI}, "
                                   "not urn:jjj:platform:tianjin")
    assert target.last_cursor() == 0 and state["cursor"] == 0


def test_peers_add_and_remove_edit_the_file_and_signal_the_gateway(pki, tmp_path) -> None:
    from click.testing import CliRunner

    from gateway.cli import main

    hebei, beijing = Region("hebei", pki, tmp_path, processes=2), Region("beijing", pki, tmp_path)
    hebei.write_config([], pki.ca_file)
    beijing.write_config([], pki.ca_file)
    hebei.config.write_text("# operator's note, kept\n" + hebei.config.read_text())
    try:
        hebei.start()
        beijing.start()
        with beijing.channel(pki) as channel:
            exchange_pb2_grpc.ExchangeServiceStub(channel).Submit(submit_request(1), timeout=10)
        config = str(hebei.config)
        added = CliRunner().invoke(main, ["peers", "add", "beijing", "--config", config, "--address", beijing.address,
                                          "--identity", beijing.identity, "--ca", str(pki.ca_file),
                                          "--pid", str(hebei.process.pid)])
        assert added.exit_code == 0, added.output
        assert f"added peer beijing ({beijing.identity})" in added.output and "sent SIGHUP" in added.output
        assert hebei.config.read_text().startswith("# operator's note, kept\n")
        (state,) = _until(lambda: [s for s in hebei.peers() if s["cursor"] == 1], what="the added peer to be pulled")
        assert (state["name"], state["stored"]) == ("beijing", 1)
        before = hebei.config.read_bytes()
        twice = CliRunner().invoke(main, ["peers", "add", "again", "--config", config, "--address", beijing.address,
                                          "--identity", beijing.identity])
        assert twice.exit_code == 1 and "urn:jjj:platform:beijing is listed twice" in twice.output
        assert hebei.config.read_bytes() == before  # a file that would not load is not written
        removed = CliRunner().invoke(main, ["peers", "remove", "beijing", "--config", config,
                                            "--pid", str(hebei.process.pid)])
        assert removed.exit_code == 0, removed.output
        _until(lambda: hebei.peers() == [], what="the removed peer to stop")
        missing = CliRunner().invoke(main, ["peers", "remove", "beijing", "--config", config])
        assert missing.exit_code == 1 and "has no peer 'beijing'" in missing.output
        assert "[peers.beijing]" not in hebei.config.read_text() and hebei.process.poll() is None
    finally:
        hebei.stop()
        beijing.stop()
