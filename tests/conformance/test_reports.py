"""Reports of a real run: JUnit and JSON agree, the signed result verifies, and the HTML
page renders in headless Chromium with the JSON's numbers."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from gateway.cli import main

from .conftest import SUITE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
KEYS = SUITE.root / "keys"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    result = CliRunner().invoke(main, [
        "conformance", "run", "--in-process", "--level", "signing", "--group", "signing", "--group", "validation",
        "--report-dir", str(folder), "--sign", str(KEYS / "TEST-ONLY-accreditation-body-ed25519.pem"),
        "--issuer", "urn:jjj:accreditation-body:cnas"])
    assert result.exit_code == 0, result.output
    return folder


def test_json_and_junit_agree(run_dir) -> None:
    report = json.loads((run_dir / "conformance.json").read_text("utf-8"))
    assert report["suite"] == {"version": "v1", "digest": SUITE.digest}
    assert report["level"] == "signing" and report["passed"] is True
    junit = ET.parse(run_dir / "conformance.junit.xml").getroot()
    assert int(junit.get("tests")) == report["totals"]["cases"] == len(report["cases"])
    assert int(junit.get("failures")) == report["totals"]["failed"] == 0


def test_signed_result_verifies(run_dir) -> None:
    root = (KEYS / "TEST-ONLY-root-public.txt").read_text("ascii").strip()
    result = CliRunner().invoke(main, ["verify", str(run_dir / "conformance.attestation.json"), "--trust-list",
                                       str(KEYS / "TEST-ONLY-trust-list.json"), "--root", root, "--json"])
    assert result.exit_code == 0, result.output
    claim = json.loads(result.output)["claim"]
    from signing import document_digest

    assert claim["kind"] == "conformance" and claim["level"] == "signing" and claim["passed"] is True
    assert claim["report_digest"] == document_digest((run_dir / "conformance.json").read_bytes(), "json")


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="headless Chromium is not installed (apt-get install -y chromium)")
def test_html_renders_with_the_json_numbers(run_dir, tmp_path) -> None:
    report = json.loads((run_dir / "conformance.json").read_text("utf-8"))
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path}",
         "--dump-dom", (run_dir / "conformance.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=True).stdout
    for name in ("cases", "passed", "failed", "skipped"):
        cell = re.search(rf'id="total-{name}">(\d+)<', dom)
        assert cell and int(cell.group(1)) == report["totals"][name], name
    for group, counts in report["groups"].items():
        row = re.search(rf'<tr data-group="{group}">(.*?)</tr>', dom).group(1)
        assert [int(n) for n in re.findall(r'data-outcome="\w+">(\d+)<', row)] == [counts[o] for o in ("passed", "failed", "skipped")]
    assert "<svg" in dom and "一致性测试报告 / Conformance report" in dom
