"""iso14067-json / iso14067-xml: lossless round trips, derived boundary fields, the required
CFP result, schema and XSD validation, hostile XML, the examples."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from gateway import examples
from gateway.core.errors import MissingRequiredValue, SchemaViolation
from gateway.core.model import (
    Boundary, DataQuality, Declaration, DeclaredUnit, ExcludedStage, FactorSource, GwpSet, Identifier, Method,
    Organisation, Product, Quantity, Results, Site, Text, Verification, codelists,
)
from gateway.core.parsing import dump_json, load_json
from gateway.translate import read, write
from mappings.iso14067 import JSON_FORMAT, NAMESPACE, XML_FORMAT
from mappings.iso14067.mapping import FIELDS
from tests.strategies import declarations, texts

EXAMPLES = examples.folder()
FORMATS = ("iso14067-json", "iso14067-xml")
# Native paths the mapping fills in code (fields.toml [notes]); everything else is a field row.
CODE_PATHS = {
    "results/perStage", "results/ghgInventory", "dataQuality/dataSources", "extensions",
    "systemBoundary/stagesIncluded", "systemBoundary/cfpType",
}

_scalars = st.one_of(st.integers(-1000, 1000), st.text(max_size=8), st.booleans(), st.none(),
                     st.decimals("-1000", "1000", places=4))
_extension_values = st.recursive(
    _scalars, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=5,
)


@st.composite
def report_declarations(draw: st.DrawFn) -> Declaration:
    """The shared strategy plus what it leaves out and a report carries: sites, exclusions,
    lifetime energy, all result kinds, method texts, a review statement, extensions."""
    decl = draw(declarations())
    kg = lambda low, high: Quantity(draw(st.decimals(low, high, places=3)), "kgCO2e")  # noqa: E731
    results = dataclasses.replace(
        decl.results, biogenic_emissions=kg("0", "50"), dluc=kg("0", "5"), iluc=kg("-5", "5"), aircraft=kg("0", "1"),
        land_management=kg("-1", "1"), packaging=kg("0", "3"),
    )
    method = dataclasses.replace(
        decl.method, boundary_description="从摇篮到坟墓，使用阶段除外", allocation="mass allocation of co-products",
        cut_off="1% mass", exempted_share=Decimal("0.8"), electricity_modelling="grid mix, Tianjin 2024",
        value_choices="none", sensitivity="±5% on electricity factor", uncertainty="Monte Carlo, 95% CI ±8%",
        excluded_stages=(ExcludedStage("use", "outside the manufacturer's influence"),) if draw(st.booleans()) else (),
    )
    unit = decl.declared_unit
    if draw(st.booleans()):
        unit = dataclasses.replace(unit, lifetime_energy=Quantity(Decimal("112500"), "kWh"))
    product = dataclasses.replace(decl.product, description=draw(texts()), sites=(Site(draw(texts()), "河北省唐山市", "CN", "130000"),))
    verification = dataclasses.replace(decl.verification, statement="核查声明 verification statement", verifier_id="V-1")
    extensions = draw(st.dictionaries(st.sampled_from(["pact-v2", "urn:jjj:x"]), _extension_values, max_size=2))
    return dataclasses.replace(decl, results=results, method=method, declared_unit=unit, product=product,
                               verification=verification, extensions=extensions)


# -- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("format_id", FORMATS)
@given(decl=report_declarations())
def test_canonical_to_report_to_canonical_is_identity(format_id: str, decl: Declaration) -> None:
    output, report = write(decl, format_id)
    assert report.entries == []
    if format_id == "iso14067-xml":
        XML_FORMAT.xml_schema.assertValid(etree.fromstring(output))
    reading = read(output, format_id)
    assert reading.declaration == decl
    assert reading.report.entries == []


def test_numbers_keep_their_digits() -> None:
    decl = _decl(total="0.1000000000000000055511151231257827")
    output, _ = write(decl, "iso14067-json")
    assert b'"cfp": 0.1000000000000000055511151231257827' in output
    assert read(output, "iso14067-json").declaration == decl


# -- derived boundary fields ---------------------------------------------------------------------


BASE = Declaration(
    id=uuid.UUID("0b0c6a52-8f0e-4a57-9d8e-3c1f7f5d2a11"),
    version=2,
    organisation=Organisation(Text("唐山钢铁有限公司", "Tangshan Steel Co."), (Identifier("uscc", "91110000600037341L"),)),
    product=Product(Text("热轧钢卷", "Hot-rolled steel coil")),
    declared_unit=DeclaredUnit("t"),
    created=datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc),
    method=Method(standards=("GB/T 24067-2024", "ISO 14067:2018"), boundary=Boundary.CRADLE_TO_GATE, gwp_set=GwpSet.AR6),
    data_quality=DataQuality(primary_data_share=Decimal("72.5"),
                             factor_sources=(FactorSource("国家产品碳足迹因子数据库 National PCF factor database", "2025", ("F-1",)),)),
)


def _decl(total: str = "5850", **changes: Any) -> Declaration:
    return dataclasses.replace(BASE, results=Results(total_including_biogenic=Quantity(Decimal(total), "kgCO2e")), **changes)


def _doc(decl: Declaration) -> dict[str, Any]:
    return load_json(write(decl, "iso14067-json")[0])


def test_stages_included_and_cfp_type_are_derived_from_the_boundary() -> None:
    decl = _decl()
    grave = dataclasses.replace(decl.method, boundary=Boundary.CRADLE_TO_GRAVE, excluded_stages=(ExcludedStage("use", "EU 2023/1542"),))
    boundary = _doc(dataclasses.replace(decl, method=grave))["systemBoundary"]
    assert boundary["cfpType"] == "cfp"
    assert boundary["stagesIncluded"] == ["raw-material-acquisition", "transport", "production", "end-of-life"]
    assert boundary["stagesExcluded"] == [{"stage": "use", "reason": "EU 2023/1542"}]
    gate = _doc(dataclasses.replace(decl, method=dataclasses.replace(decl.method, boundary=Boundary.CRADLE_TO_GATE)))
    assert gate["systemBoundary"]["cfpType"] == "partial-cfp"
    assert gate["systemBoundary"]["stagesIncluded"] == list(codelists.boundaries()["cradle-to-gate"].stages)


def test_a_stated_list_that_differs_from_the_derivation_is_kept() -> None:
    doc = _doc(_decl())
    doc["systemBoundary"]["stagesIncluded"] = ["production"]
    reading = read(dump_json(doc), "iso14067-json")
    assert reading.declaration.extensions == {"iso14067": {"stagesIncluded": ["production"]}}
    again = load_json(write(reading.declaration, "iso14067-json")[0])
    assert again["systemBoundary"]["stagesIncluded"] == ["production"]
    assert "extensions" not in again


def test_results_and_method_fields_land_where_iso_14067_asks() -> None:
    decl = _decl()
    decl = dataclasses.replace(decl, results=dataclasses.replace(
        decl.results, fossil=Quantity(Decimal("5800"), "kgCO2e"), biogenic_removals=Quantity(Decimal("-3"), "kgCO2e"),
        dluc=Quantity(Decimal("40"), "kgCO2e"), aircraft=Quantity(Decimal("0.5"), "kgCO2e")))
    doc = _doc(decl)
    assert doc["specification"] == "ISO 14067:2018"
    assert doc["results"]["cfp"] == 5850
    assert (doc["results"]["fossilGhgEmissionsAndRemovals"], doc["results"]["biogenicGhgRemovals"]) == (5800, -3)
    assert (doc["results"]["dlucGhgEmissionsAndRemovals"], doc["results"]["aircraftGhgEmissions"]) == (40, Decimal("0.5"))
    assert doc["methodology"]["gwp"] == {"metric": "GWP100", "source": f"IPCC {decl.method.gwp_set.value}"}
    assert doc["dataQuality"]["dataSources"][0]["database"].startswith("国家产品碳足迹因子数据库")


def test_fossil_removals_and_the_organisation_contact_are_reported_separately() -> None:
    decl = _decl()
    org = dataclasses.replace(decl.organisation, address="河北省唐山市丰南区沿海工业区 Fengnan coastal industrial zone, Tangshan",
                              contact="https://example.org/carbon")
    decl = dataclasses.replace(decl, organisation=org, results=dataclasses.replace(
        decl.results, fossil=Quantity(Decimal("5860"), "kgCO2e"), fossil_removals=Quantity(Decimal("-10"), "kgCO2e")))
    for format_id in FORMATS:
        output, report = write(decl, format_id)
        assert report.entries == [] and read(output, format_id).declaration == decl
    doc = _doc(decl)
    assert (doc["results"]["fossilGhgEmissionsAndRemovals"], doc["results"]["fossilGhgRemovals"]) == (5860, -10)
    assert doc["organization"]["address"].startswith("河北省唐山市")
    assert doc["organization"]["contact"] == "https://example.org/carbon"


def test_a_report_needs_the_cfp_result() -> None:
    with pytest.raises(MissingRequiredValue) as exc:
        write(dataclasses.replace(_decl(), results=Results()), "iso14067-json")
    assert exc.value.path == "results/total_including_biogenic"


def test_total_excluding_biogenic_alone_is_enough() -> None:
    decl = dataclasses.replace(_decl(), results=Results(total_excluding_biogenic=Quantity(Decimal("7"), "kgCO2e")))
    output, report = write(decl, "iso14067-json")
    assert report.entries == [] and read(output, "iso14067-json").declaration == decl


# -- schema, XSD, field table --------------------------------------------------------------------


@pytest.mark.parametrize("edit, path", [
    (lambda d: d["results"].update(cfp="5850"), "/results/cfp"),
    (lambda d: d["functionalUnit"].update(unit="barrel"), "/functionalUnit/unit"),
    (lambda d: d["methodology"]["gwp"].update(source="IPCC AR4"), "/methodology/gwp/source"),
    (lambda d: d["results"].update(biogenicGhgRemovals=Decimal("1")), "/results/biogenicGhgRemovals"),
    (lambda d: d["results"].update(fossilGhgRemovals=Decimal("0.5")), "/results/fossilGhgRemovals"),
])
def test_schema_violations_carry_paths(edit: Any, path: str) -> None:
    doc = _doc(_decl())
    edit(doc)
    with pytest.raises(SchemaViolation) as exc:
        read(dump_json(doc), "iso14067-json")
    assert exc.value.path == path


def test_detection() -> None:
    json_bytes, _ = write(_decl(), "iso14067-json")
    xml_bytes, _ = write(_decl(), "iso14067-xml")
    assert JSON_FORMAT.detect(json_bytes) and not JSON_FORMAT.detect(xml_bytes)
    assert XML_FORMAT.detect(xml_bytes) and not XML_FORMAT.detect(json_bytes)
    assert read(xml_bytes).format.id == "iso14067-xml"


def test_every_schema_member_has_a_field_row_or_a_code_rule() -> None:
    schema = JSON_FORMAT.schema

    rows = {r.native for r in FIELDS.rules}
    covered = rows | CODE_PATHS

    def members(node: dict, prefix: str):
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node
        if prefix in covered:
            yield prefix
        elif "properties" in node:
            for key, sub in node["properties"].items():
                yield from members(sub, f"{prefix}/{key}" if prefix else key)
        else:
            yield prefix

    assert [m for m in members(schema, "") if m not in covered] == []


def test_schema_enums_follow_the_code_lists() -> None:
    assert JSON_FORMAT.schema["$defs"]["stage"]["enum"] == list(codelists.stages())
    props = JSON_FORMAT.schema["properties"]
    assert props["functionalUnit"]["properties"]["unit"]["enum"] == list(codelists.units())
    assert props["systemBoundary"]["properties"]["type"]["enum"] == list(codelists.boundaries())


def test_xml_constraint_beyond_xsd_is_checked_by_the_json_schema() -> None:
    """XSD cannot say 'cfp or cfpExcludingBiogenic'; the JSON Schema applied to the tree read from XML does."""
    output, _ = write(_decl(), "iso14067-xml")
    root = etree.fromstring(output)
    cfp = root.find(f"{{{NAMESPACE}}}results/{{{NAMESPACE}}}cfp")
    cfp.getparent().remove(cfp)
    with pytest.raises(SchemaViolation) as exc:
        read(etree.tostring(root), "iso14067-xml")
    assert exc.value.path == "/results"


# -- the examples --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
@pytest.mark.parametrize("format_id", FORMATS)
def test_every_example_converts_losslessly(path: Path, format_id: str) -> None:
    source = read(path.read_bytes())
    output, report = write(source.declaration, format_id)
    assert report.lossless and report.entries == []
    assert read(output, format_id).declaration == source.declaration


def test_identifiers_travel_with_their_scheme() -> None:
    decl = _decl()
    decl = dataclasses.replace(decl, organisation=dataclasses.replace(
        decl.organisation, name=Text(en="Only English"), ids=decl.organisation.ids + (Identifier("lei", "5493001KJTIIGC8Y1R12"),)),
        verification=Verification("CQC"))
    doc = _doc(decl)
    assert doc["organization"]["identifiers"][-1] == {"scheme": "lei", "value": "5493001KJTIIGC8Y1R12"}
    assert doc["reviewOrVerification"] == {"verifier": "CQC"}
    assert read(dump_json(doc), "iso14067-json").declaration == decl
