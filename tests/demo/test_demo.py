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
