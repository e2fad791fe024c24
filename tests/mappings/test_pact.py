"""pact-v2 / pact-v3: round trips, official-schema validity, per-piece rules, v3 -> v2 drops."""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway import examples
from gateway.core.errors import GatewayError, MalformedDocument, MissingRequiredValue, SchemaViolation
from gateway.core.model import (
    Boundary, Classification, DataQuality, Declaration, DeclaredUnit, GasAmount, GwpSet, Identifier, Method,
    Organisation, Period, Product, ProductRule, Quantity, Results, StageResult, Text, Verification,
    declaration_to_data,
)
from gateway.core.parsing import dump_json, load_json
from gateway.translate import read, translate, write
from mappings import TranslateOptions, detect_format, get_format
from mappings.pact import EXTENSION_SCHEMA_URL, PACT_V2, PACT_V3
from tests.anchors import require
from tests.strategies import declarations

ANCHORS = Path(__file__).resolve().parents[2] / "../shared/anchors/pact"
OFFICIAL = {"pact-v2": "openapi_v2_3.yaml", "pact-v3": "openapi_v3_0.yaml"}
# The decimal format as the official conformance tool checks it (SOURCES.md of the anchors).
_DECIMAL = re.compile(r"^[+-]?\d+(\.\d+)?$")
FORMATS = [PACT_V2, PACT_V3]


# -- the official schemas --------------------------------------------------------------------


@cache
def _openapi(format_id: str) -> dict[str, Any]:
    yaml = pytest.importorskip("yaml")
    path = require(ANCHORS / OFFICIAL[format_id])
    return yaml.safe_load(path.read_text("utf-8"))


