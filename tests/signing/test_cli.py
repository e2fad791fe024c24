"""``fpgw keys|trust|sign|verify`` end to end through click, with real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gateway import examples
from gateway.cli import main

PACT = b'{"id": "urn:pact:1", "pcfExcludingBiogenic": 2.15437}'
REPORT = {"sourceFormat": "cn-jjj-json", "targetFormat": "pact-v3", "mappingVersion": "pact-v3@1", "lossless": False,
          "counts": {"dropped": 1}, "entries": [{"kind": "dropped", "sourcePath": "/label/grade", "targetPath": None,
                                                  "detail": "PACT has no carbon-label grade"}]}


def run(*args: str, env: dict | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def files(pki, tmp_path: Path, declaration: bytes) -> dict[str, Path]:
    d = pki.directory
    (tmp_path / "decl.json").write_bytes(declaration)
    (tmp_path / "pact.json").write_bytes(PACT)
    (tmp_path / "report.json").write_text(json.dumps(REPORT))
    return {"dir": tmp_path, "list": d / "trust-list.json", "root": d / "root-public.txt", **pki.files}


def test_keys_generate_show_export(tmp_path: Path) -> None:
    key = tmp_path / "k.pem"
    code, out, _ = run("keys", "generate", "--alg", "es256", "-o", key, "--passphrase-env", "PW", env={"PW": "s3cret"})
    assert code == 0 and out.strip().splitlines()[-1].startswith("zDna")
    assert b"ENCRYPTED" in key.read_bytes()
    code, out, _ = run("keys", "show", key, "--passphrase-env", "PW", "--json", env={"PW": "s3cret"})
    assert code == 0 and json.loads(out)["cryptosuite"] == "ecdsa-jcs-2019"
    code, out, _ = run("keys", "export", key, "--as", "jwk", "--passphrase-env", "PW", env={"PW": "s3cret"})
    assert json.loads(out)["crv"] == "P-256" and "d" not in json.loads(out)
    assert run("keys", "generate", "-o", key)[0] == 2  # never overwrite a key


def test_trust_workflow(pki, tmp_path: Path) -> None:
    draft, signed = tmp_path / "draft.json", tmp_path / "list.json"
    assert run("trust", "init", draft, "--issuer", "urn:jjj:coordination-body:jjj")[0] == 0
    code, _, err = run("trust", "add", draft, "--id", "urn:jjj:platform:hebei", "--name-zh", "河北省平台", "--name-en", "Hebei",
                       "--region", "130000", "--role", "platform", "--scope", "steel", "--key", pki["hebei"].ed25519.public_key.multikey,
                       "--valid-from", "2024-01-01T00:00:00Z")
    assert code == 0, err
    assert run("trust", "sign", draft, "--root-key", pki.files["root_key"], "-o", signed)[0] == 0
    root = pki.root_multikey
    code, out, _ = run("trust", "verify", signed, "--root", root, "--json")
    assert code == 0 and json.loads(out)["sequence"] == 1
    assert run("trust", "revoke", draft, "urn:jjj:platform:hebei#key-1", "--reason", "key-compromise")[0] == 0
    assert run("trust", "sign", draft, "--root-key", pki.files["root_key"], "-o", signed)[0] == 0
    code, out, _ = run("trust", "show", signed, "--root", root, "--json")
    key = json.loads(out)["entities"][0]["keys"][0]
    assert json.loads(out)["sequence"] == 2 and key["status"][-1]["reason"] == "key-compromise"
    code, _, err = run("trust", "verify", signed, "--root", root, "--min-sequence", "3", "--json")
    assert code == 1 and json.loads(err)["error"]["reason"] == "TRUST_LIST_ROLLBACK"
    code, _, err = run("trust", "verify", signed, "--root", pki["hebei"].ed25519.public_key.multikey)
    assert code == 1 and err.startswith("error: ") and "TRUST_LIST_INVALID" in err
    assert run("trust", "verify", signed)[0] == 2  # no root pinned: usage error


def test_sign_and_verify_chain(pki, files: dict[str, Path]) -> None:
    d = files["dir"]
    common = ["--trust-list", files["list"], "--root", pki.root_multikey]
    code, _, err = run("sign", d / "decl.json", "--claim", "registered", "--key", files["hebei_ed25519"],
                       "--issuer", "urn:jjj:platform:hebei", "--key-id", pki["hebei"].ed25519_key_id, "--format", "cn-jjj-json",
                       "--declaration-id", "6f1c", "--version", "2", "--region", "130000", "--sector", "steel", "-o", d / "reg.json")
    assert code == 0, err
    code, _, err = run("sign", d / "pact.json", "--claim", "translated", "--key", files["gateway_ed25519"],
                       "--issuer", "urn:jjj:gateway:jjj", "--format", "pact-v3", "--source", d / "decl.json",
                       "--source-format", "cn-jjj-json", "--report", d / "report.json", "-o", d / "tr.json")
    assert code == 0, err
    code, out, err = run("verify", d / "pact.json", "--attestation", d / "tr.json", "--attestation", d / "reg.json",
                         "--format", "pact-v3", *common)
    assert code == 0, err
    assert "translated from cn-jjj-json to pact-v3" in out and "PACT has no carbon-label grade" in out
    code, out, _ = run("verify", d / "pact.json", "--attestation", d / "tr.json", "--attestation", d / "reg.json", "--json", *common)
    result = json.loads(out)
    assert result["kind"] == "chain" and result["lossless"] is False and result["original"][0]["issuer"] == "urn:jjj:platform:hebei"
    # the attestation on its own
    code, out, _ = run("verify", d / "reg.json", *common)
    assert code == 0 and out.startswith("registered attestation verified")
    # a changed document breaks the chain, exit 1 with a named reason
    (d / "pact2.json").write_bytes(PACT.replace(b"2.15437", b"1.5"))
    code, _, err = run("verify", d / "pact2.json", "--attestation", d / "tr.json", "--attestation", d / "reg.json", "--json", *common)
    assert code == 1 and json.loads(err)["error"]["reason"] == "CHAIN_BROKEN"


def test_verify_signed_xml(pki, files: dict[str, Path]) -> None:
    from signing import sign_xml

    from datetime import datetime, timezone

    d = files["dir"]
    signed_at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    (d / "decl.xml").write_bytes(sign_xml(b"<a><b>1</b></a>", pki["tianjin"].p256, pki["tianjin"].cert_pem, signing_time=signed_at))
    code, out, err = run("verify", d / "decl.xml", "--trust-list", files["list"], "--root", pki.root_multikey, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["signer"] == "urn:jjj:platform:tianjin"
    assert result["signed_at"] == signed_at.isoformat()


def test_trust_sign_refuses_a_malformed_draft(pki, tmp_path: Path) -> None:
    draft = tmp_path / "draft.json"
    draft.write_text('{"sequence": 1, "sequence": 2}')
    code, _, err = run("trust", "sign", draft, "--root-key", pki.files["root_key"], "-o", tmp_path / "list.json")
    assert code == 1 and "DUPLICATE_KEY" in err
    assert not (tmp_path / "list.json").exists()


def _register(pki, files: dict[str, Path], signer: str, *extra: str) -> tuple[int, str, str]:
    d = files["dir"]
    (d / "steel.json").write_bytes(examples.example("hebei-hot-rolled-steel-coil.json").read_bytes())
    return run("sign", d / "steel.json", "--claim", "registered", "--key", files[f"{signer}_ed25519"],
               "--issuer", f"urn:jjj:platform:{signer}", "--key-id", pki[signer].ed25519_key_id, *extra,
               "-o", d / f"reg-{signer}.json")


def test_sign_reads_what_the_claim_needs_from_the_document(pki, files: dict[str, Path]) -> None:
    """Issue 16: without --region/--format a malformed claim was signed, exit 0."""
    code, _, err = _register(pki, files, "hebei", "--declaration-id", "17a5fb42-e39f-57e7-b903-f6ba0abd724e", "--version", "1")
    assert code == 0, err
    claim = json.loads((files["dir"] / "reg-hebei.json").read_text())["credentialSubject"]["claim"]
    assert (claim["region"], claim["version"], claim["format"]) == ("130000", 1, "cn-jjj-json")
    code, out, err = run("verify", files["dir"] / "steel.json", "--attestation", files["dir"] / "reg-hebei.json",
                         "--trust-list", files["list"], "--root", pki.root_multikey, "--json")
    assert code == 0, err
    assert "the registration names the document's declaration id, version and region" in json.loads(out)["checked"]


def test_a_claim_missing_a_field_is_refused_by_name() -> None:
    from gateway.core.errors import MalformedProof
    from signing import RegisteredClaim
    from signing.claims import claim_from_json

    with pytest.raises(MalformedProof) as err:
        RegisteredClaim("cn-jjj-json", "6f1c", 2, None).check_complete()  # type: ignore[arg-type]
    assert err.value.path == "/credentialSubject/claim/region"
    with pytest.raises(MalformedProof) as err:
        claim_from_json({"kind": "registered", "format": "cn-jjj-json", "declarationId": "6f1c", "version": 2})
    assert "lacks region" in err.value.message


@pytest.mark.parametrize(
    ("signer", "extra", "reason"),
    [
        ("hebei", ("--version", "3"), "CHAIN_BROKEN"),  # the claim names another version
        ("hebei", ("--declaration-id", "00000000-0000-0000-0000-000000000000"), "CHAIN_BROKEN"),
        ("beijing", ("--region", "130000"), "SIGNER_NOT_AUTHORISED"),  # Beijing registering a Hebei declaration
    ],
)
def test_verify_checks_the_registration_against_the_document_and_the_signer(pki, files, signer, extra, reason) -> None:
    """Issue 16: fpgw verify said `chain verified` for both."""
    code, _, err = _register(pki, files, signer, *extra)
    assert code == 0, err
    code, _, err = run("verify", files["dir"] / "steel.json", "--attestation", files["dir"] / f"reg-{signer}.json",
                       "--trust-list", files["list"], "--root", pki.root_multikey, "--json")
    assert code == 1 and json.loads(err)["error"]["reason"] == reason
