"""``fpgw serve`` with several processes on one fixed port: one scrape of ``[metrics]`` counts
the calls every process served; a killed supervisor leaves no worker behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import grpc
from prometheus_client.parser import text_string_to_metric_families

from gateway._proto import translation_pb2, translation_pb2_grpc

CALLS = 24


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _scrape(port: int) -> dict[tuple[str, tuple], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _serve(tmp_path, grpc_port: int, metrics_port: int) -> subprocess.Popen:
    config = tmp_path / "gateway.toml"
    config.write_text(f'[server]\naddress = "127.0.0.1:{grpc_port}"\nprocesses = 2\ngrace_seconds = 2\n'
                      f'[store]\nurl = "{tmp_path / "multi.sqlite"}"\n'
                      f'[metrics]\naddress = "127.0.0.1:{metrics_port}"\n'
                      '[logging]\nlevel = "info"\nformat = "json"\naccess_log = true\n')
    return subprocess.Popen(
        [sys.executable, "-c", "from gateway.cli import main; main()", "serve", "--config", str(config), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_one_scrape_counts_the_calls_of_every_process(tmp_path) -> None:
    grpc_port, metrics_port = _free_port(), _free_port()
    process = _serve(tmp_path, grpc_port, metrics_port)
    key = ("fpgw_rpc_requests_total", (("method", "TranslationService/ListFormats"), ("reason", "OK")))
    try:
        started = json.loads(process.stdout.readline())
        assert (started["port"], started["processes"]) == (grpc_port, 2)
        for _ in range(CALLS):  # a fresh connection each time: the kernel spreads them over the processes
            with grpc.insecure_channel(started["address"], options=[("grpc.use_local_subchannel_pool", 1)]) as ch:
                stub = translation_pb2_grpc.TranslationServiceStub(ch)
                stub.ListFormats(translation_pb2.ListFormatsRequest(), timeout=30, wait_for_ready=True)
        deadline = time.monotonic() + 30
        while (counted := _scrape(metrics_port).get(key)) != CALLS and time.monotonic() < deadline:
            time.sleep(0.2)
        assert counted == CALLS
        latency = _scrape(metrics_port)
        assert latency[("fpgw_rpc_latency_seconds_count", key[1])] == CALLS
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=90)
        assert process.returncode == 0, stderr
    finally:
        if process.poll() is None:
            process.kill()
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    served_by = {line["pid"] for line in lines
                 if line["logger"] == "gateway.access" and line.get("method") == "TranslationService/ListFormats"}
    assert len(served_by) == 2  # both processes served some of the calls counted in the one scrape


def test_workers_stop_when_their_supervisor_is_killed(tmp_path) -> None:
    grpc_port, metrics_port = _free_port(), _free_port()
    process = _serve(tmp_path, grpc_port, metrics_port)
    try:
        json.loads(process.stdout.readline())
        process.kill()
        process.wait(30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", grpc_port), timeout=1):
                    pass
            except OSError:
                break
            time.sleep(0.2)
        else:
            raise AssertionError("a worker still holds the port after its supervisor died")
        with socket.socket() as probe:  # the port is free again, without SO_REUSEPORT
            probe.bind(("127.0.0.1", grpc_port))
    finally:
        if process.poll() is None:
            process.kill()