@cache
def official_validator(format_id: str, component: str = "ProductFootprint") -> Any:
    """jsonschema validator for an OpenAPI component, $refs resolved inside the OpenAPI file."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    uri = f"urn:pact-openapi:{format_id}"
    registry = Registry().with_resource(uri, Resource(contents=_openapi(format_id), specification=DRAFT202012))
    checker = FormatChecker()
    checker.checks("decimal")(lambda value: not isinstance(value, str) or bool(_DECIMAL.match(value)))
    return Draft202012Validator({"$ref": f"{uri}#/components/schemas/{component}"}, registry=registry, format_checker=checker)


def assert_officially_valid(format_id: str, document: bytes) -> None:
    instance = json.loads(document)  # what a buyer's parser sees
    errors = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in official_validator(format_id).iter_errors(instance)]
    assert not errors, errors


# -- fixtures --------------------------------------------------------------------------------

CREATED = datetime(2025, 3, 1, tzinfo=timezone.utc)


def steel_coil(**changes: Any) -> Declaration:
    """Hot-rolled coil from Hebei, per tonne, with stages and a per-gas inventory."""
    kg = lambda v: Quantity(Decimal(v), "kgCO2e")  # noqa: E731
    decl = Declaration(
        id=uuid.UUID("3f1b6c1e-8a7d-4f2a-9b0e-1c2d3e4f5a6b"),
        version=2,
        organisation=Organisation(Text(zh="河北钢铁集团有限公司", en="Hebei Iron & Steel Group"), (Identifier("uscc", "91110000600037341L"),)),
        product=Product(
            Text(zh="热轧钢卷", en="Hot-rolled steel coil"),
            ids=(Identifier("gtin", "4006381333931"),),
            classifications=(Classification("un-cpc", "41231"), Classification("hs", "7208.38")),
            sector="steel",
        ),
        declared_unit=DeclaredUnit("t", Decimal(1)),
        created=CREATED,
        region="130000",
        method=Method(
            standards=("GB/T 24067-2024", "ISO 14067:2018"),
            product_rules=(ProductRule("钢铁产品碳足迹 热轧", operator="中国钢铁工业协会", number="T/CISA 334-2023"),),
            boundary=Boundary.CRADLE_TO_GATE,
            exempted_share=Decimal("0.8"),
            gwp_set=GwpSet.AR6,
            reference_period=Period(datetime(2024, 1, 1, tzinfo=timezone.utc), datetime(2025, 1, 1, tzinfo=timezone.utc)),
            geography="CN-HE",
        ),
        results=Results(
            total_excluding_biogenic=kg("2150.5"), total_including_biogenic=kg("2149.9"), fossil=kg("2150.5"),
            biogenic_removals=kg("-0.6"), fossil_carbon_content=Quantity(Decimal("2.1"), "kgC"),
            biogenic_carbon_content=Quantity(Decimal("0"), "kgC"),
        ),
        stages=(StageResult("raw-material-acquisition", kg("1500.2")), StageResult("production", kg("650.3"))),
        gases=(GasAmount("CO2", Quantity(Decimal("2100"), "kg")), GasAmount("CH4-fossil", Quantity(Decimal("1.7"), "kg"))),
        data_quality=DataQuality(primary_data_share=Decimal("62.5"), technological=Decimal("1.5"), temporal=Decimal("1.2"), geographical=Decimal("2")),
        verification=Verification("中国质量认证中心 CQC", level=None, standard="ISO 14064-3:2019", date=date(2025, 2, 20)),
    )
    return dataclasses.replace(decl, **changes)


def gear(**du: Any) -> Declaration:
    """A car gear wheel from Tianjin, per piece."""
    base = steel_coil()
    return dataclasses.replace(
        base,
        declared_unit=DeclaredUnit("piece", Decimal(1), **du),
        results=Results(
            total_excluding_biogenic=Quantity(Decimal("3.7"), "kgCO2e"), total_including_biogenic=Quantity(Decimal("3.7"), "kgCO2e"),
            fossil=Quantity(Decimal("3.7"), "kgCO2e"), fossil_carbon_content=Quantity(Decimal("0.01"), "kgC"),
            biogenic_carbon_content=Quantity(Decimal("0"), "kgC"),
        ),
    )


def emitted(format_id: str, decl: Declaration, **options: Any) -> tuple[dict[str, Any], Any]:
    data, report = write(decl, format_id, TranslateOptions(**options))
    assert_officially_valid(format_id, data)
    return load_json(data), report


# -- round trips -----------------------------------------------------------------------------


def _expressible(decl: Declaration) -> Declaration:
    """Narrow generated declarations to what a PACT translation needs without options:
    an exempted share (required by PACT) and a mass where PACT 3.0 requires one."""
    du = decl.declared_unit
    if du.unit in ("L", "m2", "m3") and du.mass is None:
        du = dataclasses.replace(du, mass=Quantity(Decimal("7.25"), "kg"))
    return dataclasses.replace(decl, declared_unit=du, method=dataclasses.replace(decl.method, exempted_share=Decimal("2.5")))


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.id)
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(decl=declarations().map(_expressible))
def test_canonical_to_pact_to_canonical_is_identity(fmt: Any, decl: Declaration) -> None:
    data, report = write(decl, fmt.id)
    assert_officially_valid(fmt.id, data)
    back = read(data, fmt.id).declaration
    assert declaration_to_data(back) == declaration_to_data(decl)
    kinds = {e.kind.value for e in report.entries}
    assert kinds <= {"converted", "unrepresentable", "rounded"}
    assert report.lossless == (decl.method.boundary != Boundary.CRADLE_TO_GRAVE and "rounded" not in kinds)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.id)
def test_regional_values_travel_in_our_extension(fmt: Any) -> None:
    native, report = emitted(fmt.id, steel_coil())
    (ext,) = native["extensions"]
    assert ext["dataSchema"] == EXTENSION_SCHEMA_URL
    carried = ext["data"]["canonical"]
    assert carried["region"] == "130000"
    assert carried["product"]["sector"] == "steel"
    assert [s["stage"] for s in carried["stages"]] == ["raw-material-acquisition", "production"]
    assert carried["gases"][1] == {"gas": "CH4-fossil", "mass": {"amount": "1.7", "unit": "kg"}}
    entry = next(e for e in report.entries if e.source_path == "region")
    assert entry.kind.value == "converted" and "carried in extension" in entry.detail
    assert entry.target_path == "extensions/0/data/canonical/region"
    assert read(fmt.emit(native), fmt.id).declaration == steel_coil()


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.id)
def test_fossil_removals_and_manufacturer_contact_travel_in_our_extension(fmt: Any) -> None:
    """PACT has no field for fossil removals nor the manufacturer's address and contact."""
    coil = steel_coil()
    org = dataclasses.replace(coil.organisation, address="河北省唐山市乐亭经济开发区 Laoting economic development zone, Tangshan",
                              contact="carbon@example.com.cn")
    decl = dataclasses.replace(coil, organisation=org,
                               results=dataclasses.replace(coil.results, fossil_removals=Quantity(Decimal("-1.25"), "kgCO2e")))
    native, report = emitted(fmt.id, decl)
    carried = native["extensions"][0]["data"]["canonical"]
    assert carried["results"]["fossil_removals"] == {"amount": "-1.25", "unit": "kgCO2e"}
    assert (carried["organisation"]["address"], carried["organisation"]["contact"]) == (org.address, org.contact)
    assert "-1.25" not in json.dumps(native["pcf"], default=str)
    assert report.lossless and read(fmt.emit(native), fmt.id).declaration == decl


