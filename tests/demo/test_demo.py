"""``fpgw demo`` end to end, as a user runs it: a subprocess from the repository root."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FPGW = [sys.executable, "-m", "gateway.cli"]


def test_demo_tells_the_three_region_story_and_exits_0() -> None:
    done = subprocess.run([*FPGW, "demo"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for line in (
        "and submitted hebei-hot-rolled-steel-coil.json: stored at cursor 1",
        "refused (PERMISSION_DENIED): PERMISSION_DENIED",
        "Tianjin synced 1 record(s) from Hebei, refused 0",
        "verified: registered by urn:jjj:platform:hebei",
        "policy cn-tj v",
        "chain verified: translated pact-v3 by tianjin <- registered cn-jjj-json by tianjin",
        "chain verified: translated eu-battery-json by tianjin <- registered cn-jjj-json by tianjin",
        "overseas-buyer got a token from https://127.0.0.1:",
        "listed 2 footprint(s)",
        "NMC811 lithium-ion EV battery pack 75 kWh, 5850.0 kg CO2e per 1 piece (Active)",
        "chain verified: translated to pact-v3 by Tianjin PCF Platform",
        "the page says: active; 三元锂离子动力电池包 NMC811 75 kWh, 5850.0 kg CO2e per 1 piece",
        "registered by Tianjin PCF Platform: valid now",
    ):
        assert line in out, f"missing {line!r} in:\n{out}"
    assert re.search(r"\((RECOGNISED|RECOGNISED_WITH_CONDITIONS) under cn-tj\)", out), out
    folder = re.search(r"are in (\S+)", out).group(1)
    assert not Path(folder).exists(), "the temporary PKI and stores are removed"


def test_demo_keep_serves_until_interrupted() -> None:
    process = subprocess.Popen([*FPGW, "demo", "--keep"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "grpc.health.v1.Health/Check" in line:
                break
        text = "".join(lines)
        assert "The gateways keep running" in text and "grpcurl -cacert" in text
        address = re.search(r"tianjin\s+(127\.0\.0\.1:\d+)\s+identity", text).group(1)
        _check_reachable(address, text)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()


def _check_reachable(address: str, text: str) -> None:
    """The printed certificate paths let a client call the kept gateway."""
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    ca = Path(re.search(r"CA: (\S+)", text).group(1))
    cert, key = re.search(r"tianjin\s+(\S+\.pem)\s+key (\S+)", text).groups()
    credentials = grpc.ssl_channel_credentials(ca.read_bytes(), Path(key).read_bytes(), Path(cert).read_bytes())
    with grpc.secure_channel(address, credentials) as channel:
        answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
    assert answer.status == health_pb2.HealthCheckResponse.SERVING


def test_demo_keep_state_describes_the_running_demo(tmp_path) -> None:
    import json

    state_file = tmp_path / "demo.json"
    process = subprocess.Popen([*FPGW, "demo", "--keep", "--state", str(state_file)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        for line in process.stdout:
            if line.startswith("state written to"):
                break
        state = json.loads(state_file.read_text(encoding="utf-8"))
        assert sorted(state) == ["gateways", "pact_client", "pids"]
        assert [g["name"] for g in state["gateways"]] == ["beijing", "tianjin", "hebei"]
        assert all(sorted(g) == ["ca", "client_cert", "client_key", "grpc", "name", "pact_base_url"]
                   for g in state["gateways"])
        assert sorted(state["pact_client"]) == ["client_id", "client_secret"] and state["pids"] == [process.pid]
        tianjin = state["gateways"][1]
        pulled = subprocess.run(
            [*FPGW, "pact", "pull", tianjin["pact_base_url"], "--client-id", state["pact_client"]["client_id"],
             "--client-secret-env", "DEMO_PACT_SECRET", "--ca", tianjin["ca"], "-o", str(tmp_path / "pulled"),
             "--json"], cwd=ROOT, capture_output=True, text=True, timeout=60,
            env={**os.environ, "DEMO_PACT_SECRET": state["pact_client"]["client_secret"]})
        assert pulled.returncode == 0, pulled.stderr
        footprints = json.loads(pulled.stdout)["footprints"]
        assert len(footprints) == 2 and all(f["canonical"] and f["attestations"] >= 2 for f in footprints)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
