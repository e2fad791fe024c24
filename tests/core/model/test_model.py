from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given

from gateway.core.errors import InvalidIdentifier, InvalidValue, MissingRequiredValue, NumberOutOfRange, SchemaViolation
from gateway.core.model import (
    GasAmount, GwpSet, Quantity, check_declaration, declaration_from_data, declaration_to_data, recharacterise,
)
from gateway.core.model.codelists import convert_unit, gwp_sets, regions, stage_schemes
from gateway.core.model.identifiers import validate_gtin, validate_region, validate_uscc
from gateway.core.report import TranslationReport
from tests.strategies import declarations, example

# Published, real codes (company registries) and GS1 examples.
VALID_USCC = ["91110000600037341L", "91350100M000100Y43", "91440300708461136T", "914403001922038216", "91110108551385082Q"]
INVALID_USCC = ["91110000600037341M", "9111000060003734", "91110000600037341I", "911100006000373411L", "9111ZZ00600037341L"]
VALID_GTIN = ["4006381333931", "96385074", "036000291452", "10614141000415"]
INVALID_GTIN = ["4006381333932", "9638507", "03600029145", "1061414100041X"]


@pytest.mark.parametrize("code", VALID_USCC)
def test_valid_uscc(code: str) -> None:
    assert validate_uscc(code) == code


@pytest.mark.parametrize("code", INVALID_USCC)
def test_invalid_uscc_names_the_field(code: str) -> None:
    with pytest.raises(InvalidIdentifier) as exc:
        validate_uscc(code, "organisation/ids/0/value")
    assert exc.value.path == "organisation/ids/0/value"


@pytest.mark.parametrize("code", VALID_GTIN)
def test_valid_gtin(code: str) -> None:
    assert validate_gtin(code) == code


@pytest.mark.parametrize("code", INVALID_GTIN)
def test_invalid_gtin(code: str) -> None:
    with pytest.raises(InvalidIdentifier):
        validate_gtin(code)


def test_regions_cover_all_34_province_level_divisions() -> None:
    assert len(regions()) == 34
    assert validate_region("CN-HE") == "130000"
    assert regions()["120000"].zh == "天津市"
    with pytest.raises(InvalidIdentifier):
        validate_region("130100")


def test_unit_conversion_is_exact() -> None:
    assert convert_unit(Decimal("2.5"), "t", "kg") == Decimal("2500")
    assert convert_unit(Decimal("1"), "kWh", "MJ") == Decimal("3.6")
    with pytest.raises(ValueError):
        convert_unit(Decimal(1), "kg", "kWh")


def test_eu_battery_scheme_excludes_use_stage() -> None:
    scheme = stage_schemes()["eu-battery"]
    assert scheme.stage_for("use") is None
    assert scheme.stage_for("transport").code == "Distribution"


@given(declarations())
def test_canonical_data_round_trip(decl) -> None:
    check_declaration(decl)
    assert declaration_from_data(declaration_to_data(decl)) == decl


def test_unknown_field_and_wrong_type_are_refused_with_paths() -> None:
    with pytest.raises(SchemaViolation) as exc:
        declaration_from_data({"id": "not-a-uuid", "version": "1", "bogus": 1})
    paths = {v.path for v in exc.value.violations}
    assert {"/id", "/version", "/bogus", "/organisation"} <= paths


def test_reading_names_each_bad_value_in_field_order() -> None:
    data = declaration_to_data(example(declarations()))
    data["results"]["fossil"] = {"amount": 1.5, "unit": "kgCO2e"}  # a float is never a quantity
    data["created"] = "2026-01-01T00:00:00"
    data["product"]["name"] = {"zh": 7, "fr": "x"}
    data["method"]["standards"] = ["ISO 14067:2018", 3]
    with pytest.raises(SchemaViolation) as exc:
        declaration_from_data(data)
    got = [(v.path, v.message.split(",")[0]) for v in exc.value.violations]
    assert got == [
        ("/product/name/fr", "unknown field"),
        ("/product/name/zh", "str expected"),
        ("/created", "datetime expected"),
        ("/method/standards/1", "str expected"),
        ("/results/fossil/amount", "Decimal expected"),
    ]
    assert exc.value.violations[2].message.endswith("timestamp has no UTC offset")


@pytest.mark.parametrize("amount", ["1" * 35, "1E+401", Decimal("1" * 35)])
def test_a_quantity_beyond_the_number_bounds_is_refused_with_its_path(amount) -> None:
    data = declaration_to_data(example(declarations()))
    data["results"]["fossil"] = {"amount": amount, "unit": "kgCO2e"}
    with pytest.raises(NumberOutOfRange) as exc:
        declaration_from_data(data)
    assert exc.value.path == "/results/fossil/amount"


def test_an_integral_value_of_positive_exponent_is_written_out_in_full() -> None:
    decl = example(declarations())
    big = dataclasses.replace(decl, results=dataclasses.replace(decl.results, fossil=Quantity(Decimal("1E+30"), "kgCO2e")))
    data = declaration_to_data(big)
    assert data["results"]["fossil"]["amount"] == "1" + "0" * 30
    assert declaration_from_data(data) == big