def test_tonnes_become_kilograms_exactly() -> None:
    v2, report = emitted("pact-v2", steel_coil())
    pcf = v2["pcf"]
    assert (pcf["declaredUnit"], pcf["unitaryProductAmount"]) == ("kilogram", "1000")
    # 2.x values are per ONE kilogram
    assert (pcf["pCfExcludingBiogenic"], pcf["biogenicCarbonWithdrawal"], pcf["fossilCarbonContent"]) == ("2.1505", "-0.0006", "0.0021")
    assert any(e.source_path == "results" and "divided by 1000" in e.detail for e in report.entries)
    v3, _ = emitted("pact-v3", steel_coil())
    pcf = v3["pcf"]
    assert (pcf["declaredUnitOfMeasurement"], pcf["declaredUnitAmount"], pcf["productMassPerDeclaredUnit"]) == ("kilogram", "1000", "1000")
    assert pcf["pcfExcludingBiogenicUptake"] == "2150.5"  # 3.0 values are per the whole declared unit
    assert pcf["biogenicCO2Uptake"] == "-0.6"


def test_fields_and_renames() -> None:
    v2, _ = emitted("pact-v2", steel_coil())
    v3, _ = emitted("pact-v3", steel_coil())
    assert v2["companyIds"] == v3["companyIds"] == ["urn:jjj:uscc:91110000600037341L"]
    assert v2["productIds"] == ["urn:gtin:4006381333931"]
    assert v2["productCategoryCpc"] == "41231" and "productCategoryCpc" not in v3
    assert v3["productClassifications"] == ["urn:pact:productclassification:un-cpc:41231", "urn:pact:productclassification:hs:7208.38"]
    assert v2["companyName"] == "Hebei Iron & Steel Group"
    assert (v2["pcf"]["characterizationFactors"], v2["pcf"]["ipccCharacterizationFactorsSources"]) == ("AR6", ["AR6"])
    assert v3["pcf"]["ipccCharacterizationFactors"] == ["AR6"]
    assert v2["pcf"]["crossSectoralStandardsUsed"] == ["ISO Standard 14067"]
    assert v3["pcf"]["crossSectoralStandards"] == ["ISO14067"]
    assert v3["pcf"]["geographyCountrySubdivision"] == "CN-HE"
    assert v2["pcf"]["exemptedEmissionsPercent"] == Decimal("0.8") and v3["pcf"]["exemptedEmissionsPercent"] == "0.8"
    assert v2["pcf"]["productOrSectorSpecificRules"] == [{"operator": "Other", "ruleNames": ["钢铁产品碳足迹 热轧"], "otherOperatorName": "中国钢铁工业协会"}]
    assert v2["pcf"]["assurance"] == {"providerName": "中国质量认证中心 CQC", "standardName": "ISO 14064-3:2019", "completedAt": "2025-02-20T00:00:00Z", "assurance": True}
    assert v3["pcf"]["verification"]["completedAt"] == "2025-02-20T00:00:00Z"
    assert "dqi" not in v2["pcf"]  # 2.3 needs all six ratings; these travel in the extension
    assert v3["pcf"]["dqi"] == {"technologicalDQR": "1.5", "temporalDQR": "1.2", "geographicalDQR": "2"}
    assert v2["version"] == 2 and "version" not in v3
    assert v3["pcf"]["packagingEmissionsIncluded"] is False


def test_a_v2_cpc_code_of_the_list_but_not_its_first_comes_back_as_it_was() -> None:
    coil = steel_coil()
    classifications = (*coil.product.classifications, Classification("un-cpc", "41431"))
    v2, _ = emitted("pact-v2", dataclasses.replace(coil, product=dataclasses.replace(coil.product, classifications=classifications)))
    assert v2["productCategoryCpc"] == "41231"
    v2["productCategoryCpc"] = "41431"  # the list's second CPC code, which the writer would not name there
    reading = read(dump_json(v2), "pact-v2")
    assert reading.declaration.extensions["pact-v2"]["productCategoryCpc"] == "41431"
    again, _ = emitted("pact-v2", reading.declaration)
    assert again["productCategoryCpc"] == "41431"
    assert again["productClassifications"] == v2["productClassifications"]


def test_numbers_never_pass_through_float() -> None:
    tiny = dataclasses.replace(steel_coil(), results=dataclasses.replace(
        steel_coil().results, total_excluding_biogenic=Quantity(Decimal("0.100000000000000000000000000001"), "kgCO2e")))
    data, _ = write(tiny, "pact-v3")
    assert b'"pcfExcludingBiogenicUptake": "0.100000000000000000000000000001"' in data


