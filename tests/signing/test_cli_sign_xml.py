"""``fpgw sign --xml``: an enveloped XAdES-B-B signature on an XML declaration (P-256 key and
its certificate chain), checked by an independent XMLDSig implementation (xmlsec1) and by
``fpgw verify``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gateway import examples
from gateway.cli import main

XADES_NS = "http://uri.etsi.org/01903/v1.3.2#"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"


def run(*args: object) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def xmlsec1_verify(path: Path, ca: Path) -> subprocess.CompletedProcess:
    tool = shutil.which("xmlsec1")
    if tool is None:
        message = "xmlsec1 is not installed (Debian package xmlsec1; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # The XAdES references point at Id attributes no DTD declares: name them for xmlsec1.
    return subprocess.run(
        [tool, "--verify", "--trusted-pem", str(ca), "--id-attr:Id", f"{XADES_NS}:SignedProperties",
         "--id-attr:Id", f"{DS_NS}:KeyInfo", str(path)],
        capture_output=True, text=True, check=False,
    )


@pytest.fixture()
def signed(pki, tmp_path: Path) -> Path:
    source = examples.example("hebei-hot-rolled-steel-coil.xml")
    out = tmp_path / "coil.signed.xml"
    result = run("sign", source, "--xml", "--key", pki.files["hebei_p256"], "--cert", pki.files["hebei_cert"],
                 "-o", out)
    assert result.exit_code == 0, result.output
    return out


def test_xmlsec1_verifies_the_signature(pki, signed: Path) -> None:
    done = xmlsec1_verify(signed, pki.files["ca"])
    assert done.returncode == 0, done.stderr
    assert "SignedInfo References (ok/all): 3/3" in done.stderr


def test_xmlsec1_refuses_a_changed_document(pki, signed: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed.xml"
    text = signed.read_text("utf-8")
    assert "<version>1</version>" in text
    changed.write_text(text.replace("<version>1</version>", "<version>2</version>"), "utf-8")
    assert xmlsec1_verify(changed, pki.files["ca"]).returncode != 0


def test_fpgw_verify_names_the_signer_and_the_time(pki, signed: Path) -> None:
    result = run("verify", signed, "--trust-list", pki.files["trust_list"], "--root", pki.root_multikey, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["kind"] == "xml-signature" and out["signer"] == "urn:jjj:platform:hebei"
    assert out["signed_at"] is not None


def test_a_certificate_of_another_key_is_refused_against_the_certificate(pki, tmp_path: Path) -> None:
    result = run("sign", examples.example("hebei-hot-rolled-steel-coil.xml"), "--xml", "--key", pki.files["hebei_p256"],
                 "--cert", pki.files["tianjin_cert"], "-o", tmp_path / "x.xml", "--json")
    assert result.exit_code == 1
    error = json.loads(result.stderr)["error"]
    assert error["file"] == str(pki.files["tianjin_cert"]) and "not the --key's" in error["message"]


def test_an_ed25519_key_is_refused_against_the_key(pki, tmp_path: Path) -> None:
    result = run("sign", examples.example("hebei-hot-rolled-steel-coil.xml"), "--xml", "--key",
                 pki.files["hebei_ed25519"], "--cert", pki.files["hebei_cert"], "-o", tmp_path / "x.xml", "--json")
    assert result.exit_code == 1
    error = json.loads(result.stderr)["error"]
    assert error["reason"] == "UNSUPPORTED_ALGORITHM" and error["file"] == str(pki.files["hebei_ed25519"])
    assert not (tmp_path / "x.xml").exists()


def test_xml_needs_an_xml_document_and_a_certificate(pki, tmp_path: Path) -> None:
    json_doc = examples.example("hebei-hot-rolled-steel-coil.json")
    no_xml = run("sign", json_doc, "--xml", "--key", pki.files["hebei_p256"], "--cert", pki.files["hebei_cert"],
                 "-o", tmp_path / "x.xml", "--json")
    assert no_xml.exit_code == 2 and "XML document" in json.loads(no_xml.stderr)["error"]["message"]
    no_cert = run("sign", examples.example("hebei-hot-rolled-steel-coil.xml"), "--xml", "--key",
                  pki.files["hebei_p256"], "-o", tmp_path / "x.xml")
    assert no_cert.exit_code == 2 and "--cert" in no_cert.stderr


def test_a_signed_document_validates_and_converts_naming_the_signature_it_cannot_carry(pki, signed: Path,
                                                                                        tmp_path: Path) -> None:
    validated = run("validate", signed)
    assert validated.exit_code == 0, validated.output
    assert "valid cn-jjj-xml" in validated.output
    out = tmp_path / "coil.json"
    converted = run("convert", signed, "--to", "cn-jjj-json", "-o", out, "--json")
    assert converted.exit_code == 0, converted.output
    report = json.loads(converted.output)
    assert report["lossless"] is False
    assert [(e["kind"], e["sourcePath"]) for e in report["entries"]] == [("dropped", "/Signature")]
    unsigned = run("convert", examples.example("hebei-hot-rolled-steel-coil.xml"), "--to", "cn-jjj-json",
                   "-o", tmp_path / "unsigned.json")
    assert unsigned.exit_code == 0, unsigned.output
    assert out.read_bytes() == (tmp_path / "unsigned.json").read_bytes()
    # Reading the document set its signature aside only for the while: it still verifies.
    assert xmlsec1_verify(signed, pki.files["ca"]).returncode == 0
