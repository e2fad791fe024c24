"""fpgw tls: a CA and certificates a real gateway accepts, naming the identities it expects."""

from __future__ import annotations

import json
import stat

from click.testing import CliRunner
from cryptography import x509

from gateway.cli import main
from gateway.server import TlsConfig
from gateway.server.opsconfig import PeerConfig
from gateway.server.peers import server_certificate_uris


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_made_certificates_carry_the_identity_and_work_over_mutual_tls(tmp_path, start_server) -> None:
    ca = ("--ca-cert", tmp_path / "ca.pem", "--ca-key", tmp_path / "ca.key", "--out", tmp_path)
    assert _run("tls", "ca", "--out", tmp_path).exit_code == 0
    assert _run("tls", "server", "--identity", "urn:jjj:platform:hebei", "--dns", "localhost", "--ip", "127.0.0.1",
                *ca).exit_code == 0
    assert _run("tls", "client", "--identity", "urn:jjj:platform:beijing", *ca).exit_code == 0
    assert stat.S_IMODE((tmp_path / "hebei-server.key").stat().st_mode) == 0o600
    server_cert = x509.load_pem_x509_certificate((tmp_path / "hebei-server.pem").read_bytes())
    san = server_cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.UniformResourceIdentifier) == ["urn:jjj:platform:hebei"]
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]

    _, port = start_server(tls=TlsConfig(cert=tmp_path / "hebei-server.pem", key=tmp_path / "hebei-server.key",
                                         client_ca=tmp_path / "ca.pem"))
    listed = _run("list", "--json", "--address", f"localhost:{port}", "--ca", tmp_path / "ca.pem",
                  "--cert", tmp_path / "beijing-client.pem", "--key", tmp_path / "beijing-client.key")
    assert listed.exit_code == 0 and json.loads(listed.output)["records"] == []
    peer = PeerConfig("hebei", f"localhost:{port}", "urn:jjj:platform:hebei", ca=tmp_path / "ca.pem")
    uris = server_certificate_uris(peer, str(tmp_path / "beijing-client.key"), str(tmp_path / "beijing-client.pem"))
    assert uris == ("urn:jjj:platform:hebei",)


def test_tls_refuses_to_overwrite_and_asks_for_names(tmp_path) -> None:
    assert _run("tls", "ca", "--out", tmp_path).exit_code == 0
    again = _run("tls", "ca", "--out", tmp_path)
    assert again.exit_code == 1 and "exists (use --force" in again.output
    ca = ("--ca-cert", tmp_path / "ca.pem", "--ca-key", tmp_path / "ca.key", "--out", tmp_path)
    nameless = _run("tls", "server", "--identity", "urn:jjj:platform:hebei", *ca)
    assert nameless.exit_code == 2 and "--dns" in nameless.output
    wrong = _run("tls", "client", "--identity", "hebei", *ca)
    assert wrong.exit_code == 2 and "urn:jjj:platform:hebei" in wrong.output