# -- per piece -------------------------------------------------------------------------------


def test_per_piece_to_v2_needs_a_mass() -> None:
    with pytest.raises(MissingRequiredValue) as exc:
        write(gear(), "pact-v2")
    assert exc.value.path == "declared_unit/mass"
    assert "mass_per_piece_kg" in exc.value.message


def test_per_piece_to_v2_with_the_option_is_per_kilogram_and_lossless() -> None:
    options = TranslateOptions.from_mapping({"mass_per_piece_kg": "0.5"})
    data, report = write(gear(), "pact-v2", options)
    assert_officially_valid("pact-v2", data)
    pcf = load_json(data)["pcf"]
    assert (pcf["declaredUnit"], pcf["unitaryProductAmount"], pcf["productMassPerDeclaredUnit"]) == ("kilogram", "0.5", "1")
    assert pcf["pCfExcludingBiogenic"] == "7.4"  # 3.7 kgCO2e per 0.5 kg piece
    details = [e.detail for e in report.entries if e.kind.value == "converted"]
    assert any("1 piece written as 0.5 kg" in d and "mass_per_piece_kg" in d for d in details)
    assert report.lossless
    assert read(data, "pact-v2").declaration == gear()


def test_an_inexact_division_is_written_at_six_digits_and_reported_rounded() -> None:
    decl = gear(mass=Quantity(Decimal("0.3"), "kg"))
    native, report = emitted("pact-v2", decl)
    assert native["pcf"]["pCfExcludingBiogenic"] == "12.3333"
    rounded = [e for e in report.entries if e.kind.value == "rounded"]
    assert [(e.source_path, e.target_path) for e in rounded] == [
        ("results/total_excluding_biogenic", "pcf/pCfExcludingBiogenic"),
        ("results/total_including_biogenic", "pcf/pCfIncludingBiogenic"),
        ("results/fossil", "pcf/fossilGhgEmissions"),
        ("results/fossil_carbon_content", "pcf/fossilCarbonContent"),  # 0.01/0.3
    ]
    assert native["pcf"]["fossilCarbonContent"] == "0.0333333"
    assert native["pcf"]["biogenicCarbonContent"] == "0"  # exact: 0/0.3
    assert rounded[0].detail.startswith("exact 3.7/0.3 does not terminate; written 12.3333 (6 significant digits")
    assert not report.lossless
    assert read(PACT_V2.emit(native), "pact-v2").declaration == decl  # originals restored from the extension


def test_the_precision_option_sets_the_digits_of_an_inexact_division() -> None:
    decl = gear(mass=Quantity(Decimal("0.3"), "kg"))
    native, report = emitted("pact-v2", decl, precision=10)
    assert native["pcf"]["pCfExcludingBiogenic"] == "12.33333333"
    assert "written 12.33333333 (10 significant digits" in next(e.detail for e in report.entries if e.kind.value == "rounded")


def test_an_exact_division_is_never_rounded_however_many_digits() -> None:
    decl = gear(mass=Quantity(Decimal("0.128"), "kg"))  # 3.7 / 0.128 = 28.90625
    native, report = emitted("pact-v2", decl, precision=2)
    assert native["pcf"]["pCfExcludingBiogenic"] == "28.90625"
    assert not [e for e in report.entries if e.kind.value == "rounded"]


def test_per_piece_v3_keeps_piece_but_needs_the_mass() -> None:
    with pytest.raises(MissingRequiredValue) as exc:
        write(gear(), "pact-v3")
    assert exc.value.path == "declared_unit/mass"
    native, _ = emitted("pact-v3", gear(), mass_per_piece=Decimal("0.5"))
    assert (native["pcf"]["declaredUnitOfMeasurement"], native["pcf"]["productMassPerDeclaredUnit"]) == ("piece", "0.5")
    assert native["pcf"]["pcfExcludingBiogenicUptake"] == "3.7"


def test_energy_units_get_mass_zero_in_v3() -> None:
    decl = dataclasses.replace(steel_coil(), declared_unit=DeclaredUnit("kWh", Decimal(1)))
    native, _ = emitted("pact-v3", decl)
    assert native["pcf"]["productMassPerDeclaredUnit"] == "0"
    assert read(PACT_V3.emit(native), "pact-v3").declaration == decl


# -- PACT -> canonical -> PACT ---------------------------------------------------------------


