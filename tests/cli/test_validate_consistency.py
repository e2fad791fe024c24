"""``fpgw validate`` on a declaration whose total disagrees with its stages and its fossil value:
an error with its path for the regional format, a warning for a document read from another."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from gateway import examples
from gateway.cli import main


def run(*args: object) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_regional_declaration_with_a_wrong_total_is_invalid(tmp_path: Path) -> None:
    doc = json.loads(examples.example("beijing-cement.json").read_text("utf-8"))
    assert sum(s["value"] for s in doc["stageResults"]) == 718.6
    doc["result"]["total"] = doc["result"]["totalIncludingBiogenic"] = 999
    bad = tmp_path / "cement.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = run("validate", bad, "--json")
    assert result.exit_code == 1, result.output
    error = json.loads(result.stderr)["error"]
    assert error["reason"] == "INVALID_VALUE" and error["path"] == "results/total_excluding_biogenic"
    assert [v["path"] for v in error["violations"]] == ["results/total_excluding_biogenic"] * 2
    assert "stages sum to 718.6" in error["violations"][0]["message"]
    plain = run("validate", bad)
    assert plain.exit_code == 1 and "INVALID_VALUE" in plain.stderr and "999" in plain.stderr


def test_foreign_document_with_a_wrong_total_is_read_with_a_warning(tmp_path: Path) -> None:
    converted = run("convert", examples.example("beijing-cement.json"), "--to", "canonical-json")
    doc = json.loads(converted.stdout)
    doc["results"]["total_excluding_biogenic"]["amount"] = "999"
    doc["results"]["total_including_biogenic"]["amount"] = "999"
    foreign = tmp_path / "cement.canonical.json"
    foreign.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = run("validate", foreign, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["valid"] is True and [w["path"] for w in out["warnings"]] == ["results/total_excluding_biogenic"] * 2
    plain = run("validate", foreign)
    assert plain.exit_code == 0 and "warning: results/total_excluding_biogenic:" in plain.stdout
    report = tmp_path / "report.json"
    assert run("convert", foreign, "--to", "pact-v3", "-o", tmp_path / "out.json", "--report", report).exit_code == 0
    kinds = [e for e in json.loads(report.read_text())["entries"] if e["kind"] == "warning"]
    assert len(kinds) == 2 and kinds[0]["sourcePath"] == "results/total_excluding_biogenic"
