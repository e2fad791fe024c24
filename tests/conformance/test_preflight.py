"""The runner for standards bodies: one clear line when the target cannot be reached or the
TLS handshake fails; the implementation's name and version and the run's date in every
report and in the signed claim; case descriptions in the HTML table of all cases."""

from __future__ import annotations

import json
import re
import socket
from xml.etree import ElementTree as ET

from click.testing import CliRunner

from conformance_tests.inprocess import in_process_server
from gateway.cli import main

from signing.testpki import CertificateAuthority
from .conftest import SUITE

KEYS = SUITE.root / "keys"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_target_stops_with_one_line() -> None:
    result = CliRunner().invoke(main, ["conformance", "run", "--target", f"127.0.0.1:{_free_port()}"])
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: 127.0.0.1:") and "is unreachable" in line and "check --target HOST:PORT" in line


def test_a_failed_handshake_names_ca_cert_and_key(tmp_path) -> None:
    wrong_ca = tmp_path / "other-ca.pem"
    wrong_ca.write_bytes(CertificateAuthority("Some other CA").cert_pem)
    with in_process_server(KEYS) as target:
        result = CliRunner().invoke(main, ["conformance", "run", "--target", target.address, "--ca", str(wrong_ca)])
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: the TLS handshake with {target.address} failed: check --ca {wrong_ca}")
    assert "--cert " in line and "--key " in line


def test_the_implementation_and_run_date_reach_every_report_and_the_claim(tmp_path) -> None:
    result = CliRunner().invoke(main, [
        "conformance", "run", "--in-process", "--level", "core", "--group", "validation",
        "--implementation", "acme-pcf@2.4.1", "--report-dir", str(tmp_path),
        "--sign", str(KEYS / "TEST-ONLY-accreditation-body-ed25519.pem"), "--issuer", "urn:jjj:accreditation-body:cnas"])
    assert result.exit_code == 0, result.output
    assert "PASSED level core (acme-pcf@2.4.1):" in result.stdout
    report = json.loads((tmp_path / "conformance.json").read_text("utf-8"))
    assert report["implementation"] == "acme-pcf@2.4.1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", report["run_at"])
    junit = ET.parse(tmp_path / "conformance.junit.xml").getroot()
    suite = junit.find("testsuite")
    assert suite.get("timestamp") == report["run_at"]
    properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert properties["implementation"] == "acme-pcf@2.4.1" and properties["run_at"] == report["run_at"]
    page = (tmp_path / "conformance.html").read_text("utf-8")
    assert '<td id="implementation">acme-pcf@2.4.1</td>' in page and f'<td id="run-at">{report["run_at"]}</td>' in page
    first = report["cases"][0]
    assert f'<td class="description">{first["description"]}</td>' in page.replace("&#x27;", "'")
    root = (KEYS / "TEST-ONLY-root-public.txt").read_text("ascii").strip()
    verified = CliRunner().invoke(main, ["verify", str(tmp_path / "conformance.attestation.json"), "--trust-list",
                                         str(KEYS / "TEST-ONLY-trust-list.json"), "--root", root, "--json"])
    claim = json.loads(verified.output)["claim"]
    assert (claim["implementation"], claim["target"], claim["run_at"]) == ("acme-pcf@2.4.1", "acme-pcf@2.4.1",
                                                                          report["run_at"])


def test_implementation_must_be_name_at_version() -> None:
    result = CliRunner().invoke(main, ["conformance", "run", "--in-process", "--implementation", "acme"])
    assert result.exit_code == 2 and "NAME@VERSION" in result.output


def test_the_demo_gateways_pass_the_groups_that_need_no_suite_keys(tmp_path) -> None:
    """docs/conformance.md: the suite against `fpgw demo --keep`'s Tianjin gateway."""
    from gateway.demo import DemoNetwork

    with DemoNetwork(tmp_path) as network:
        cert, key = network.client_files("hebei")
        result = CliRunner().invoke(main, [
            "conformance", "run", "--target", network.gateways["tianjin"].address, "--ca", str(network.pki.files["ca"]),
            "--cert", str(cert), "--key", str(key), "--group", "validation", "--group", "security",
            "--implementation", "fpgw-demo@0.1.0"])
    assert result.exit_code == 0, result.output
    assert re.search(r"PASSED level full \(fpgw-demo@0\.1\.0\): (\d+) passed, 0 failed, 0 skipped", result.stdout)