def v3_document(**pcf_changes: Any) -> dict[str, Any]:
    pcf = {
        "declaredUnitOfMeasurement": "liter", "declaredUnitAmount": "12.5", "productMassPerDeclaredUnit": "9.86",
        "referencePeriodStart": "2025-01-01T00:00:00Z", "referencePeriodEnd": "2026-01-01T00:00:00Z",
        "geographyCountry": "DE",
        "pcfExcludingBiogenicUptake": "5.14", "pcfIncludingBiogenicUptake": "-14.22", "fossilGhgEmissions": "4.9",
        "fossilCarbonContent": "0.5", "biogenicCarbonContent": "5.28", "biogenicCO2Uptake": "-19.36", "packagingEmissionsIncluded": False,
        "ipccCharacterizationFactors": ["AR6"], "crossSectoralStandards": ["ISO14067", "PACT-3.0"],
        "exemptedEmissionsPercent": "0", "ccsTechnologicalCO2CaptureIncluded": True, "ccsTechnologicalCO2Capture": "-4.34",
        "landManagementBiogenicCO2Removals": "-1.2", "primaryDataShare": "56.12",
    }
    pcf.update(pcf_changes)
    return {
        "id": "079e425a-464f-528d-341d-4a944a1dfd70", "specVersion": "3.0.1", "created": "2025-04-30T09:00:00Z",
        "status": "Active", "companyName": "Sample Company", "companyIds": ["urn:pact:sample.com:company-id:123"],
        "productDescription": "Ethanol, 95% solution", "productIds": ["urn:pact:sample.com:product-id:44055-9c05bc35-68f8"],
        "productNameCompany": "Sample Product",
        "productClassifications": ["urn:pact:productclassification:un-cpc:34131"], "comment": "calculated with supplier data", "pcf": pcf,
        "extensions": [{"specVersion": "2.0.0", "dataSchema": "https://reg.carbon-transparency.org/shipment/1.0.0/data-model.json",
                        "data": {"shipmentId": "S1234567890"}}],
    }


def test_reading_pact_v3_maps_fields_and_keeps_the_rest() -> None:
    document = json.dumps(v3_document()).encode()
    reading = read(document)
    assert reading.format.id == "pact-v3"
    decl = reading.declaration
    assert decl.declared_unit == DeclaredUnit("L", Decimal("12.5"), Quantity(Decimal("9.86"), "kg"))
    assert decl.results.total_including_biogenic == Quantity(Decimal("-14.22"), "kgCO2e")
    assert decl.method.standards == ("ISO 14067:2018", "PACT Methodology 3.0")
    assert decl.organisation.ids == (Identifier("urn", "urn:pact:sample.com:company-id:123"),)
    kept = decl.extensions["pact-v3"]
    assert kept["comment"] == "calculated with supplier data"
    assert kept["pcf"]["ccsTechnologicalCO2Capture"] == "-4.34"
    assert kept["extensions"][0]["data"] == {"shipmentId": "S1234567890"}
    assert decl.version == 0 and any(e.kind.value == "defaulted" and e.target_path == "version" for e in reading.report.entries)
    again, _ = write(decl, "pact-v3")
    assert_officially_valid("pact-v3", again)
    assert read(again, "pact-v3").declaration == decl
    restored = load_json(again)
    assert restored["pcf"]["ccsTechnologicalCO2Capture"] == "-4.34"
    assert restored["extensions"][0]["data"] == {"shipmentId": "S1234567890"}


def test_v3_to_v2_drops_what_v2_cannot_hold_and_reports_each_field() -> None:
    result = translate(json.dumps(v3_document()).encode(), "pact-v2", source="pact-v3")
    assert_officially_valid("pact-v2", result.output)
    dropped = {e.source_path for e in result.report.entries if e.kind.value == "dropped"}
    assert dropped == {
        "extensions/pact-v3/pcf/ccsTechnologicalCO2CaptureIncluded",
        "extensions/pact-v3/pcf/ccsTechnologicalCO2Capture",
        "extensions/pact-v3/pcf/landManagementBiogenicCO2Removals",
    }
    assert not result.report.lossless
    v2 = load_json(result.output)
    assert v2["comment"] == "calculated with supplier data"  # same field in both versions
    assert v2["pcf"]["declaredUnit"] == "liter"
    assert v2["pcf"]["pCfIncludingBiogenic"] == "-1.1376"  # -14.22 per 12.5 liter, per liter in 2.x
    assert any(e.get("data") == {"shipmentId": "S1234567890"} for e in v2["extensions"])


def test_option_omit_reports_dropped_instead_of_an_extension() -> None:
    data, report = write(steel_coil(), "pact-v3", TranslateOptions(extra={"pact_extension": "omit"}))
    assert "extensions" not in load_json(data)
    dropped = {e.source_path for e in report.entries if e.kind.value == "dropped"}
    assert {"region", "product/sector", "stages", "gases"} <= dropped


