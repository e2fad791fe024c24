"""docs/conformance.md: `fpgw demo --keep --conformance` runs the demo's three gateways on the
suite's TEST-ONLY PKI, and the whole suite passes against its Hebei gateway."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from gateway.cli import main

from .conftest import SUITE

KEYS = SUITE.root / "keys"


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 180) -> dict:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if path.is_file() and path.read_text("utf-8").endswith("\n"):
            return json.loads(path.read_text("utf-8"))
        assert process.poll() is None, process.communicate()[0]
        time.sleep(0.2)
    raise AssertionError(f"the demo wrote no state within {seconds} s")


def test_the_suite_passes_every_group_against_the_demo_in_conformance_mode(tmp_path) -> None:
    state_file = tmp_path / "demo.json"
    env = {**os.environ, "LANG": "C", "LC_ALL": "C", "FPGW_LANG": "en"}
    demo = subprocess.Popen([sys.executable, "-m", "gateway.cli", "demo", "--keep", "--conformance", "--state", str(state_file)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path)
    try:
        state = _wait_for(state_file, demo)
        hebei = next(g for g in state["gateways"] if g["name"] == "hebei")
        assert hebei["grpc"].startswith("127.0.0.1:")
        # the demo's gateways trust the suite's material: its CA and the Hebei platform's certificate
        assert (Path(hebei["ca"]), Path(hebei["client_cert"])) == (KEYS / "TEST-ONLY-ca.pem", KEYS / "TEST-ONLY-hebei.pem")
        result = CliRunner().invoke(main, ["conformance", "run", "--target", hebei["grpc"], "--implementation",
                                           "fpgw-demo@0.1.0", "--report-dir", str(tmp_path / "out")])
    finally:
        demo.send_signal(signal.SIGTERM)
        output = demo.communicate(timeout=60)[0]
    assert result.exit_code == 0, result.output
    cases = len(SUITE.select(level="full"))
    assert re.search(rf"PASSED level full \(fpgw-demo@0\.1\.0\): {cases} passed, 0 failed, 0 skipped of {cases} cases",
                     result.stdout), result.stdout
    report = json.loads((tmp_path / "out" / "conformance.json").read_text("utf-8"))
    assert report["passed"] and report["totals"]["passed"] == cases
    assert {c["outcome"] for c in report["cases"]} == {"passed"}
    assert {c["group"] for c in report["cases"]} >= {"translation", "validation", "signing", "recognition", "exchange",
                                                      "security"}
    # the story ran on the same PKI, and the hints name the command that was just run
    assert "The conformance suite's TEST-ONLY keys, certificates and trust list (#2)" in output
    assert "chain verified: translated pact-v3 by tianjin <- registered cn-jjj-json by tianjin" in output
    assert f"  fpgw conformance run --target {hebei['grpc']} --report-dir out/" in output
    assert output.rstrip().endswith("stopping the gateways")


def test_the_tour_has_no_conformance_mode() -> None:
    result = CliRunner().invoke(main, ["demo", "--tour", "--conformance"])
    assert result.exit_code == 2 and "--conformance starts gateways" in result.output
