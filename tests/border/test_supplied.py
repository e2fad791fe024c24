"""Supplying what a target needs (--set, the Translate supplied map) and refusing conflicts."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from gateway.core.errors import ConfigurationError
from gateway.core.model import DeclaredUnit, Quantity
from gateway.core.parsing import load_json
from gateway.core.report import EntryKind, TranslationReport
from gateway.translate import read, translate, write
from mappings import TranslateOptions
from mappings.supply import check_path, supply

from .documents import TO_REGIONAL, USCC, footprint, raw


def test_a_pact_footprint_reaches_the_regional_format_with_supplied_region_and_uscc() -> None:
    result = translate(raw(footprint()), "cn-jjj-json", options=TranslateOptions.from_mapping({}, TO_REGIONAL))
    out = load_json(result.output)
    assert out["issuingRegionCode"] == "120000" and out["organization"]["unifiedSocialCreditCode"] == USCC
    supplied = {e.target_path: e.detail for e in result.report.entries if e.kind is EntryKind.SUPPLIED}
    assert set(supplied) == {"region", "method/boundary", "organisation/ids/1"}
    assert USCC in supplied["organisation/ids/1"]


def test_a_supplied_value_that_replaces_one_says_so() -> None:
    decl = read(raw(footprint())).declaration
    _, report = write(decl, "pact-v3", TranslateOptions.from_mapping({}, {"product/description/en": "Ethanol 96%"}))
    [entry] = [e for e in report.entries if e.kind is EntryKind.SUPPLIED]
    assert "replaces" in entry.detail and "Ethanol, 95% solution" in entry.detail


def test_supplying_leaves_the_declaration_it_was_given_as_it_was() -> None:
    decl = read(raw(footprint())).declaration
    decl = dataclasses.replace(decl, extensions={**decl.extensions, "example": {"note": "kept"}},
                               product=dataclasses.replace(decl.product, description=None))
    before = (json.dumps(decl.extensions, sort_keys=True, default=str), decl.organisation.ids)
    supplied, _ = supply(decl, {"extensions/example": {"note": "supplied"}, "organisation/ids/-": {"scheme": "uscc", "value": USCC}},
                         TranslationReport())
    assert supplied.extensions["example"] == {"note": "supplied"} and len(supplied.organisation.ids) == len(decl.organisation.ids) + 1
    assert (json.dumps(decl.extensions, sort_keys=True, default=str), decl.organisation.ids) == before


def test_a_v2_footprint_per_litre_gets_its_mass_to_reach_v3() -> None:
    doc = json.loads(translate(raw(footprint()), "pact-v2").output)
    doc["pcf"].pop("productMassPerDeclaredUnit", None)
    doc.pop("extensions", None)
    options = TranslateOptions.from_mapping({}, {"declared_unit/mass": '{"amount": "9.86", "unit": "kg"}'})
    out = load_json(translate(raw(doc), "pact-v3", options=options).output)
    assert out["pcf"]["productMassPerDeclaredUnit"] == "9.86"


@pytest.mark.parametrize(("path", "named"), [
    ("regoin", "region"), ("organisation/identifiers/-", "ids"), ("organisation/ids/x", "index"),
    ("region/code", "single value"),
])
def test_an_unknown_set_path_is_refused_with_the_known_members(path: str, named: str) -> None:
    with pytest.raises(ConfigurationError) as exc:
        check_path(path)
    assert named in exc.value.message and exc.value.path == path


def test_a_supplied_value_of_the_wrong_type_is_refused_naming_the_field() -> None:
    decl = read(raw(footprint())).declaration
    with pytest.raises(ConfigurationError) as exc:
        write(decl, "pact-v3", TranslateOptions.from_mapping({}, {"version": '"seven"'}))
    assert exc.value.path == "version"


def test_an_option_that_contradicts_the_declaration_is_refused_naming_both_values() -> None:
    decl = read(raw(footprint())).declaration
    piece = dataclasses.replace(decl, declared_unit=DeclaredUnit("piece", Decimal(1), Quantity(Decimal("11.2"), "kg")))
    with pytest.raises(ConfigurationError) as exc:
        write(piece, "pact-v2", TranslateOptions.from_mapping({"mass_per_piece_kg": "1.85"}))
    assert "1.85" in exc.value.message and "11.2" in exc.value.message and exc.value.path == "mass_per_piece_kg"
    assert write(piece, "pact-v2", TranslateOptions.from_mapping({"mass_per_piece_kg": "11.2"}))[0]