def test_cradle_to_grave_is_reported() -> None:
    decl = steel_coil(method=dataclasses.replace(steel_coil().method, boundary=Boundary.CRADLE_TO_GRAVE))
    _, report = emitted("pact-v3", decl)
    assert [e.source_path for e in report.entries if e.kind.value == "unrepresentable"] == ["method/boundary"]


# -- detection and refusal -------------------------------------------------------------------


def test_detect_distinguishes_versions() -> None:
    v3 = json.dumps(v3_document()).encode()
    v2, _ = write(steel_coil(), "pact-v2")
    assert PACT_V3.detect(v3) and not PACT_V2.detect(v3)
    assert PACT_V2.detect(v2) and not PACT_V3.detect(v2)
    canonical, _ = write(steel_coil(), "canonical-json")
    assert not PACT_V2.detect(canonical) and not PACT_V3.detect(canonical)
    assert not PACT_V3.detect(b"<pcf specVersion='3.0.0'/>")
    assert detect_format(v2).id == "pact-v2" and detect_format(v3).id == "pact-v3"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"declaredUnitAmount": 12.5}, "/pcf/declaredUnitAmount"),
        ({"declaredUnitAmount": "0"}, "/pcf/declaredUnitAmount"),
        ({"biogenicCO2Uptake": "19.36"}, "/pcf/biogenicCO2Uptake"),
        ({"fossilGhgEmissions": "1e3"}, "/pcf/fossilGhgEmissions"),
        ({"declaredUnitOfMeasurement": "tonne"}, "/pcf/declaredUnitOfMeasurement"),
        ({"referencePeriodStart": "2025-01-01"}, "/pcf/referencePeriodStart"),
        ({"packagingGhgEmissions": "1.0"}, "/pcf"),
        ({"geographyRegionOrSubregion": "Eastern Asia"}, "/pcf"),
    ],
)
def test_wrong_values_are_refused_with_their_path(change: dict[str, Any], path: str) -> None:
    with pytest.raises(SchemaViolation) as exc:
        read(json.dumps(v3_document(**change)).encode(), "pact-v3")
    assert exc.value.path == path


def test_wrong_types_and_malformed_input_are_refused() -> None:
    bad = v3_document()
    bad["companyIds"] = ["not-a-urn"]
    with pytest.raises(SchemaViolation) as exc:
        read(json.dumps(bad).encode(), "pact-v3")
    assert exc.value.path == "/companyIds/0"
    with pytest.raises(SchemaViolation) as exc:
        read(b"[1, 2]", "pact-v2")
    assert exc.value.path == "/"
    with pytest.raises(MalformedDocument):
        read(b'{"specVersion": "3.0.0", "pcf": {', "pact-v3")


@pytest.mark.parametrize("rating", ["7.0", "0.5", "0", "-1"])
def test_a_v3_rating_off_the_1_to_5_scale_is_read_with_a_warning_and_dropped(rating: str) -> None:
    # Tech Specs 3.0 DataQualityIndicators: "MUST be between 1 and 5 inclusive", in the text only.
    document = v3_document(dqi={"technologicalDQR": rating, "geographicalDQR": "2.5", "temporalDQR": "1"})
    assert official_validator("pact-v3").is_valid(document)
    reading = read(json.dumps(document).encode(), "pact-v3")
    dq = reading.declaration.data_quality
    assert (dq.technological, dq.geographical, dq.temporal) == (None, Decimal("2.5"), Decimal("1"))
    named = [e for e in reading.report.entries if e.source_path == "pcf/dqi/technologicalDQR"]
    assert [(e.kind.value, e.target_path) for e in named] == [("warning", None), ("dropped", "data_quality/technological")]
    assert all(repr(rating) in e.detail for e in named) and "between 1 and 5" in named[0].detail
    assert not reading.report.lossless
    assert "dqi" not in reading.declaration.extensions.get("pact-v3", {}).get("pcf", {})  # named, not carried


def test_ratings_on_the_scale_are_read_and_the_number_bounds_still_refuse() -> None:
    reading = read(json.dumps(v3_document(dqi={"technologicalDQR": "5", "geographicalDQR": "1", "temporalDQR": "3.25"})).encode())
    assert reading.declaration.data_quality.technological == Decimal("5")
    assert not [e for e in reading.report.entries if "dqi" in (e.source_path or "")]
    huge = "1" + "0" * 401  # decimal exponent 401, past the bound of 400
    with pytest.raises(GatewayError) as exc:
        read(json.dumps(v3_document(dqi={"technologicalDQR": huge, "geographicalDQR": "1", "temporalDQR": "1"})).encode())
    assert exc.value.reason == "NUMBER_OUT_OF_RANGE" and exc.value.path == "/pcf/dqi/technologicalDQR"


