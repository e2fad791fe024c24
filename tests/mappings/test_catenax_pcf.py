"""catenax-pcf-v8 / catenax-pcf-v9: the official io.catenax.pcf schemas, round trips through the
canonical model, the Catena-X rules (BPNL, M49 region, required members) and detection."""

from __future__ import annotations

import copy
import dataclasses
import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway import examples
from gateway.core.errors import MissingRequiredValue, Unrepresentable
from gateway.core.model import Boundary, Declaration, Identifier, Quantity, declaration_from_data, declaration_to_data
from gateway.core.parsing import dump_json, load_json
from gateway.core.report import TranslationReport
from gateway.translate import read, translate, write
from mappings import TranslateOptions, detect_format
from mappings.catenax import PCF_V8, PCF_V9, pcf_mapping, pcf_nesting
from tests.anchors import require
from tests.strategies import decimals, declarations

ROOT = Path(__file__).resolve().parents[2]
ANCHORS = ROOT / "../shared/anchors/catenax/pcf"
PARTNERS = examples.folder() / "partners"
V8_EXAMPLE = PARTNERS / "catenax-pcf-v8-brake-disc.json"
V9_EXAMPLE = PARTNERS / "catenax-pcf-v9-cathode-material.json"
VERSIONS = {"catenax-pcf-v8": "8.0.0", "catenax-pcf-v9": "9.0.0"}
FORMATS = [PCF_V8, PCF_V9]
BPNL = Identifier("bpnl", "BPNL00000003AYRE")
# Members without a canonical field, as a Catena-X partner states them (supplied through the
# namespace the reader keeps them in).
CATENAX_MEMBERS = {
    "pcf": {
        "allocationWasteIncineration": "polluter pays principle", "packagingEmissionsIncluded": True,
        "massBalancingUsed": False, "distributionStageIncluded": False,
        "freeAttributionInMassBalancing": "not applicable", "massBalancingCertificateScheme": "none",
    },
    "retroOrProspectivePcfType": "Retrospective PCF, Prospective PCF without forerunner",
    "ccsTechnologicalCO2CaptureIncluded": False,
}


@cache
def official_validator(format_id: str) -> jsonschema.Draft4Validator:
    path = ANCHORS / VERSIONS[format_id] / "Pcf-schema.json"
    require(path)
    return jsonschema.Draft4Validator(json.loads(path.read_text("utf-8")))


def assert_officially_valid(format_id: str, document: bytes) -> None:
    """The reference validator (python-jsonschema), as a float-parsing consumer and as Decimal."""
    for instance in (json.loads(document), load_json(document)):
        errors = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in official_validator(format_id).iter_errors(instance)]
        assert not errors, errors


def catenax_ready(decl: Declaration) -> Declaration:
    """What a Catena-X document needs beyond a regional declaration: a BPNL, packaging emissions,
    an exempted share within 0-10 %, a geography, a boundary it can state, and the members
    without a canonical field."""
    data = declaration_to_data(dataclasses.replace(
        decl,
        organisation=dataclasses.replace(decl.organisation, ids=(*decl.organisation.ids, BPNL)),
        results=dataclasses.replace(decl.results, packaging=Quantity(Decimal("0.35"), "kgCO2e")),
        method=dataclasses.replace(
            decl.method, exempted_share=Decimal("2.5"),
            boundary=decl.method.boundary if decl.method.boundary != Boundary.GATE_TO_GATE else Boundary.CRADLE_TO_GATE,
        ),
        declared_unit=decl.declared_unit if decl.declared_unit.mass or decl.declared_unit.unit not in ("L", "m2", "m3")
        else dataclasses.replace(decl.declared_unit, mass=Quantity(Decimal("7.25"), "kg")),
    ))
    data.setdefault("extensions", {})["catenax-pcf"] = copy.deepcopy(CATENAX_MEMBERS)
    return declaration_from_data(data)


# -- the shipped schemas and our examples ------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.id)
def test_shipped_schema_is_the_official_one(fmt: Any) -> None:
    official = ANCHORS / VERSIONS[fmt.id] / "Pcf-schema.json"
    require(official)
    shipped = ROOT / "mappings" / "catenax" / fmt.schema_file
    assert shipped.read_bytes() == official.read_bytes()


