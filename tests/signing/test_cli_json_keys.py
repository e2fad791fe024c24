"""One key style for every ``fpgw ... --json`` summary: snake_case, as ``assess --json`` has it
(verify, keys, trust and formats used camelCase)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from gateway.cli import main

SNAKE = re.compile(r"\A[a-z][a-z0-9_]*\Z")


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


def json_of(*args: object) -> Any:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_summary_is_snake_case(pki, tmp_path: Path) -> None:
    common = ["--trust-list", pki.files["trust_list"], "--root", pki.root_multikey, "--json"]
    decl = tmp_path / "decl.json"
    decl.write_bytes(b'{"id": "urn:pact:1"}')
    reg = tmp_path / "reg.json"
    assert CliRunner().invoke(main, [str(a) for a in (
        "sign", decl, "--claim", "registered", "--key", pki.files["hebei_ed25519"], "--issuer", "urn:jjj:platform:hebei",
        "--key-id", pki["hebei"].ed25519_key_id, "--format", "pact-v3", "--declaration-id", "d", "--version", "1",
        "--region", "130000", "-o", reg)]).exit_code == 0
    outputs = {
        "keys show": json_of("keys", "show", pki.files["hebei_ed25519"], "--json"),
        "verify attestation": json_of("verify", reg, *common),
        "verify chain": json_of("verify", decl, "--attestation", reg, *common),
        "trust show": json_of("trust", "show", pki.files["trust_list"], "--root", pki.root_multikey, "--json"),
        "trust verify": json_of("trust", "verify", pki.files["trust_list"], "--root", pki.root_multikey, "--json"),
        "formats": json_of("formats", "--json"),
    }
    odd = {name: sorted(k for k in keys_of(out) if not SNAKE.match(k)) for name, out in outputs.items()}
    assert not any(odd.values()), odd
    assert outputs["verify attestation"]["signed_at"] and outputs["keys show"]["public_key_multibase"].startswith("z6Mk")
    assert outputs["verify chain"]["original"][0]["claim"]["declaration_id"] == "d"