def test_a_v2_rating_off_its_1_to_3_scale_is_refused_as_the_official_schema_does() -> None:
    native, _ = emitted("pact-v2", steel_coil())
    native["pcf"]["dqi"] = {"coveragePercent": Decimal(90), "technologicalDQR": Decimal(4), "temporalDQR": Decimal(2),
                            "geographicalDQR": Decimal(2), "completenessDQR": Decimal(2), "reliabilityDQR": Decimal(2)}
    assert not official_validator("pact-v2").is_valid(load_json(PACT_V2.emit(native)))
    with pytest.raises(SchemaViolation) as exc:
        read(PACT_V2.emit(native), "pact-v2")
    assert exc.value.path == "/pcf/dqi/technologicalDQR"


def test_a_field_filled_in_after_we_wrote_the_document_is_read_and_our_stale_value_dropped() -> None:
    native, _ = emitted("pact-v2", steel_coil())
    assert "dqi" not in native["pcf"]  # 2.3 needs all six ratings: ours travel in the extension
    carried = native["extensions"][0]["data"]["canonical"]["data_quality"]
    native["pcf"]["dqi"] = {"coveragePercent": Decimal(90), "technologicalDQR": Decimal(3), "temporalDQR": Decimal("1.2"),
                            "geographicalDQR": Decimal(1), "completenessDQR": Decimal(1), "reliabilityDQR": Decimal(1)}
    reading = read(PACT_V2.emit(native), "pact-v2")
    dq = reading.declaration.data_quality
    assert (dq.technological, dq.temporal, dq.geographical) == (Decimal(3), Decimal("1.2"), Decimal(1))
    stale = {e.source_path: e.target_path for e in reading.report.entries if e.kind.value == "dropped"}
    assert carried == {"technological": "1.5", "temporal": "1.2", "geographical": "2"}
    # temporal holds the same value as ours: not stale
    assert stale == {f"extensions/0/data/canonical/data_quality/{name}": f"data_quality/{name}"
                     for name in ("technological", "geographical")}
    again, _ = write(reading.declaration, "pact-v2")
    assert load_json(again)["pcf"]["dqi"]["technologicalDQR"] == Decimal(3)


def test_a_tampered_extension_is_refused_with_its_path() -> None:
    native, _ = emitted("pact-v2", steel_coil())
    native["extensions"][0]["data"]["canonical"] = "everything"
    with pytest.raises(SchemaViolation) as exc:
        read(PACT_V2.emit(native), "pact-v2")
    assert exc.value.path.startswith("/extensions/0/data/canonical")


# -- the official files' own examples --------------------------------------------------------


def _property_examples(format_id: str) -> list[tuple[str, str, Any]]:
    schemas = _openapi(format_id)["components"]["schemas"]
    out = []
    for component in ("ProductFootprint", "CarbonFootprint"):
        for name, prop in schemas[component]["properties"].items():
            for example in prop.get("examples") or ():
                out.append((component, name, example))
    return out


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.id)
def test_our_schema_accepts_what_the_official_examples_show(fmt: Any) -> None:
    """Every per-property example the official schema accepts, our schema accepts too."""
    ours = fmt.schema
    checked = 0
    for component, name, example in _property_examples(fmt.id):
        official = official_validator(fmt.id, component)
        official_ok = not any(list(e.absolute_path)[:1] == [name] for e in official.iter_errors({name: example}))
        if name == "specVersion" or not official_ok:
            continue  # version examples are 3.0.0 in both files; a few examples break their own enum
        prop = ours["properties"].get(name) if component == "ProductFootprint" else ours["$defs"]["carbonFootprint"]["properties"].get(name)
        assert prop is not None, f"{component}.{name} is missing from our schema"
        import jsonschema_rs

        validator = jsonschema_rs.validator_for({"$defs": ours["$defs"], **prop})
        assert validator.is_valid(example), (component, name, example)
        checked += 1
    assert checked >= 10


