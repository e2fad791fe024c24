"""The trust list as a newcomer builds it: one key per entry, errors that blame the file at
fault and say how to fix the list, and chains whose breaks are named for what happened."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gateway.cli import main

ROOT = "urn:jjj:coordination-body:jjj"


def run(*args: object) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def add(draft: Path, entity: str, region: str, *extra: object) -> Result:
    return run("trust", "add", draft, "--id", entity, "--name-zh", "平台", "--name-en", "Platform", "--region", region,
               "--role", "platform", "--scope", "steel", *extra, "--json")


@pytest.fixture()
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "draft.json"
    assert run("trust", "init", path, "--issuer", ROOT).exit_code == 0
    return path


def test_trust_add_refuses_a_key_another_entity_lists(pki, draft: Path) -> None:
    key = pki.files["hebei_ed25519"]
    assert add(draft, "urn:jjj:platform:hebei", "130000", "--key", key).exit_code == 0
    before = draft.read_bytes()
    result = add(draft, "urn:jjj:platform:tianjin", "120000", "--key", key)
    assert result.exit_code == 1
    error = json.loads(result.stderr)["error"]
    assert error["reason"] == "SCHEMA_VIOLATION" and "urn:jjj:platform:hebei#key-1" in error["message"]
    assert draft.read_bytes() == before


def test_trust_sign_refuses_a_draft_listing_one_key_twice(pki, draft: Path, tmp_path: Path) -> None:
    assert add(draft, "urn:jjj:platform:hebei", "130000", "--key", pki.files["hebei_ed25519"]).exit_code == 0
    doc = json.loads(draft.read_text())
    twin = json.loads(json.dumps(doc["entities"][0]))
    twin["id"] = "urn:jjj:platform:tianjin"
    twin["keys"][0]["id"] = "urn:jjj:platform:tianjin#key-1"
    doc["entities"].append(twin)
    draft.write_text(json.dumps(doc))
    out = tmp_path / "list.json"
    result = run("trust", "sign", draft, "--root-key", pki.files["root_key"], "-o", out, "--json")
    assert result.exit_code == 1, result.output
    assert "urn:jjj:platform:tianjin#key-1" in json.loads(result.stderr)["error"]["message"]
    assert not out.exists()


def test_verify_blames_the_trust_list_not_the_document(pki, tmp_path: Path) -> None:
    doc = tmp_path / "reg.json"
    doc.write_text("{}")
    wrong_root = pki["hebei"].ed25519.public_key.multikey
    result = run("verify", doc, "--trust-list", pki.files["trust_list"], "--root", wrong_root, "--json")
    assert result.exit_code == 1
    error = json.loads(result.stderr)["error"]
    assert error["reason"] == "TRUST_LIST_INVALID" and error["file"] == str(pki.files["trust_list"])


def test_key_out_of_validity_names_the_window_and_the_fix(pki, draft: Path, tmp_path: Path) -> None:
    """The order a newcomer follows: sign first, list the key afterwards (valid from now)."""
    (tmp_path / "decl.json").write_bytes(b'{"id": "urn:pact:1"}')
    code = run("sign", tmp_path / "decl.json", "--claim", "registered", "--key", pki.files["hebei_ed25519"],
               "--issuer", "urn:jjj:platform:hebei", "--format", "pact-v3", "--declaration-id", "d", "--version", "1",
               "--region", "130000", "-o", tmp_path / "reg.json").exit_code
    assert code == 0
    assert add(draft, "urn:jjj:platform:hebei", "130000", "--key", pki.files["hebei_ed25519"],
               "--valid-from", "2099-01-01T00:00:00Z").exit_code == 0
    assert run("trust", "sign", draft, "--root-key", pki.files["root_key"], "-o", tmp_path / "tl.json").exit_code == 0
    result = run("verify", tmp_path / "reg.json", "--trust-list", tmp_path / "tl.json", "--root", pki.root_multikey)
    assert result.exit_code == 1
    assert "KEY_OUT_OF_VALIDITY" in result.stderr
    assert "valid from 2099-01-01T00:00:00Z" in result.stderr
    assert "trust add --valid-from" in result.stderr
    as_json = run("verify", tmp_path / "reg.json", "--trust-list", tmp_path / "tl.json", "--root", pki.root_multikey,
                  "--json")
    error = json.loads(as_json.stderr)["error"]
    assert error["metadata"]["valid_from"] == "2099-01-01T00:00:00Z" and "trust add --valid-from" in error["hint"]


def test_document_changed_after_signing_is_named(pki, tmp_path: Path) -> None:
    decl = tmp_path / "decl.json"
    decl.write_bytes(b'{"id": "urn:pact:1", "pcf": 1}')
    assert run("sign", decl, "--claim", "registered", "--key", pki.files["hebei_ed25519"], "--issuer",
               "urn:jjj:platform:hebei", "--key-id", pki["hebei"].ed25519_key_id, "--format", "pact-v3",
               "--declaration-id", "d", "--version", "1", "--region", "130000", "--sector", "steel",
               "-o", tmp_path / "reg.json").exit_code == 0
    decl.write_bytes(b'{"id": "urn:pact:1", "pcf": 2}')
    result = run("verify", decl, "--attestation", tmp_path / "reg.json", "--trust-list", pki.files["trust_list"],
                 "--root", pki.root_multikey, "--json")
    assert result.exit_code == 1
    error = json.loads(result.stderr)["error"]
    assert error["reason"] == "CHAIN_BROKEN"
    assert error["message"] == "no attestation covers this document's digest: changed after signing?"
    assert error["metadata"]["digest"].startswith("sha256:")


def test_conformance_report_verifies_with_its_own_attestation(pki, tmp_path: Path) -> None:
    from conformance_tests.signed import sign_report

    report = {"suite": {"version": "v1", "digest": "sha256:" + "0" * 64}, "level": "core",
              "target": "in-process", "passed": True}
    report_file = tmp_path / "conformance.json"
    report_file.write_text(json.dumps(report))
    body = pki["coordination-body"]
    vc = sign_report(report_file.read_bytes(), report, pki.files["coordination-body_ed25519"], body.id,
                     body.ed25519_key_id)
    (tmp_path / "conformance.attestation.json").write_bytes(vc)
    result = run("verify", report_file, "--attestation", tmp_path / "conformance.attestation.json",
                 "--trust-list", pki.files["trust_list"], "--root", pki.root_multikey, "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["original"][0]["claim"]["kind"] == "conformance"