@pytest.mark.parametrize(("path", "format_id"), [(V8_EXAMPLE, "catenax-pcf-v8"), (V9_EXAMPLE, "catenax-pcf-v9")], ids=lambda p: getattr(p, "stem", p))
def test_examples_are_officially_valid_and_round_trip_exactly(path: Path, format_id: str) -> None:
    document = path.read_bytes()
    assert_officially_valid(format_id, document)
    reading = read(document)
    assert reading.format.id == format_id
    assert reading.report.lossless
    output, report = write(reading.declaration, format_id)
    assert_officially_valid(format_id, output)
    assert load_json(output) == load_json(document)
    # the one report entry: the region derived from the country, which the document also states
    region = "pcf/geographyRegionOrSubregion"
    if format_id == "catenax-pcf-v9":
        region = "pcfAssessmentAndMethodology/0/pcfAssessmentInformation/0/geography/0/geographyRegionOrSubregion"
    assert [(e.source_path, e.target_path) for e in report.entries] == [("method/geography", region)]


def test_reading_maps_the_pact_members_and_keeps_the_catena_x_ones() -> None:
    reading = read(V8_EXAMPLE.read_bytes())
    decl = reading.declaration
    assert decl.organisation.ids[0] == Identifier("bpnl", "BPNL00000009LFPC")
    assert decl.organisation.id_of("uscc") == "91131000MA0E6R5J2J"
    assert decl.declared_unit.unit == "piece" and decl.declared_unit.mass == Quantity(Decimal("9.85"), "kg")
    assert decl.results.total_including_biogenic == Quantity(Decimal("24.51"), "kgCO2e")
    assert decl.results.biogenic_removals == Quantity(Decimal("-0.12"), "kgCO2e")
    assert decl.results.packaging == Quantity(Decimal("0.09"), "kgCO2e")
    assert decl.method.geography == "CN" and decl.method.gwp_set.value == "AR6"
    assert decl.method.boundary == Boundary.CRADLE_TO_GATE and decl.method.exempted_share == Decimal("1.2")
    assert [str(p) for p in decl.preceding_ids] == ["0f6c2d1a-9b8e-4c7d-8a6f-5e4d3c2b1a09"]
    assert (decl.verification.verifier, decl.verification.standard, str(decl.verification.date)) == (
        "Hebei Green Verification Center", "ISO 14064-3:2019", "2025-03-28")
    kept = decl.extensions["catenax-pcf"]
    assert kept["pcf"]["distributionStageIncluded"] is True
    assert kept["attestationOfConformance"][0]["attestationOfConformanceId"] == "LF-VER-2025-0417"
    assert kept["comment"].startswith("Scrap share")
    kinds = {(e.source_path, e.kind.value) for e in reading.report.entries}
    assert ("comment", "converted") in kinds and ("pcf/carbonContentTotal", "converted") in kinds


def test_numbers_are_decimals_never_floats() -> None:
    document = V8_EXAMPLE.read_bytes().replace(b'"pcfIncludingBiogenicUptake": 24.51', b'"pcfIncludingBiogenicUptake": 24.510000000000000000000001')
    decl = read(document).declaration
    assert decl.results.total_including_biogenic.amount == Decimal("24.510000000000000000000001")
    output, _ = write(decl, "catenax-pcf-v8")
    assert b"24.510000000000000000000001" in output


# -- round trips of generated declarations -----------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.id)
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(decl=declarations().map(catenax_ready))
def test_canonical_to_catenax_to_canonical_is_identity(fmt: Any, decl: Declaration) -> None:
    output, report = write(decl, fmt.id)
    assert_officially_valid(fmt.id, output)
    back = read(output).declaration
    assert declaration_to_data(back) == declaration_to_data(decl)
    assert {e.kind.value for e in report.entries} <= {"converted"}
    assert report.lossless


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.id)
def test_v8_and_v9_translate_into_each_other_without_loss(fmt: Any) -> None:
    source = V9_EXAMPLE if fmt is PCF_V8 else V8_EXAMPLE
    result = translate(source.read_bytes(), fmt.id)
    assert_officially_valid(fmt.id, result.output)
    assert result.report.lossless
    back = translate(result.output, "catenax-pcf-v9" if fmt is PCF_V8 else "catenax-pcf-v8")
    assert load_json(back.output) == load_json(source.read_bytes())


def test_v9_retrospective_value_is_the_v8_one_renamed() -> None:
    v9 = load_json(translate(V8_EXAMPLE.read_bytes(), "catenax-pcf-v9").output)
    ids = v9["pcfAssessmentAndMethodology"][0]["pcfAssessmentInformation"][0]["idAndVersion"][0]
    assert ids["retroOrProspectivePcfType"] == "Retrospective PCF"
    assert v9["scopeOfPcfForm"][0]["specVersion"] == "urn:io.catenax.pcf:datamodel:version:9.0.0"