def test_a_document_of_the_v3_examples_translates() -> None:
    """The 3.0 file's examples (12.5 liter of ethanol, 5.14 / -14.22 kgCO2e) as one document."""
    examples: dict[str, Any] = {}
    for comp, name, ex in _property_examples("pact-v3"):
        if comp == "CarbonFootprint":
            examples.setdefault(name, ex)
    document = v3_document(
        declaredUnitOfMeasurement=examples["declaredUnitOfMeasurement"], declaredUnitAmount=examples["declaredUnitAmount"],
        productMassPerDeclaredUnit=examples["productMassPerDeclaredUnit"], referencePeriodStart=examples["referencePeriodStart"],
        pcfExcludingBiogenicUptake=examples["pcfExcludingBiogenicUptake"], pcfIncludingBiogenicUptake=examples["pcfIncludingBiogenicUptake"],
        ipccCharacterizationFactors=examples["ipccCharacterizationFactors"], exemptedEmissionsPercent=examples["exemptedEmissionsPercent"],
        secondaryEmissionFactorSources=examples["secondaryEmissionFactorSources"],
    )
    raw = json.dumps(document).encode()
    assert_officially_valid("pact-v3", raw)
    decl = read(raw).declaration
    assert decl.results.total_excluding_biogenic == Quantity(Decimal("5.14"), "kgCO2e")
    assert decl.method.reference_period.start == datetime(2025, 4, 30, tzinfo=timezone.utc)
    assert decl.data_quality.factor_sources[0].database == "ecoinvent"
    for target in ("pact-v2", "pact-v3"):
        output, _ = write(decl, target)
        assert_officially_valid(target, output)
    assert get_format("pact-v3").id == "pact-v3"


def multiplicity(n: int, p: int) -> int:
    count = 0
    while n % p == 0:
        n, count = n // p, count + 1
    return count


@given(st.sampled_from(["piece", "t", "kg", "MJ"]), st.decimals(min_value=Decimal("0.001"), max_value=Decimal("5000"), places=3))
def test_piece_and_unit_conversions_round_trip_through_v2(unit: str, mass: Decimal) -> None:
    decl = dataclasses.replace(gear(), declared_unit=DeclaredUnit(unit, Decimal(1)))
    data, report = write(decl, "pact-v2", TranslateOptions(mass_per_piece=mass))
    assert_officially_valid("pact-v2", data)
    pcf = load_json(data)["pcf"]
    # 3.7 and 0.01 kg per piece divided by the mass: rounded only where the quotient does not terminate
    for value, member in ((Decimal("3.7"), "pCfExcludingBiogenic"), (Decimal("0.01"), "fossilCarbonContent")):
        q = Fraction(value) / Fraction({"piece": mass, "t": Decimal(1000)}.get(unit, Decimal(1)))
        terminates = q.denominator == 2 ** multiplicity(q.denominator, 2) * 5 ** multiplicity(q.denominator, 5)
        if terminates:
            assert Fraction(Decimal(pcf[member])) == q
        else:
            assert len(Decimal(pcf[member]).normalize().as_tuple().digits) <= 6
    assert report.lossless == (not any(e.kind.value == "rounded" for e in report.entries))
    assert read(data, "pact-v2").declaration == decl


def test_each_carried_value_says_why_the_extension_carries_it() -> None:
    """A value PACT holds converted and one PACT has no field for are told apart in the report."""
    decl = steel_coil(
        declared_unit=DeclaredUnit("t", Decimal(1)),
        organisation=dataclasses.replace(steel_coil().organisation, name=Text(zh="河钢集团", en="HBIS Group")),
    )
    _, report = write(decl, "pact-v2")
    why = {e.source_path: e.detail for e in report.entries if e.target_path and "/data/canonical/" in e.target_path}
    assert why["declared_unit/unit"] == "carried in extension (original value; the PACT field holds it converted)"
    assert why["organisation/name/zh"] == "carried in extension (pact-v2 has no field for it)"
    assert "organisation/name/en" not in why


@pytest.mark.parametrize("unit", [
    {"unit": ["t"], "amount": "1"},
    {"unit": "t", "amount": ""},
    {"unit": "piece", "amount": "1", "mass": {"amount": "2", "unit": {"kg": 1}}},
    {"unit": "piece", "amount": "1", "mass": {"amount": "2", "unit": "kWh"}},
])
def test_an_ill_formed_declared_unit_in_our_extension_is_refused_by_the_model_not_by_a_crash(unit: dict) -> None:
    decl = read(examples.example("hebei-hot-rolled-steel-coil.json").read_bytes()).declaration
    doc = json.loads(write(decl, PACT_V3.id)[0])
    doc["extensions"][0]["data"]["canonical"]["declared_unit"] = unit
    doc["pcf"]["declaredUnitAmount"] = "2"  # a field edited after we wrote it: the stale check compares the units
    with pytest.raises(GatewayError):
        read(json.dumps(doc).encode(), PACT_V3.id)
