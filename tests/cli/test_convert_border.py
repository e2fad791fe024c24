"""``fpgw convert`` with what partners send: envelopes as batches, --set, --identifier-checks."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from gateway.cli import main
from tests.border.documents import TO_REGIONAL, USCC, footprint, raw, with_wrong_gtin


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_a_several_footprint_envelope_is_a_batch_with_one_output_each(tmp_path: Path) -> None:
    source = tmp_path / "list.json"
    source.write_bytes(raw({"data": [footprint(1), footprint(2, productIds=["urn:pact:sample.com:product-id:2"])]}))
    result = run("convert", str(source), "--to", "pact-v2", "-o", str(tmp_path / "out"), "--report", str(tmp_path / "rep"),
                 "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["converted"] == 2
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["list.0.pact-v2.json", "list.1.pact-v2.json"]
    assert json.loads((tmp_path / "out" / "list.1.pact-v2.json").read_bytes())["productIds"] == ["urn:pact:sample.com:product-id:2"]
    assert len(list((tmp_path / "rep").iterdir())) == 2


def test_set_supplies_what_the_regional_format_needs(tmp_path: Path) -> None:
    source = tmp_path / "pcf.json"
    source.write_bytes(raw({"data": with_wrong_gtin()}))
    sets = [a for path, value in TO_REGIONAL.items() for a in ("--set", f"{path}={value}")]
    result = run("convert", str(source), "--to", "cn-jjj-json", "-o", str(tmp_path / "out.json"), "--json", *sets)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["counts"]["supplied"] == 3
    assert len([e for e in report["entries"] if e["kind"] == "warning" and "check digit" in e["detail"]]) == 2
    assert json.loads((tmp_path / "out.json").read_bytes())["organization"]["unifiedSocialCreditCode"] == USCC


def test_identifier_checks_strict_refuses_and_unknown_keys_are_usage_errors(tmp_path: Path) -> None:
    source = tmp_path / "pcf.json"
    source.write_bytes(raw(with_wrong_gtin()))
    strict = run("convert", str(source), "--to", "pact-v2", "--identifier-checks", "strict", "--json")
    assert strict.exit_code == 1 and "INVALID_IDENTIFIER" in strict.output
    unknown = run("convert", str(source), "--to", "pact-v2", "--option", "precission=4")
    assert unknown.exit_code == 2 and "precision" in unknown.output and "mass_per_piece_kg" in unknown.output
    bad_path = run("convert", str(source), "--to", "pact-v2", "--set", "regoin=120000", "-o", str(tmp_path / "x.json"))
    assert bad_path.exit_code != 0 and "region" in bad_path.output