def test_further_collection_entries_stay_native_and_are_reported_when_v8_cannot_hold_them() -> None:
    doc = load_json(V9_EXAMPLE.read_bytes())
    second = {"primaryDataShare": Decimal(50), "secondaryEmissionFactorSources": ["GaBi 2024"]}
    doc["pcfAssessmentAndMethodology"][0]["dataSourcesAndQuality"].append(second)
    reading = read(dump_json(doc))
    assert reading.declaration.extensions["catenax-pcf"][pcf_nesting.REST_KEY]
    again, _ = write(reading.declaration, "catenax-pcf-v9")
    assert load_json(again) == doc
    _, report = write(reading.declaration, "catenax-pcf-v8")
    dropped = [e.source_path for e in report.entries if e.kind.value == "dropped"]
    assert dropped == [
        f"extensions/catenax-pcf/{pcf_nesting.REST_KEY}/pcfAssessmentAndMethodology/0/dataSourcesAndQuality/1/primaryDataShare",
        f"extensions/catenax-pcf/{pcf_nesting.REST_KEY}/pcfAssessmentAndMethodology/0/dataSourcesAndQuality/1/secondaryEmissionFactorSources/0",
    ]


def test_flattening_reads_the_document_without_changing_it() -> None:
    doc = load_json(V9_EXAMPLE.read_bytes())
    doc["pcfAssessmentAndMethodology"][0]["dataSourcesAndQuality"].append({"primaryDataShare": Decimal(50)})
    doc["pcf"] = {"note": "a member 9.0.0 does not name, where 8.0.0 keeps its pcf members"}
    doc["general"] = [7]
    before = copy.deepcopy(doc)
    flat = pcf_nesting.flatten(doc)
    assert doc == before
    assert flat["pcf"]["note"] == before["pcf"]["note"] and "declaredUnitAmount" in flat["pcf"]
    rest = flat[pcf_nesting.REST_KEY]
    assert rest["pcfAssessmentAndMethodology"][0]["dataSourcesAndQuality"] == [{}, {"primaryDataShare": Decimal(50)}]
    assert rest["general"] == [7]


def test_reading_leaves_the_document_as_it_was_and_an_unknown_code_native() -> None:
    doc = load_json(V8_EXAMPLE.read_bytes())
    doc["pcf"]["ipccCharacterizationFactors"] = ["AR4"]
    before = copy.deepcopy(doc)
    data, consumed = pcf_mapping.native_to_data(PCF_V8.mapping.layout, doc, TranslationReport())
    assert doc == before
    assert "pcf/ipccCharacterizationFactors" not in consumed and "gwp_set" not in data.get("method", {})


def test_bpnl_in_the_catena_x_urn_form_and_urn_uuid_ids_are_read() -> None:
    doc = load_json(V8_EXAMPLE.read_bytes())
    doc["companyIds"][0] = "urn:bpn:id:BPNL00000009LFPC"
    doc["id"] = "urn:uuid:" + doc["id"]
    reading = read(dump_json(doc))
    assert reading.declaration.organisation.ids[0] == Identifier("bpnl", "BPNL00000009LFPC")
    assert str(reading.declaration.id) == "5b3a8f1e-2c4d-4e6f-9a1b-7c8d9e0f1a2b"
    assert ("id", "id") in {(e.source_path, e.target_path) for e in reading.report.entries}


def test_region_without_country_and_unknown_gwp_set() -> None:
    doc = load_json(V8_EXAMPLE.read_bytes())
    del doc["pcf"]["geographyCountry"]
    doc["pcf"]["geographyRegionOrSubregion"] = "Europe"
    doc["pcf"]["ipccCharacterizationFactors"] = "AR4"
    decl = read(dump_json(doc), "catenax-pcf-v8").declaration
    assert decl.method.geography == "Europe" and decl.method.gwp_set is None
    assert decl.extensions["catenax-pcf"]["pcf"]["ipccCharacterizationFactors"] == "AR4"
    output, _ = write(decl, "catenax-pcf-v8")
    assert load_json(output) == doc


# -- what the target needs ---------------------------------------------------------------------


def _regional() -> Declaration:
    return read(examples.example("tianjin-passenger-car-aluminium-wheel.json").read_bytes()).declaration


