"""One error rule for every ``fpgw`` command: exit 2 when the command line is wrong (including
a file it names that is missing or matches nothing), exit 1 when an input is bad, ``--json``
honoured for both, and hints that name flags the command really has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gateway import examples
from gateway.cli import main

EXAMPLES = examples.folder()


def run(*args: object, input: bytes | None = None) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


MISSING_FILE_COMMANDS = [
    ["validate", "{missing}"],
    ["convert", "{missing}", "--to", "pact-v3"],
    ["keys", "show", "{missing}"],
    ["sign", "{missing}", "--claim", "registered", "--key", "{missing}", "--issuer", "urn:x"],
    ["verify", "{missing}", "--trust-list", "{missing}", "--root", "z6Mk"],
    ["trust", "verify", "{missing}", "--root", "z6Mk"],
    ["assess", "{missing}", "--policy", "cn-tj", "--trust-list", "{missing}", "--root", "z6Mk"],
]


@pytest.mark.parametrize("command", MISSING_FILE_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_missing_file_is_exit_2_with_json(command: list[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.json")
    args = [a.replace("{missing}", missing) for a in command]
    plain = run(*args)
    assert plain.exit_code == 2, plain.output
    assert "nope.json" in plain.stderr
    result = run(*args, "--json")
    assert result.exit_code == 2, result.output
    error = json.loads(result.stderr)["error"]
    assert error["reason"] == "FILE_NOT_FOUND" and error["file"] == missing


def test_a_usage_error_honours_json() -> None:
    result = run("convert", str(EXAMPLES / "hebei-hot-rolled-steel-coil.json"), "--to", "nope", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stderr)["error"]
    assert error["reason"] == "USAGE_ERROR" and "unknown format 'nope'" in error["message"]
    missing_option = run("convert", str(EXAMPLES / "hebei-hot-rolled-steel-coil.json"), "--json")
    assert missing_option.exit_code == 2
    assert "--to" in json.loads(missing_option.stderr)["error"]["message"]


@pytest.mark.parametrize("source", ["{dir}/*.json", "{dir}"])
def test_a_glob_or_directory_matching_nothing_is_an_error(source: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("convert", source.format(dir=empty), "--to", "pact-v3", "-o", tmp_path / "out", "--json")
    assert result.exit_code == 2, result.output
    error = json.loads(result.stderr)["error"]
    assert error["reason"] == "FILE_NOT_FOUND" and "matches no" in error["message"]


def test_unknown_format_hint_names_the_commands_own_flag(tmp_path: Path) -> None:
    doc = tmp_path / "odd.json"
    doc.write_text("{}")
    validate = run("validate", doc, "--json")
    assert validate.exit_code == 1
    error = json.loads(validate.stderr)["error"]
    assert error["reason"] == "UNKNOWN_FORMAT" and "--format" in error["hint"]
    assert "--from" not in validate.stderr
    convert = run("convert", doc, "--to", "pact-v3")
    assert convert.exit_code == 1 and "--from ID" in convert.stderr
    assert "format_id" not in convert.stderr


def test_missing_mass_names_the_convert_flag(tmp_path: Path) -> None:
    wheel = json.loads((EXAMPLES / "tianjin-passenger-car-aluminium-wheel.json").read_text("utf-8"))
    assert wheel["declaredUnit"]["unit"] == "piece"
    del wheel["declaredUnit"]["mass"]
    piece = tmp_path / "wheel.json"
    piece.write_text(json.dumps(wheel, ensure_ascii=False), "utf-8")
    result = run("convert", piece, "--to", "pact-v2")
    assert result.exit_code == 1
    assert "MISSING_REQUIRED_VALUE" in result.stderr and "--mass-per-piece" in result.stderr
    assert "option mass_per_piece_kg" not in result.stderr


def test_xml_read_as_json_says_it_looks_like_xml() -> None:
    result = run("validate", EXAMPLES / "hebei-hot-rolled-steel-coil.xml", "--format", "cn-jjj-json", "--json")
    assert result.exit_code == 1
    error = json.loads(result.stderr)["error"]
    assert error["reason"] == "MALFORMED_DOCUMENT" and "looks like XML" in error["hint"]