@given(declarations(with_gases=True))
def test_recharacterisation_round_trips_exactly(decl) -> None:
    other = GwpSet.AR6 if decl.method.gwp_set == GwpSet.AR5 else GwpSet.AR5
    there = recharacterise(decl, other)
    back = recharacterise(there, decl.method.gwp_set)
    assert back.results.total_excluding_biogenic == decl.results.total_excluding_biogenic
    # removals of fossil CO2 have GWP 1 in every set: re-characterising leaves them alone
    assert there.results.fossil_removals == decl.results.fossil_removals


def test_recharacterisation_value_and_report() -> None:
    decl = example(declarations(with_gases=False, with_stages=True), lambda d: d.method.gwp_set == GwpSet.AR5)
    decl = dataclasses.replace(
        decl,
        gases=(GasAmount("CH4-fossil", Quantity(Decimal("2"), "kg")), GasAmount("N2O", Quantity(Decimal("0.1"), "kg"))),
        results=dataclasses.replace(decl.results, total_excluding_biogenic=Quantity(Decimal("100"), "kgCO2e")),
    )
    report = TranslationReport()
    out = recharacterise(decl, GwpSet.AR6, report)
    # 2 kg CH4 x (29.8 - 30) + 0.1 kg N2O x (273 - 265) = -0.4 + 0.8
    assert out.results.total_excluding_biogenic.amount == Decimal("100.4")
    assert out.method.gwp_set == GwpSet.AR6
    assert out.stages == ()
    kinds = [e.kind.value for e in report.entries]
    assert "recharacterised" in kinds and "dropped" in kinds and not report.lossless


def test_recharacterisation_without_inventory_refuses() -> None:
    decl = example(declarations(with_gases=False))
    other = GwpSet.AR6 if decl.method.gwp_set == GwpSet.AR5 else GwpSet.AR5
    with pytest.raises(MissingRequiredValue) as exc:
        recharacterise(decl, other)
    assert exc.value.path == "gases"


def test_semantic_checks_collect_every_violation() -> None:
    decl = example(declarations())
    bad = dataclasses.replace(
        decl,
        region="999999",
        results=dataclasses.replace(decl.results, fossil=Quantity(Decimal("-1"), "kgCO2e"), biogenic_removals=Quantity(Decimal("5"), "kgCO2e")),
    )
    with pytest.raises(InvalidValue) as exc:
        check_declaration(bad)
    paths = {v.path for v in exc.value.violations}
    assert {"region", "results/fossil", "results/biogenic_removals"} <= paths


@pytest.mark.parametrize("amount, broken", [("0", False), ("-12.5", False), ("0.001", True)])
def test_fossil_removals_are_zero_or_negative(amount: str, broken: bool) -> None:
    decl = example(declarations())
    decl = dataclasses.replace(decl, results=dataclasses.replace(decl.results, fossil_removals=Quantity(Decimal(amount), "kgCO2e")))
    if not broken:
        check_declaration(decl)
        return
    with pytest.raises(InvalidValue) as exc:
        check_declaration(decl)
    assert [v.path for v in exc.value.violations] == ["results/fossil_removals"]
    assert "zero or negative" in exc.value.violations[0].message


def test_fossil_removals_must_be_kg_co2e() -> None:
    decl = example(declarations())
    decl = dataclasses.replace(decl, results=dataclasses.replace(decl.results, fossil_removals=Quantity(Decimal("-1"), "kgC")))
    with pytest.raises(InvalidValue) as exc:
        check_declaration(decl)
    assert [v.path for v in exc.value.violations] == ["results/fossil_removals/unit"]


def test_manufacturer_address_and_contact_survive_the_data_form() -> None:
    decl = example(declarations())
    org = dataclasses.replace(decl.organisation, address="天津市滨海新区 Tianjin Binhai", contact="carbon@example.com.cn")
    data = declaration_to_data(dataclasses.replace(decl, organisation=org))
    assert data["organisation"]["address"] == "天津市滨海新区 Tianjin Binhai"
    assert data["organisation"]["contact"] == "carbon@example.com.cn"
    assert declaration_from_data(data).organisation == org


def test_gwp_sets_have_the_same_gases() -> None:
    sets = gwp_sets()
    assert set(sets["AR5"]) == set(sets["AR6"])
    assert sets["AR6"]["CH4-fossil"] == Decimal("29.8")


def test_shipped_canonical_schema_is_generated_from_the_model() -> None:
    import json
    from importlib import resources

    from gateway.core.model.schema import canonical_schema

    shipped = json.loads(resources.files("mappings.canonical").joinpath("declaration.schema.json").read_text("utf-8"))
    assert shipped == canonical_schema(), "run `python -m gateway.docgen`"


@given(declarations())
def test_canonical_schema_accepts_every_valid_declaration(decl) -> None:
    from mappings import get_format

    fmt = get_format("canonical-json")
    fmt.validate(declaration_to_data(decl))
