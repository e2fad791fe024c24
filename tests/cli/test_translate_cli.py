"""``fpgw formats / validate / convert`` through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gateway.cli import main
from gateway import examples
from gateway.core.model import declaration_to_data
from gateway.core.parsing import dump_json
from tests.strategies import declarations, example


@pytest.fixture(scope="module")
def canonical_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    decl = example(declarations(units=("t",)))
    path = tmp_path_factory.mktemp("decl") / "decl.json"
    path.write_bytes(dump_json(declaration_to_data(decl)))
    return path


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def test_formats_lists_ids_and_media_types() -> None:
    result = run("formats", "--json")
    assert result.exit_code == 0
    ids = {row["id"]: row for row in json.loads(result.output)}
    assert ids["canonical-json"]["media_type"] == "application/vnd.jjj.declaration+json"


def test_validate_ok_and_detects_format(canonical_file: Path) -> None:
    result = run("validate", str(canonical_file), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["format"] == "canonical-json"


def test_validate_reports_path_and_exits_1(tmp_path: Path, canonical_file: Path) -> None:
    data = json.loads(canonical_file.read_text())
    data["declared_unit"]["unit"] = "furlong"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["validate", str(bad), "--format", "canonical-json", "--json"])
    assert result.exit_code == 1
    error = json.loads(result.stderr)["error"]
    assert error["reason"] == "INVALID_VALUE"
    assert error["path"] == "declared_unit/unit"


def test_malformed_input_exits_1_with_reason(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_bytes(b'{"id": ')
    result = run("validate", str(bad), "--format", "canonical-json")
    assert result.exit_code == 1
    assert "MALFORMED_DOCUMENT" in result.stderr


def test_unknown_target_is_a_usage_error(canonical_file: Path) -> None:
    result = run("convert", str(canonical_file), "--to", "nope")
    assert result.exit_code == 2
    assert "unknown format 'nope'" in result.output


def test_convert_stdin_to_stdout(canonical_file: Path) -> None:
    result = run("convert", "-", "--to", "canonical-json", input=canonical_file.read_bytes())
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(canonical_file.read_text())


def test_convert_batch_directory_with_reports(tmp_path: Path, canonical_file: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for n in range(3):
        (src / f"d{n}.json").write_bytes(canonical_file.read_bytes())
    (src / "broken.json").write_bytes(b"{")
    result = run("convert", str(src), "--from", "canonical-json", "--to", "canonical-json", "-o", str(tmp_path / "out"), "--report", str(tmp_path / "rep"), "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["converted"] == 3 and summary["failed"] == 1
    assert summary["failures"][0]["reason"] == "MALFORMED_DOCUMENT"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"d{n}.canonical-json.json" for n in range(3)]
    report = json.loads((tmp_path / "rep" / "d0.canonical-json.report.json").read_text())
    assert report["lossless"] is True


def test_console_script_help_and_usage_exit_code() -> None:
    ok = subprocess.run([sys.executable, "-m", "gateway.cli", "--help"], capture_output=True, text=True)
    assert ok.returncode == 0 and "convert" in ok.stdout
    usage = subprocess.run([sys.executable, "-m", "gateway.cli", "convert"], capture_output=True, text=True)
    assert usage.returncode == 2


def test_convert_sign_verifies_as_a_chain_to_the_signed_original(tmp_path: Path) -> None:
    from signing.testpki import make_test_pki

    pki = make_test_pki(tmp_path)
    files = pki.files
    example = examples.example("hebei-hot-rolled-steel-coil.json")
    original = tmp_path / "coil.json"
    original.write_bytes(example.read_bytes())
    registered = tmp_path / "coil.registered.json"
    assert run("sign", str(original), "--claim", "registered", "--key", str(files["hebei_ed25519"]),
               "--issuer", "urn:jjj:platform:hebei", "-o", str(registered)).exit_code == 0
    out = tmp_path / "coil.pact.json"
    result = run("convert", str(original), "--to", "pact-v3", "-o", str(out),
                 "--sign", str(files["gateway_ed25519"]), "--issuer", "urn:jjj:gateway:jjj")
    assert result.exit_code == 0, result.output
    root = files["root_public"].read_text().strip()
    verify = ["verify", str(out), "--attestation", f"{out}.attestation.json", "--attestation", str(registered),
              "--trust-list", str(files["trust_list"]), "--root", root, "--json"]
    checked = run(*verify)
    assert checked.exit_code == 0, checked.output
    assert "urn:jjj:platform:hebei" in checked.stdout and "cn-jjj-json" in checked.stdout
    reformatted = json.dumps(json.loads(out.read_text()), indent=4, ensure_ascii=True).encode()
    assert reformatted != out.read_bytes()
    out.write_bytes(reformatted)  # other bytes, same JSON: the JCS digest still matches
    assert run(*verify).exit_code == 0
    tampered = json.loads(out.read_text())
    tampered["productNameCompany"] = "another product"
    out.write_text(json.dumps(tampered))
    refused = run(*verify)
    assert refused.exit_code == 1
    assert "DIGEST_MISMATCH" in refused.stderr or "CHAIN_BROKEN" in refused.stderr


def test_sign_without_issuer_is_a_usage_error(canonical_file: Path) -> None:
    result = run("convert", str(canonical_file), "--to", "canonical-json", "-o", "/dev/null", "--sign", str(canonical_file))
    assert result.exit_code == 2
    assert "--issuer" in result.output


def test_parallel_batch_gives_the_same_files_as_serial(tmp_path: Path) -> None:
    example = examples.example("beijing-cement.json")
    src = tmp_path / "in"
    src.mkdir()
    for n in range(130):
        (src / f"d{n:03d}.json").write_bytes(example.read_bytes())
    (src / "zz-broken.json").write_bytes(b"{")
    outs = {}
    for jobs in ("1", "2"):
        result = run("convert", str(src), "--to", "pact-v3", "-o", str(tmp_path / jobs), "--jobs", jobs, "--json")
        assert result.exit_code == 1
        summary = json.loads(result.stdout)
        assert (summary["converted"], summary["failed"]) == (130, 1)
        outs[jobs] = {p.name: p.read_bytes() for p in (tmp_path / jobs).iterdir()}
    assert len(outs["1"]) == 130
    assert outs["1"] == outs["2"]
