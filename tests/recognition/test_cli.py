"""``fpgw assess``, ``fpgw policy`` and ``fpgw recognition matrix`` on real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gateway import examples
from gateway.cli import main
from gateway.recognition import verify_decision
from conformance_tests.materialise import Materialiser
from signing import load_trust_list
from signing.testpki import make_test_pki

AT = "2026-06-01T00:00:00Z"
STEEL = "examples/hebei-hot-rolled-steel-coil.json"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("recognition-cli")
    pki = make_test_pki(d / "pki")
    made = Materialiser.in_process(pki)
    atts = d / "atts"
    atts.mkdir()
    for name in ("hebei-hot-rolled-steel-coil.json", "tianjin-ev-battery-pack-nmc.json"):
        shutil.copy(examples.example(name), d / name)
        documents = {"declaration": {"file": f"examples/{name}"}}
        decl, _digest = made.declaration(documents["declaration"])
        region = {"130000": "urn:jjj:platform:hebei", "120000": "urn:jjj:platform:tianjin"}[decl.region]
        specs = [{"made": {"kind": "registered", "issuer": region, "signed": "2025-08-01T00:00:00Z"}},
                 {"made": {"kind": "verified", "issuer": "urn:jjj:verifier:jjj-cert", "signed": "2025-08-01T00:00:00Z"}}]
        for i, vc in enumerate(made.attestations(specs, documents)):
            (atts / f"{Path(name).stem}.{i}.json").write_text(json.dumps(vc), "utf-8")
    return {"dir": d, "pki": pki, "tl": str(pki.files["trust_list"]), "root": str(pki.files["root_public"]), "atts": str(atts)}


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _trust(files) -> list[str]:
    return ["--trust-list", files["tl"], "--root-key", files["root"], "--at", AT]


def test_assess_prints_every_criterion(files) -> None:
    result = run("assess", str(files["dir"] / "hebei-hot-rolled-steel-coil.json"), "--policy", "cn-tj", "--attestation", files["atts"], *_trust(files))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("RECOGNISED_WITH_CONDITIONS under cn-tj 1.0")
    assert "~ CONDITIONAL    factors" in result.output and "✓ PASS           registration" in result.output
    assert "附条件认可" in result.output


def test_assess_json_is_the_canonical_decision(files) -> None:
    args = ["assess", str(files["dir"] / "hebei-hot-rolled-steel-coil.json"), "--policy", "cn-bj", "--attestation", files["atts"], *_trust(files), "--json"]
    first, second = run(*args), run(*args)
    assert first.exit_code == 0 and first.output == second.output
    data = json.loads(first.output)
    assert data["decision"] == "NOT_RECOGNISED" and data["failing"] == ["factors"]
    assert data["trust_list"]["sequence"] == 1


def test_assess_signs_and_the_decision_verifies(files) -> None:
    out = files["dir"] / "decision.vc.json"
    pki = files["pki"]
    result = run("assess", str(files["dir"] / "tianjin-ev-battery-pack-nmc.json"), "--policy", "cn-he", "--attestation", files["atts"], *_trust(files),
                 "--sign", "--key", str(pki.files["hebei_ed25519"]), "--issuer", "urn:jjj:platform:hebei", "-o", str(out))
    assert result.exit_code == 0, result.output
    trust_list = load_trust_list(Path(files["tl"]).read_bytes(), pki.root_key.public_key)
    verified = verify_decision(json.loads(out.read_text("utf-8")), trust_list)
    assert verified.decision["decision"] == "RECOGNISED"
    assert verified.attestation.claim.receiving_region == "130000"


def test_assess_refuses_a_key_of_another_entity(files) -> None:
    pki = files["pki"]
    result = run("assess", str(files["dir"] / "tianjin-ev-battery-pack-nmc.json"), "--policy", "cn-he", *_trust(files),
                 "--sign", "--key", str(pki.files["tianjin_ed25519"]), "--issuer", "urn:jjj:platform:hebei")
    assert result.exit_code == 1 and "INVALID_REQUEST" in result.output


def test_assess_reports_a_missing_attestation_file(files) -> None:
    result = run("assess", str(files["dir"] / "hebei-hot-rolled-steel-coil.json"), "--policy", "cn-tj",
                 "--attestation", str(files["dir"] / "absent.json"), *_trust(files))
    # a file the command line names and that is missing is a usage error, as for every command
    assert result.exit_code == 2 and "FILE_NOT_FOUND" in result.output and "absent.json" in result.output


def test_assess_needs_a_pinned_root(files) -> None:
    other = make_test_pki()
    result = run("assess", STEEL, "--policy", "cn-tj", "--trust-list", files["tl"], "--root-key", other.root_multikey)
    assert result.exit_code == 1 and "TRUST_LIST_INVALID" in result.output


def test_policy_list_show_validate(files, tmp_path) -> None:
    listed = json.loads(run("policy", "list", "--json").output)
    assert [p["id"] for p in listed] == ["cn-bj", "cn-he", "cn-tj", "eu-battery-cfp"]
    assert "| `verification` |" in run("policy", "show", "cn-tj").output
    assert run("policy", "validate", *map(str, sorted((ROOT / "mappings/recognition/policies").glob("*.toml")))).exit_code == 0
    bad = tmp_path / "bad.toml"
    bad.write_text((ROOT / "mappings/recognition/policies/cn-tj.toml").read_text("utf-8").replace('max_dqr = "3"', 'max_dqr = 3'), "utf-8")
    result = run("policy", "validate", str(bad), "--json")
    assert result.exit_code == 1
    assert json.loads(result.output)[0]["path"] == "/criterion/6/params/max_dqr"


def test_matrix_over_the_examples(files) -> None:
    result = run("recognition", "matrix", str(examples.folder()), "--policies", "cn-bj,cn-he,cn-tj", "--policies", "eu-battery-cfp",
                 "--attestation", files["atts"], *_trust(files))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["declaration", "region", "sector"]
    row = next(line for line in lines if line.startswith("tianjin-ev-battery-pack-nmc.json "))
    assert row.split()[3:] == ["✗", "not", "✓", "recognised", "✗", "not", "✗", "not"]
    assert "  tianjin-ev-battery-pack-nmc.json × cn-tj: failing: verification" in lines
    data = json.loads(run("recognition", "matrix", str(examples.folder()), "--attestation", files["atts"], *_trust(files), "--json").output)
    assert len(data) == len(examples.declarations())
    assert all(set(r["decisions"]) == {"cn-bj", "cn-he", "cn-tj", "eu-battery-cfp"} for r in data)