def _without(path: str) -> Declaration:
    data = declaration_to_data(catenax_ready(_regional()))
    *parents, key = path.split("/")
    node = data
    for parent in parents:
        node = node[parent]
    del node[key]
    if path == "organisation/ids":
        data["organisation"]["ids"] = [{"scheme": "uscc", "value": "91120116MA05TQ4H9Q"}]
    return declaration_from_data(data)


@pytest.mark.parametrize(("remove", "path"), [
    ("organisation/ids", "organisation/ids[scheme=bpnl]"),
    ("results/packaging", "results/packaging"),
    ("extensions/catenax-pcf/pcf/allocationWasteIncineration", "extensions/catenax-pcf/pcf/allocationWasteIncineration"),
    ("extensions/catenax-pcf/retroOrProspectivePcfType", "extensions/catenax-pcf/retroOrProspectivePcfType"),
    ("data_quality/factor_sources", "data_quality/factor_sources"),
    ("method/standards", "method/standards"),
    ("product/ids", "product/ids"),
    ("validity", "validity/end"),
])
def test_missing_required_values_name_the_field(remove: str, path: str) -> None:
    with pytest.raises(MissingRequiredValue) as info:
        write(_without(remove), "catenax-pcf-v8")
    assert info.value.path == path


def test_documented_defaults_need_allow_defaults_and_are_reported() -> None:
    decl = catenax_ready(_regional())
    data = declaration_to_data(decl)
    del data["extensions"]["catenax-pcf"]
    bare = declaration_from_data(data)
    output, report = write(bare, "catenax-pcf-v8", TranslateOptions(allow_defaults=True))
    assert_officially_valid("catenax-pcf-v8", output)
    defaulted = {e.target_path for e in report.entries if e.kind.value == "defaulted"}
    assert defaulted == {
        "pcf/allocationWasteIncineration", "pcf/packagingEmissionsIncluded", "pcf/massBalancingUsed",
        "pcf/distributionStageIncluded", "retroOrProspectivePcfType", "ccsTechnologicalCO2CaptureIncluded",
    }
    assert not report.lossless
    with pytest.raises(MissingRequiredValue) as info:
        write(bare, "catenax-pcf-v9", TranslateOptions(allow_defaults=True))
    assert info.value.path == "extensions/catenax-pcf/pcf/massBalancingCertificateScheme"


def test_v9_needs_no_packaging_or_factor_sources() -> None:
    decl = catenax_ready(_regional())
    data = declaration_to_data(decl)
    del data["results"]["packaging"]
    del data["data_quality"]["factor_sources"]
    decl = declaration_from_data(data)
    output, _ = write(decl, "catenax-pcf-v9")
    assert_officially_valid("catenax-pcf-v9", output)
    assert read(output).declaration == decl
    with pytest.raises(MissingRequiredValue) as info:
        write(decl, "catenax-pcf-v8")
    assert info.value.path == "results/packaging"


def test_geography_without_a_region_is_refused_and_gate_to_gate_is_unrepresentable() -> None:
    decl = catenax_ready(_regional())
    with pytest.raises(MissingRequiredValue) as info:
        write(dataclasses.replace(decl, method=dataclasses.replace(decl.method, geography="Jing-Jin-Ji")), "catenax-pcf-v8")
    assert info.value.path == "method/geography"
    with pytest.raises(Unrepresentable):
        write(dataclasses.replace(decl, method=dataclasses.replace(decl.method, boundary=Boundary.GATE_TO_GATE)), "catenax-pcf-v8")


def test_subdivision_gets_its_country_region() -> None:
    decl = catenax_ready(_regional())
    output, report = write(dataclasses.replace(decl, method=dataclasses.replace(decl.method, geography="DE-BY")), "catenax-pcf-v8")
    pcf = load_json(output)["pcf"]
    assert (pcf["geographyCountrySubdivision"], pcf["geographyRegionOrSubregion"]) == ("DE-BY", "Western Europe")


def test_option_omit_reports_dropped_instead_of_an_extension() -> None:
    output, report = write(catenax_ready(_regional()), "catenax-pcf-v8", TranslateOptions(extra={"catenax_extension": "omit"}))
    assert "extensions" not in load_json(output)
    assert "region" in {e.source_path for e in report.entries if e.kind.value == "dropped"}


# -- detection ---------------------------------------------------------------------------------


