"""Key and root files as people save them: a UTF-8 BOM is read, other non-ASCII bytes are a
named error that blames the key file (never a traceback, never the document)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gateway.cli import main

BOM = b"\xef\xbb\xbf"


def run(*args: object) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture()
def key_files(pki, tmp_path: Path) -> dict[str, Path]:
    root_text = pki.files["root_public"].read_bytes()
    hebei_pem = pki.files["hebei_ed25519"].read_bytes()
    out = {
        "root_bom": BOM + root_text,
        "root_bad": root_text.strip() + "é".encode("utf-8"),
        "root_latin1": b"\xe9" + root_text,
        "pub_bom": BOM + pki["hebei"].ed25519.public_key.multikey.encode("ascii"),
        "pub_bad": "z6Mk…".encode("utf-8"),
        "pem_bad": hebei_pem.replace(b"-----BEGIN", "—BEGIN".encode("utf-8"), 1),
    }
    for name, data in out.items():
        (tmp_path / f"{name}.txt").write_bytes(data)
    (tmp_path / "decl.json").write_bytes(b'{"id": "urn:pact:1"}')
    return {name: tmp_path / f"{name}.txt" for name in out} | {"decl": tmp_path / "decl.json"}


def test_root_file_with_bom_is_read(pki, key_files: dict[str, Path]) -> None:
    result = run("trust", "verify", pki.files["trust_list"], "--root", key_files["root_bom"], "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["sequence"] == 1


def test_public_key_file_with_bom_is_read(key_files: dict[str, Path], pki) -> None:
    result = run("keys", "show", key_files["pub_bom"], "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["public_key_multibase"] == pki["hebei"].ed25519.public_key.multikey


@pytest.mark.parametrize("name", ["root_bad", "root_latin1"])
def test_non_ascii_root_blames_the_root_file(pki, key_files: dict[str, Path], name: str) -> None:
    for command in (["trust", "verify", pki.files["trust_list"]],
                    ["verify", key_files["decl"], "--trust-list", pki.files["trust_list"]]):
        result = run(*command, "--root", key_files[name], "--json")
        assert result.exit_code == 1, result.output
        error = json.loads(result.stderr)["error"]
        assert error["file"] == str(key_files[name]) and error["reason"] == "MALFORMED_PROOF"
        assert "not ASCII" in error["message"]


@pytest.mark.parametrize("name", ["pub_bad", "pem_bad"])
def test_non_ascii_key_file_blames_the_key_file(pki, key_files: dict[str, Path], name: str, tmp_path: Path) -> None:
    key = key_files[name]
    draft = tmp_path / "draft.json"
    assert run("trust", "init", draft, "--issuer", "urn:jjj:coordination-body:jjj").exit_code == 0
    commands = [
        ["keys", "show", key],
        ["sign", key_files["decl"], "--claim", "registered", "--key", key, "--issuer", "urn:jjj:platform:hebei",
         "--format", "pact-v3", "--declaration-id", "x", "--version", "1"],
        ["trust", "add", draft, "--id", "urn:jjj:platform:hebei", "--name-zh", "河北", "--name-en", "Hebei",
         "--region", "130000", "--role", "platform", "--key", key],
    ]
    for command in commands:
        result = run(*command, "--json")
        assert result.exit_code == 1, (command, result.output)
        error = json.loads(result.stderr)["error"]
        assert error["file"] == str(key), command
        assert error["reason"] == "MALFORMED_PROOF" and "not ASCII" in error["message"]
