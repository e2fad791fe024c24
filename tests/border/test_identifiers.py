"""Lenient at the border, strict in the register: a wrong identifier check digit."""

from __future__ import annotations

import json

import pytest

from gateway.core.errors import InvalidIdentifier
from gateway.core.parsing import load_json
from gateway.core.report import EntryKind
from gateway import examples
from gateway.translate import IDENTIFIER_RULE, read, read_for_register, translate, write
from mappings import TranslateOptions

from .documents import TO_REGIONAL, WRONG_GTIN, raw, with_wrong_gtin

WARN = TranslateOptions.from_mapping({"identifier_checks": "warn"})
STRICT = TranslateOptions.from_mapping({"identifier_checks": "strict"})


def _warnings(report) -> list:
    """The identifier warnings (the sample footprint also draws consistency warnings)."""
    return [e for e in report.entries if e.kind is EntryKind.WARNING and e.detail.startswith(IDENTIFIER_RULE)]


def test_a_pact_gtin_with_a_wrong_check_digit_is_a_warning_with_path_rule_and_value() -> None:
    reading = read(raw(with_wrong_gtin()))
    assert reading.declaration.product.ids[0].value == WRONG_GTIN  # kept as sent
    [warning] = _warnings(reading.report)
    assert warning.source_path == "product/ids/0/value"
    assert "check digit 3, expected 8" in warning.detail and WRONG_GTIN in warning.detail
    others = {e.kind for e in reading.report.entries} - {EntryKind.CONVERTED, EntryKind.WARNING}
    assert others == {EntryKind.DEFAULTED}  # PACT 3 has no version: only that keeps it from being lossless


def test_strict_checks_refuse_it_at_the_border_too() -> None:
    with pytest.raises(InvalidIdentifier) as exc:
        read(raw(with_wrong_gtin()), options=STRICT)
    assert exc.value.path == "product/ids/0/value"


def test_registration_is_strict_whatever_the_format() -> None:
    with pytest.raises(InvalidIdentifier):
        read_for_register(raw(with_wrong_gtin()), "pact-v3")


def test_the_warning_travels_into_the_regional_format_without_a_refusal() -> None:
    options = TranslateOptions.from_mapping({}, TO_REGIONAL)
    result = translate(raw(with_wrong_gtin()), "cn-jjj-json", options=options)
    assert load_json(result.output)["product"]["gtin"] == WRONG_GTIN
    paths = {e.source_path for e in _warnings(result.report)}
    assert paths == {"product/ids/0/value", "/product/gtin"}  # read from PACT, written to cn-jjj


def test_the_regional_format_is_strict_unless_the_caller_says_warn() -> None:
    doc = json.loads(examples.example("hebei-hot-rolled-steel-coil.json").read_bytes())
    doc["product"]["gtin"] = doc["product"]["gtin"][:-1] + str((int(doc["product"]["gtin"][-1]) + 1) % 10)
    with pytest.raises(InvalidIdentifier) as exc:
        read(raw(doc))
    assert exc.value.path == "/product/gtin"
    reading = read(raw(doc), options=WARN)
    assert [w.source_path for w in _warnings(reading.report)] == ["/product/gtin", "product/ids/0/value"]
    with pytest.raises(InvalidIdentifier):
        read_for_register(raw(doc))


def test_strict_checks_refuse_writing_what_the_regional_format_rejects() -> None:
    options = TranslateOptions.from_mapping({}, TO_REGIONAL)
    decl = read(raw(with_wrong_gtin())).declaration
    with pytest.raises(InvalidIdentifier):
        write(decl, "cn-jjj-json", TranslateOptions.from_mapping({"identifier_checks": "strict"}, TO_REGIONAL))
    assert write(decl, "cn-jjj-json", options)[0]


def test_the_regional_xml_rendering_takes_warn_as_the_json_does() -> None:
    """The XML rendering validates its tree inside the reading: warn must reach it there too."""
    gtin = json.loads(examples.example("hebei-hot-rolled-steel-coil.json").read_bytes())["product"]["gtin"]
    wrong = gtin[:-1] + str((int(gtin[-1]) + 1) % 10)
    xml = examples.example("hebei-hot-rolled-steel-coil.xml").read_bytes().replace(gtin.encode(), wrong.encode())
    with pytest.raises(InvalidIdentifier) as exc:
        read(xml)
    assert exc.value.path == "/product/gtin"
    reading = read(xml, options=WARN)
    assert reading.declaration.product.ids[0].value == wrong  # kept as sent
    warnings = _warnings(reading.report)
    assert [w.source_path for w in warnings] == ["/product/gtin", "product/ids/0/value"]
    assert f"expected {gtin[-1]}" in warnings[0].detail
    with pytest.raises(InvalidIdentifier):
        read_for_register(xml)


@pytest.mark.parametrize("target", ["cn-jjj-json", "cn-jjj-xml"])
def test_both_regional_renderings_warn_of_what_they_write_and_strict_refuses_it(target: str) -> None:
    """The XSD holds no check characters: the XML rendering runs the JSON format's checks on its tree."""
    options = TranslateOptions.from_mapping({}, TO_REGIONAL)
    result = translate(raw(with_wrong_gtin()), target, options=options)
    assert WRONG_GTIN.encode() in result.output
    assert {e.source_path for e in _warnings(result.report)} == {"product/ids/0/value", "/product/gtin"}
    decl = read(raw(with_wrong_gtin())).declaration
    with pytest.raises(InvalidIdentifier) as exc:
        write(decl, target, TranslateOptions.from_mapping({"identifier_checks": "strict"}, TO_REGIONAL))
    assert exc.value.path == "/product/gtin"