def test_detection_picks_each_version_and_leaves_other_documents_alone() -> None:
    assert detect_format(V8_EXAMPLE.read_bytes()).id == "catenax-pcf-v8"
    assert detect_format(V9_EXAMPLE.read_bytes()).id == "catenax-pcf-v9"
    decl = read(V8_EXAMPLE.read_bytes()).declaration
    for other in ("pact-v3", "pact-v2", "canonical-json", "cn-jjj-json"):
        try:
            document, _ = write(decl, other, TranslateOptions(mass_per_piece=Decimal("9.85")))
        except MissingRequiredValue:
            continue
        assert detect_format(document).id == other
    for path in examples.declarations():
        assert not PCF_V8.detect(path.read_bytes()) and not PCF_V9.detect(path.read_bytes()), path.name


# -- partner documents with every optional member ----------------------------------------------

_TEXT = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x9FA5, exclude_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(str.strip)
# member -> strategy; optional members are also left out at random
_AMOUNTS = decimals("0", "5000", 4)
_VARIED = {
    "comment": _TEXT, "pcfLegalStatement": _TEXT, "productDescription": _TEXT, "companyName": _TEXT, "productNameCompany": _TEXT,
    "pcf/exemptedEmissionsPercent": decimals("0", "10", 2), "pcf/primaryDataShare": decimals("0", "100", 2),
    "pcf/dataQualityRating/technologicalDQR": decimals("1", "5", 1), "pcf/dataQualityRating/temporalDQR": decimals("1", "5", 1),
    "pcf/pcfExcludingBiogenicUptake": _AMOUNTS, "pcf/pcfIncludingBiogenicUptake": decimals("-50", "5000", 4),
    "pcf/fossilGhgEmissions": _AMOUNTS, "pcf/biogenicNonCO2Emissions": _AMOUNTS, "pcf/landUseChangeGhgEmissions": _AMOUNTS,
    "pcf/packagingPcfIncludingBiogenicUptake": _AMOUNTS, "pcf/distributionStageFossilGhgEmissions": _AMOUNTS,
    "pcf/biogenicCO2Uptake": decimals("0", "50", 4).map(lambda d: -d), "pcf/carbonContentTotal": _AMOUNTS,
    "pcf/productMassPerDeclaredUnit": decimals("0.001", "5000", 3), "pcf/recycledCarbonContent": _AMOUNTS,
    "pcf/geographyCountry": st.sampled_from(["CN", "DE", "JP", "US", "BR"]),
    "pcf/ipccCharacterizationFactors": st.sampled_from(["AR5", "AR6", "AR4", "unspecified"]),
    "pcf/allocationWasteIncineration": st.sampled_from(["cut-off", "reverse cut-off", "system expansion", "polluter pays principle"]),
    "pcf/distributionStageIncluded": st.booleans(), "pcf/massBalancingUsed": st.booleans(),
    "partialFullPcf": st.sampled_from(["Cradle-to-gate", "Cradle-to-grave"]), "status": st.sampled_from(["Active", "Deprecated"]),
}
_OPTIONAL = ("comment", "pcfLegalStatement", "productDescription", "pcf/biogenicNonCO2Emissions", "pcf/carbonContentTotal",
             "pcf/recycledCarbonContent", "pcf/primaryDataShare", "pcf/distributionStageFossilGhgEmissions",
             "pcf/boundaryProcessesDescription", "attestationOfConformance", "precedingPfIds", "productClassifications")


@st.composite
def partner_documents(draw: st.DrawFn) -> dict[str, Any]:
    from mappings.fieldmap import put

    doc = load_json(V8_EXAMPLE.read_bytes())
    for path, strategy in _VARIED.items():
        put(doc, path, draw(strategy))
    region = {"CN": "Eastern Asia", "DE": "Western Europe", "JP": "Eastern Asia", "US": "Northern America", "BR": "Latin America and the Caribbean"}
    doc["pcf"]["geographyRegionOrSubregion"] = region[doc["pcf"]["geographyCountry"]]
    for path in _OPTIONAL:
        if draw(st.booleans()):
            *parents, key = path.split("/")
            node = doc
            for parent in parents:
                node = node[parent]
            del node[key]
    return doc


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(doc=partner_documents())
def test_every_leaf_of_a_partner_document_comes_back_through_both_versions(doc: dict[str, Any]) -> None:
    document = dump_json(doc)
    assert_officially_valid("catenax-pcf-v8", document)
    reading = read(document, "catenax-pcf-v8")
    assert reading.report.lossless
    v9 = translate(document, "catenax-pcf-v9").output
    assert_officially_valid("catenax-pcf-v9", v9)
    back = translate(v9, "catenax-pcf-v8").output
    assert load_json(back) == doc
    again, _ = write(reading.declaration, "catenax-pcf-v8")
    assert load_json(again) == doc
