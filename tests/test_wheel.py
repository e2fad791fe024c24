"""The wheel works as users install it: in a fresh venv, run from a directory outside the
checkout, every command that reads shipped data (migrations, code lists, schemas, XSDs, the
conformance suite, the examples) works; and every file git tracks under the packages is in it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import zipfile
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gateway import examples
from tests.wheel_env import PACKAGES, ROOT, clean_env, fresh_venv, shared_wheel, tracked_files


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "wheel"
    return shared_wheel(shared)


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fresh_venv(wheel, tmp_path_factory.mktemp("installed"))


def test_every_tracked_file_of_the_packages_is_in_the_wheel(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    tracked = tracked_files(*PACKAGES)
    assert any(p.endswith(".sql") for p in tracked) and any(p.endswith(".pem") for p in tracked)
    assert sorted(set(tracked) - shipped) == []


def test_the_installed_wheel_runs_from_another_directory(installed: Path, tmp_path: Path) -> None:
    env = clean_env()
    where = subprocess.run(
        [installed / "python", "-c", "import sys, gateway, mappings, signing, conformance_tests as c, gateway.examples as e;"
         "print('\\n'.join([*(m.__file__ for m in (gateway, mappings, signing, c, e)), *sys.path]))"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert [p for p in where if p.startswith(str(ROOT))] == []
    assert all(p.startswith(str(installed.parent)) for p in where[:5])

    fpgw = str(installed / "fpgw")
    commands = {
        "demo": [fpgw, "demo"],
        "tour": [fpgw, "demo", "--tour"],
        "check": [fpgw, "conformance", "check"],
        "run": [fpgw, "conformance", "run", "--in-process", "--level", "full"],
    }
    running = {name: subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for name, argv in commands.items()}
    _serve_start_stop(fpgw, tmp_path / "serve", env)
    out = {}
    for name, process in running.items():
        out[name], _ = process.communicate(timeout=240)
        assert process.returncode == 0, f"fpgw {' '.join(commands[name][1:])}:\n{out[name]}"
    assert out["demo"].rstrip().endswith("verify back to Tianjin's register."), out["demo"]
    assert f"{len(examples.declarations())} declarations x" in out["tour"] and " (read) " not in out["tour"]
    assert re.search(r"^suite v1: \d+ cases, no problems$", out["check"], re.M), out["check"]
    passed = re.search(r"PASSED level full( \(.*\))?: (\d+) passed, 0 failed, 0 skipped of (\d+) cases", out["run"])
    assert passed and passed[2] == passed[3], out["run"]


def _serve_start_stop(fpgw: str, folder: Path, env: dict[str, str]) -> None:
    """The default configuration: a SQLite store in the working directory, migrated at start."""
    folder.mkdir()
    process = subprocess.Popen([fpgw, "serve", "--address", "127.0.0.1:0", "--json"], cwd=folder, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line, process.communicate(timeout=30)[1]
        started = json.loads(line)
        with grpc.insecure_channel(started["address"]) as channel:
            health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=30)
        assert health.status == health_pb2.HealthCheckResponse.SERVING
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
    finally:
        if process.poll() is None:
            process.kill()
    assert (folder / "gateway.sqlite").is_file()
