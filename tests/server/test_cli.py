"""``fpgw serve`` as a real process (SIGTERM stops it cleanly) and ``fpgw audit verify``."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys

import grpc
from click.testing import CliRunner

from gateway._proto import exchange_pb2_grpc
from gateway.cli import main
from gateway.store import SqliteStore

from .conftest import submit_request


def test_serve_runs_until_sigterm_and_keeps_what_it_acknowledged(tmp_path) -> None:
    db = tmp_path / "serve.sqlite"
    config = tmp_path / "gateway.toml"
    config.write_text(f'[server]\naddress = "127.0.0.1:0"\ngrace_seconds = 5\n[store]\nurl = "{db}"\n')
    process = subprocess.Popen(
        [sys.executable, "-c", "from gateway.cli import main; main()", "serve", "--config", str(config), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        started = json.loads(process.stdout.readline())
        assert (started["security"], started["processes"]) == ("plaintext", 1)  # "auto" on port 0
        with grpc.insecure_channel(started["address"]) as channel:
            receipt = exchange_pb2_grpc.ExchangeServiceStub(channel).Submit(submit_request(1), timeout=10).receipt
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)  # drains the pipes while waiting
        assert process.returncode == 0, stderr
    finally:
        if process.poll() is None:
            process.kill()
    store = SqliteStore(db)
    assert store.get_declaration("d1").digest == receipt.digest
    store.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_with_several_processes_shares_one_port(tmp_path) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text(f'[server]\naddress = "127.0.0.1:{_free_port()}"\nprocesses = 2\ngrace_seconds = 5\n'
                      f'[store]\nurl = "{tmp_path / "multi.sqlite"}"\n')
    process = subprocess.Popen(
        [sys.executable, "-c", "from gateway.cli import main; main()", "serve", "--config", str(config), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        started = json.loads(process.stdout.readline())
        for n in range(6):  # a fresh connection each time, spread over the workers
            with grpc.insecure_channel(started["address"], options=[("grpc.use_local_subchannel_pool", 1)]) as ch:
                exchange_pb2_grpc.ExchangeServiceStub(ch).Submit(submit_request(n), timeout=30, wait_for_ready=True)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=90)  # drains the pipes while waiting
        assert process.returncode == 0, stderr
    finally:
        if process.poll() is None:
            process.kill()
    store = SqliteStore(tmp_path / "multi.sqlite")
    assert store.last_cursor() == 6 and store.verify_audit() == 6
    store.close()


def test_serve_refuses_plaintext_off_loopback(tmp_path) -> None:
    result = CliRunner().invoke(main, ["serve", "--address", "192.0.2.1:50051"])
    assert result.exit_code == 2
    assert "error: INVALID_CONFIGURATION:" in result.stderr


def test_audit_verify_reports_intact_and_broken_chains(tmp_path, store) -> None:
    from tests.store.test_store import declaration

    for n in range(3):
        store.put_declaration(declaration(n), actor="a")
    url = str(store.path)
    ok = CliRunner().invoke(main, ["audit", "verify", "--store", url])
    assert ok.exit_code == 0 and "3 entries" in ok.output
    with store._transaction(write=True) as conn:
        conn.execute("UPDATE audit_log SET subject = 'forged' WHERE seq = 2")
    broken = CliRunner().invoke(main, ["audit", "verify", "--store", url, "--json"])
    assert broken.exit_code == 1
    assert json.loads(broken.output) == {
        "ok": False, "reason": "AUDIT_CHAIN_BROKEN", "message": "audit entry 2 was altered",
        "metadata": {"seq": "2"},
    }


def test_serve_with_trust_and_signing_from_a_config_file(tmp_path, signed_pki) -> None:
    from gateway._proto import attestation_pb2, attestation_pb2_grpc

    from .conftest import signed_channel

    files = signed_pki.files
    config = tmp_path / "gateway.toml"
    config.write_text(
        f'[server]\naddress = "127.0.0.1:0"\nidentity = "{signed_pki["tianjin"].id}"\ngrace_seconds = 5\n'
        f'[tls]\ncert = "{files["server_cert"]}"\nkey = "{files["server_key"]}"\nclient_ca = "{files["ca"]}"\n'
        f'[store]\nurl = "{tmp_path / "tj.sqlite"}"\n'
        f'[trust]\nlist = "{files["trust_list"]}"\nroot = "{signed_pki.root_multikey}"\n'
        f'[signing]\nkey = "{files["tianjin_ed25519"]}"\nkey_id = "{signed_pki["tianjin"].ed25519_key_id}"\n'
        f'[recognition]\ndefault_policy = "cn-tj"\n'
    )
    process = subprocess.Popen(
        [sys.executable, "-c", "from gateway.cli import main; main()", "serve", "--config", str(config), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        started = json.loads(process.stdout.readline())
        assert started["security"] == "mtls" and started["signs_as"] == signed_pki["tianjin"].id
        with signed_channel(signed_pki, started["port"], "hebei") as channel:
            answer = attestation_pb2_grpc.AttestationServiceStub(channel).GetTrustList(
                attestation_pb2.GetTrustListRequest(), timeout=10)
        assert answer.trust_list == files["trust_list"].read_bytes()
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)  # drains the pipes while waiting
        assert process.returncode == 0, stderr
    finally:
        if process.poll() is None:
            process.kill()
