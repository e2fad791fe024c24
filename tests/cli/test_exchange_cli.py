"""fpgw submit/get/list/watch/sync against a real signed gateway over mutual TLS."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from gateway.cli import main
from gateway.translate import read
from signing import RegisteredClaim, document_digest
from signing.jcs import canonicalize
from gateway._proto import exchange_pb2_grpc
from tests.server.conftest import STEEL, registered_submission, signed_channel


def _tls(pki, who: str = "hebei") -> list[str]:
    f = pki.files
    return ["--ca", str(f["ca"]), "--cert", str(f[f"{who}_cert"]), "--key", str(f[f"{who}_p256"])]


def _run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def _declaration(pki, folder: Path, n: int) -> tuple[Path, Path]:
    """Hebei's steel declaration under a new id, with Hebei's registered attestation."""
    doc = json.loads(STEEL.read_text(encoding="utf-8"))
    doc["declarationId"] = f"00000000-0000-4000-8000-{n:012d}"
    content = json.dumps(doc, ensure_ascii=False).encode()
    decl = read(content, "cn-jjj-json").declaration
    claim = RegisteredClaim("cn-jjj-json", str(decl.id), decl.version, decl.region, decl.product.sector)
    path, att = folder / f"decl-{n}.json", folder / f"decl-{n}.att.json"
    path.write_bytes(content)
    att.write_bytes(canonicalize(pki["hebei"].attest(claim, document_digest(content, "json"))))
    return path, att


@pytest.fixture
def hebei(start_gateway, store):
    _, port = start_gateway("hebei", store=store)
    return f"127.0.0.1:{port}"


def test_submit_get_list_over_mtls(hebei, signed_pki, tmp_path) -> None:
    path, att = _declaration(signed_pki, tmp_path, 1)
    first = _run("submit", path, "--attestation", att, "--address", hebei, *_tls(signed_pki), "--json")
    assert first.exit_code == 0, first.output
    receipt = json.loads(first.output)
    assert receipt["declaration_id"] == "00000000-0000-4000-8000-000000000001" and not receipt["duplicate"]
    assert receipt["digest"] == document_digest(path.read_bytes(), "json")
    again = _run("submit", path, "--attestation", att, "--address", hebei, *_tls(signed_pki))
    assert again.exit_code == 0 and again.output.startswith("already stored: 00000000-0000-4000-8000-000000000001 v1")

    out = tmp_path / "copy.json"
    got = _run("get", receipt["declaration_id"], "-o", out, "--address", hebei, *_tls(signed_pki, "tianjin"))
    assert got.exit_code == 0, got.output
    assert out.read_bytes() == path.read_bytes()
    assert "region          130000" in got.output and "attestations    1" in got.output

    listed = _run("list", "--address", hebei, *_tls(signed_pki, "beijing"))
    lines = listed.output.splitlines()
    assert lines[0].split() == ["cursor", "id", "version", "region", "sector", "format", "received", "from"]
    assert lines[1].split()[:5] == ["1", receipt["declaration_id"], "1", "130000", "steel"]
    none = _run("list", "--region", "110000", "--json", "--address", hebei, *_tls(signed_pki))
    assert json.loads(none.output) == {"records": [], "next_page_token": ""}


def test_list_pages_and_filters(hebei, signed_pki, tmp_path) -> None:
    for n in range(1, 6):
        path, att = _declaration(signed_pki, tmp_path, n)
        assert _run("submit", path, "--attestation", att, "--address", hebei, *_tls(signed_pki)).exit_code == 0
    page = json.loads(_run("list", "--page-size", "2", "--json", "--address", hebei, *_tls(signed_pki)).output)
    assert [r["declaration_id"][-1] for r in page["records"]] == ["1", "2"] and page["next_page_token"]
    second = json.loads(_run("list", "--page-size", "2", "--page-token", page["next_page_token"], "--json",
                             "--address", hebei, *_tls(signed_pki)).output)
    assert [r["declaration_id"][-1] for r in second["records"]] == ["3", "4"]
    every = json.loads(_run("list", "--page-size", "2", "--all", "--sector", "steel", "--json",
                            "--address", hebei, *_tls(signed_pki)).output)
    assert len(every["records"]) == 5 and every["next_page_token"] == ""
    text = _run("list", "--page-size", "2", "--address", hebei, *_tls(signed_pki)).output
    assert text.splitlines()[-1].startswith("more: --page-token ")


def test_watch_resumes_from_its_cursor_file(hebei, signed_pki, tmp_path) -> None:
    cursor_file = tmp_path / "watch.cursor"
    for n in (1, 2):
        path, att = _declaration(signed_pki, tmp_path, n)
        _run("submit", path, "--attestation", att, "--address", hebei, *_tls(signed_pki))
    first = _run("watch", "--cursor-file", cursor_file, "--count", "2", "--json", "--address", hebei, *_tls(signed_pki))
    assert [json.loads(line)["cursor"] for line in first.output.splitlines()] == [1, 2]
    assert cursor_file.read_text().strip() == "2"

    # A record that arrives while the watch is waiting is printed when it is stored.
    result = {}
    watcher = threading.Thread(target=lambda: result.update(r=_run(
        "watch", "--cursor-file", cursor_file, "--count", "1", "--address", hebei, *_tls(signed_pki))))
    watcher.start()
    # Submitted over gRPC, not CliRunner: two CliRunners at once swap each other's stdout.
    path, att = _declaration(signed_pki, tmp_path, 3)
    request = registered_submission(signed_pki, content=path.read_bytes(), attestations=[att.read_bytes()])
    with signed_channel(signed_pki, int(hebei.rsplit(":", 1)[1]), "hebei") as channel:
        exchange_pb2_grpc.ExchangeServiceStub(channel).Submit(request, timeout=10)
    watcher.join(30)
    line = result["r"].output.strip()
    assert line.split()[:3] == ["3", "declaration", "00000000-0000-4000-8000-000000000003"]
    assert cursor_file.read_text().strip() == "3"


def test_sync_prints_the_feed_to_a_platform(hebei, signed_pki, tmp_path) -> None:
    path, att = _declaration(signed_pki, tmp_path, 1)
    _run("submit", path, "--attestation", att, "--address", hebei, *_tls(signed_pki))
    synced = _run("sync", "--json", "--address", hebei, *_tls(signed_pki, "tianjin"))
    assert synced.exit_code == 0, synced.output
    (record,) = [json.loads(line) for line in synced.output.splitlines()]
    assert (record["kind"], record["cursor"], record["attestations"]) == ("declaration", 1, 1)


def test_sync_into_a_gateway_store_verifies_and_resumes(hebei, signed_pki, tmp_path) -> None:
    for n in (1, 2):
        path, att = _declaration(signed_pki, tmp_path, n)
        _run("submit", path, "--attestation", att, "--address", hebei, *_tls(signed_pki))
    f = signed_pki.files
    config = tmp_path / "tianjin.toml"
    config.write_text(f'''[server]
identity = "urn:jjj:platform:tianjin"
[store]
url = "{tmp_path / 'tianjin.sqlite'}"
[trust]
list = "{f['trust_list']}"
root = "{signed_pki.root_multikey}"
''', encoding="utf-8")
    args = ("sync", "--into", config, "--peer-id", "urn:jjj:platform:hebei", "--address", hebei,
            *_tls(signed_pki, "tianjin"))
    first = _run(*args)
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "urn:jjj:platform:hebei: stored 2, already held 0, refused 0; cursor now 2"
    again = json.loads(_run(*args, "--json").output)
    assert (again["stored"], again["duplicates"], again["cursor"]) == (0, 0, 2)


def test_profiles_from_the_client_config_file(hebei, signed_pki, tmp_path) -> None:
    f = signed_pki.files
    client = tmp_path / "client.toml"
    client.write_text(f'''default = "nowhere"
[profiles.hebei]
address = "{hebei}"
ca = "{f['ca']}"
cert = "{f['tianjin_cert']}"
key = "{f['tianjin_p256']}"
[profiles.nowhere]
address = "127.0.0.1:1"
''', encoding="utf-8")
    env = {"FPGW_CLIENT_CONFIG": str(client)}
    assert _run("list", "--profile", "hebei", "--json", env=env).exit_code == 0
    unknown = _run("list", "--profile", "tianjin", env=env)
    assert unknown.exit_code == 1
    assert "no profile 'tianjin'" in unknown.output and "profiles: hebei, nowhere" in unknown.output
    down = _run("list", "--timeout", "2", env=env)  # the default profile: nothing listens there
    assert down.exit_code == 1
    assert down.output.startswith("error: UNAVAILABLE: ") and "is a gateway listening at 127.0.0.1:1?" in down.output


def test_errors_are_one_line_with_reason_field_and_hint(hebei, signed_pki, tmp_path, pki) -> None:
    path, att = _declaration(signed_pki, tmp_path, 1)
    f = signed_pki.files
    # No client certificate: the mutual-TLS handshake fails; the hint names the options.
    anonymous = _run("submit", path, "--attestation", att, "--address", hebei, "--ca", f["ca"])
    assert anonymous.exit_code == 1
    (line,) = anonymous.output.splitlines()
    assert line.startswith("error: UNAVAILABLE: ") and "check --ca" in line and "--cert and --key" in line
    # A verifier's certificate: authenticated, but only platforms may submit.
    verifier = _run("submit", path, "--attestation", att, "--address", hebei, *_tls(signed_pki, "verifier"))
    (line,) = verifier.output.splitlines()
    assert line.startswith("error: PERMISSION_DENIED: urn:jjj:verifier:jjj-cert is a verifier; only platforms")
    assert line.endswith("(hint: the client certificate's entity may not make this call; check --cert or the profile)")
    # The metadata disagrees with the document: the field is named.
    wrong = _run("submit", path, "--attestation", att, "--region", "110000", "--json", "--address", hebei,
                 *_tls(signed_pki))
    error = json.loads(wrong.output)["error"]
    assert (error["reason"], error["field"], error["code"]) == ("INVALID_REQUEST", "metadata.region", "INVALID_ARGUMENT")
    text = _run("submit", path, "--attestation", att, "--region", "110000", "--address", hebei, *_tls(signed_pki))
    assert text.output.startswith("error: INVALID_REQUEST [metadata.region]: the metadata disagrees")
    # A CA that did not issue the server certificate: the handshake fails, the hint names the options.
    other_ca = tmp_path / "other-ca.pem"
    other_ca.write_bytes(pki.ca.cert_pem)
    tls = _run("list", "--address", hebei, "--ca", other_ca, "--timeout", "3")
    assert tls.exit_code == 1
    assert "check --ca" in tls.output and "--cert and --key" in tls.output and len(tls.output.splitlines()) == 1
    missing = _run("get", "nope", "--address", hebei, *_tls(signed_pki))
    assert missing.output.startswith("error: NOT_FOUND: ") and "`fpgw list`" in missing.output
    usage = _run("list", "--address", hebei, "--cert", f["hebei_cert"])
    assert usage.exit_code == 1 and "--cert and --key" in usage.output


def test_a_failed_handshake_is_one_line_on_stderr_without_grpc_core_noise(hebei, pki, tmp_path) -> None:
    import os
    import subprocess
    import sys

    other_ca = tmp_path / "other-ca.pem"
    other_ca.write_bytes(pki.ca.cert_pem)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRPC_")}
    done = subprocess.run([sys.executable, "-m", "gateway.cli", "list", "--address", hebei, "--ca", str(other_ca),
                           "--timeout", "3"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("error: UNAVAILABLE: ") and "check --ca" in line


def test_a_gateways_error_in_chinese_for_a_chinese_operator(hebei, signed_pki, tmp_path) -> None:
    path, att = _declaration(signed_pki, tmp_path, 1)
    args = ("submit", path, "--attestation", att, "--address", hebei, *_tls(signed_pki, "verifier"))
    (line,) = _run("--lang", "zh", *args).output.splitlines()
    assert line.startswith("错误: PERMISSION_DENIED（已认证的调用方无权进行该调用")
    assert "urn:jjj:verifier:jjj-cert 的角色是 verifier；只有平台可以调用" in line
    (english,) = _run(*args).output.splitlines()
    assert english.startswith("error: PERMISSION_DENIED: urn:jjj:verifier:jjj-cert is a verifier; only platforms")
