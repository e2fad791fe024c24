"""catenax-battery-cf / idta-battery-cf: the official schemas (the battery passport's carbonFootprint
subtree, IDTA 02035-3), round trips through the canonical model, per-kWh conversion, stages, the
identity a footprint section lacks, and detection."""

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
from gateway.core.model import Declaration, Quantity, declaration_to_data
from gateway.core.parsing import dump_json, load_json
from gateway.translate import read, translate, write
from mappings import TranslateOptions, detect_format
from mappings.catenax import BATTERY_CF
from mappings.idta import FORMAT as IDTA
from mappings.pact import carry
from tests.anchors import require
from tests.strategies import declarations

ROOT = Path(__file__).resolve().parents[2]
ANCHORS = ROOT / "../shared/anchors"
PASSPORT = ANCHORS / "catenax/battery_pass/6.1.0/BatteryPass-schema.json"
SUBMODEL = ANCHORS / "idta/batterypass.carbon_footprint/1.0.0/CarbonFootprintBattery-schema.json"
PARTNERS = examples.folder() / "partners"
CATENAX_EXAMPLE = PARTNERS / "catenax-battery-cf-ev-module.json"
IDTA_EXAMPLE = PARTNERS / "idta-battery-cf-lfp-pack.json"
FORMATS = ("catenax-battery-cf", "idta-battery-cf")


@cache
def official_validator(format_id: str) -> jsonschema.Draft4Validator:
    path = PASSPORT if format_id == "catenax-battery-cf" else SUBMODEL
    require(path)
    schema = json.loads(path.read_text("utf-8"))
    if format_id == "catenax-battery-cf":
        # the carbonFootprint subtree of the passport, with the passport's own definitions
        ref = schema["properties"]["sustainability"]["$ref"].rsplit("/", 1)[1]
        subtree = schema["components"]["schemas"][ref]["properties"]["carbonFootprint"]
        schema = {"$schema": schema["$schema"], "type": "object", "required": ["carbonFootprint"],
                  "properties": {"carbonFootprint": subtree}, "components": schema["components"]}
    return jsonschema.Draft4Validator(schema)


def assert_officially_valid(format_id: str, document: bytes) -> None:
    for instance in (json.loads(document), load_json(document)):
        errors = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in official_validator(format_id).iter_errors(instance)]
        assert not errors, errors


def with_identity(document: bytes, decl: Declaration) -> bytes:
    """A partner's section plus our extension carrying the identity it lacks (what a caller supplies)."""
    data = declaration_to_data(decl)
    identity = {k: data[k] for k in ("id", "version", "created")}
    identity["organisation"] = {"name": data["organisation"]["name"]}
    identity["product"] = {"name": data["product"]["name"]}
    doc = load_json(document)
    doc["extensions"] = [carry.extension_entry(identity, "test")]
    return dump_json(doc)


@st.composite
def battery_declarations(draw: st.DrawFn, units: tuple[str, ...]) -> Declaration:
    decl = draw(declarations(units=units))
    lifetime = Quantity(Decimal(draw(st.sampled_from(["112500", "26112", "768.5"]))), "kWh")
    return dataclasses.replace(
        decl,
        declared_unit=dataclasses.replace(decl.declared_unit, lifetime_energy=lifetime),
        performance_class=draw(st.sampled_from(["A", "B", "C"])),
    )


# -- the shipped schemas and our examples ------------------------------------------------------


@pytest.mark.parametrize(("shipped", "official"), [
    (ROOT / "mappings/catenax/battery-pass-6.1.0.schema.json", PASSPORT),
    (ROOT / "mappings/idta/carbon-footprint-battery-1.0.0.schema.json", SUBMODEL),
], ids=["catenax", "idta"])
def test_shipped_schema_is_the_official_one(shipped: Path, official: Path) -> None:
    require(official)
    assert shipped.read_bytes() == official.read_bytes()


@pytest.mark.parametrize(("path", "format_id"), [(CATENAX_EXAMPLE, "catenax-battery-cf"), (IDTA_EXAMPLE, "idta-battery-cf")], ids=["catenax", "idta"])
def test_a_partner_section_without_identity_is_read_with_it_defaulted_and_round_trips_exactly(path: Path, format_id: str) -> None:
    document = path.read_bytes()
    assert_officially_valid(format_id, document)
    assert detect_format(document).id == format_id
    bare = read(document)
    defaulted = {e.target_path: e.detail for e in bare.report.entries if e.kind.value == "defaulted"}
    assert {"id", "created", "version", "status", "organisation/name", "product/name"} <= set(defaulted)
    assert "--set id=UUID" in defaulted["id"]
    assert bare.declaration.organisation.name.en == f"manufacturer not stated ({format_id} section)"
    assert read(document).declaration.id == bare.declaration.id  # derived from the content
    regional = read(examples.example("tianjin-ev-battery-pack-nmc.json").read_bytes()).declaration
    reading = read(with_identity(document, regional))
    assert reading.declaration.id == regional.id and reading.declaration.version == regional.version
    output, _ = write(reading.declaration, format_id)
    assert_officially_valid(format_id, output)
    again = load_json(output)
    assert again.pop("extensions")
    assert again == load_json(document)


@pytest.mark.parametrize(("path", "format_id"), [(CATENAX_EXAMPLE, "catenax-battery-cf"), (IDTA_EXAMPLE, "idta-battery-cf")], ids=["catenax", "idta"])
def test_set_supplies_the_identity_a_section_lacks(path: Path, format_id: str) -> None:
    regional = read(examples.example("tianjin-ev-battery-pack-nmc.json").read_bytes()).declaration
    options = TranslateOptions.from_mapping({}, {
        "id": str(regional.id), "organisation/name": json.dumps({"zh": regional.organisation.name.zh}),
    })
    result = translate(path.read_bytes(), "canonical-json", options=options)
    decl = read(result.output, "canonical-json").declaration
    assert decl.id == regional.id and decl.organisation.name.zh == regional.organisation.name.zh
    supplied = {e.target_path for e in result.report.entries if e.kind.value == "supplied"}
    assert {"id", "organisation/name"} <= supplied


def test_catenax_section_reads_total_stages_and_keeps_other_categories() -> None:
    regional = read(examples.example("tianjin-ev-battery-pack-nmc.json").read_bytes()).declaration
    reading = read(with_identity(CATENAX_EXAMPLE.read_bytes(), regional))
    decl = reading.declaration
    assert decl.declared_unit.unit == "kWh" and decl.declared_unit.amount == 1
    assert decl.results.total_including_biogenic == Quantity(Decimal("61.4"), "kgCO2e")
    assert [(s.stage, s.value.amount) for s in decl.stages] == [
        ("raw-material-acquisition", Decimal("44.9")), ("transport", Decimal("0.9")),
        ("production", Decimal("14.2")), ("end-of-life", Decimal("1.4")),
    ]
    assert decl.performance_class == "B"
    assert decl.links.study_url == "https://battery.tianjin.example.cn/cfp/NMC-M96-2025"
    assert decl.method.product_rules[0].number == "JRC CFB-EV 2023"
    kept = decl.extensions["catenax-battery-cf"]
    assert kept["manufacturingPlant"] == [{"facility": "BPNA000000TJBATT"}]
    assert kept["carbonFootprint"][0]["type"] == "Climate Change Fossil"
    assert "extensions/catenax-battery-cf/carbonFootprint/0/value" in {e.target_path for e in reading.report.entries}


def test_idta_submodel_reads_per_declared_unit() -> None:
    regional = read(examples.example("hebei-lfp-stationary-storage-battery.json").read_bytes()).declaration
    decl = read(with_identity(IDTA_EXAMPLE.read_bytes(), regional)).declaration
    assert (decl.declared_unit.unit, decl.declared_unit.amount) == ("piece", 1)
    assert decl.results.total_including_biogenic == Quantity(Decimal("4185.6"), "kgCO2e")
    assert decl.method.boundary.value == "cradle-to-gate"
    assert decl.method.standards == ("ISO 14067:2018", "GB/T 24067-2024")
    assert [(s.stage, s.value.amount) for s in decl.stages] == [("raw-material-acquisition", Decimal("3302.4")), ("production", Decimal("883.2"))]
    # the per-kWh entry differs in its reference unit: kept as it is
    assert decl.extensions["idta-battery-cf"]["ProductCarbonFootprints"][0]["ReferenceImpactUnitForCalculation"] == "kwH"


def test_idta_grams_are_read_as_kilograms_exactly() -> None:
    doc = load_json(IDTA_EXAMPLE.read_bytes())
    doc["ProductCarbonFootprints"] = doc["ProductCarbonFootprints"][:1]
    doc["ProductCarbonFootprints"][0].update(ReferenceImpactUnitForCalculation="g", QuantityOfMeasureForCalculation=Decimal(250))
    regional = read(examples.example("hebei-lfp-stationary-storage-battery.json").read_bytes()).declaration
    reading = read(with_identity(dump_json(doc), regional))
    assert (reading.declaration.declared_unit.unit, reading.declaration.declared_unit.amount) == ("kg", Decimal("0.250"))
    assert any(e.target_path == "declared_unit" and "250 g = 0.250 kg" in e.detail for e in reading.report.entries)


# -- round trips of generated declarations -----------------------------------------------------


@pytest.mark.parametrize("format_id", FORMATS)
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(decl=battery_declarations(("piece", "kWh")))
def test_canonical_to_battery_section_to_canonical_is_identity(format_id: str, decl: Declaration) -> None:
    output, report = write(decl, format_id)
    assert_officially_valid(format_id, output)
    back = read(output).declaration
    assert declaration_to_data(back) == declaration_to_data(decl)
    assert {e.kind.value for e in report.entries} <= {"converted", "dropped", "rounded"}
    dropped = [e.source_path for e in report.entries if e.kind.value == "dropped"]
    # the use stage is excluded from the Annex II stages (it travels in the extension)
    assert all(p.startswith("stages/") for p in dropped), dropped


def test_per_piece_values_are_per_kwh_of_lifetime_energy() -> None:
    regional = read(examples.example("tianjin-ev-battery-pack-nmc.json").read_bytes()).declaration
    output, report = write(regional, "catenax-battery-cf")
    entries = load_json(output)["carbonFootprint"]
    assert entries[0]["value"] == Decimal("5850.0") / Decimal("112500")
    assert [e["lifecycle"] for e in entries[1:]] == [
        "raw material acquisition and pre-processing", "main product production", "distribution", "end of life and recycling",
    ]
    assert any("lifetime energy" in e.detail for e in report.entries if e.target_path == "carbonFootprint/0/value")


def test_per_kwh_quotients_that_do_not_terminate_are_written_at_six_digits() -> None:
    regional = read(examples.example("tianjin-ev-battery-pack-nmc.json").read_bytes()).declaration
    output, report = write(regional, "catenax-battery-cf")
    entries = load_json(output)["carbonFootprint"]
    rounded = {e.target_path: e.detail for e in report.entries if e.kind.value == "rounded"}
    assert rounded, "the example's stages divided by 112500 kWh include non-terminating quotients"
    for index, entry in enumerate(entries):
        path = f"carbonFootprint/{index}/value"
        if path in rounded:
            assert len(entry["value"].normalize().as_tuple().digits) <= 6
            assert f"written {format(entry['value'].normalize(), 'f')} (6 significant digits" in rounded[path]
        else:  # exact: written with all its digits
            assert (entry["value"] * Decimal(112500)).normalize() in {
                s.value.amount.normalize() for s in regional.stages} | {Decimal("5850")}
    assert not report.lossless
    assert read(output).declaration == regional  # the exact values travel in the regional extension


def test_without_lifetime_energy_a_per_piece_battery_is_refused_naming_it() -> None:
    regional = read(examples.example("tianjin-ev-battery-pack-nmc.json").read_bytes()).declaration
    decl = dataclasses.replace(regional, declared_unit=dataclasses.replace(regional.declared_unit, lifetime_energy=None))
    with pytest.raises(MissingRequiredValue) as info:
        write(decl, "catenax-battery-cf")
    assert info.value.path == "declared_unit/lifetime_energy"
    output, _ = write(decl, "catenax-battery-cf", TranslateOptions(lifetime_energy=Decimal("112500")))
    assert load_json(output)["carbonFootprint"][0]["value"] == Decimal("0.052")


@pytest.mark.parametrize(("change", "path"), [
    (lambda d: dataclasses.replace(d, performance_class=None), "performance_class"),
    (lambda d: dataclasses.replace(d, links=None), "links/study_url"),
    (lambda d: dataclasses.replace(d, method=dataclasses.replace(d.method, boundary=None)), "method/boundary"),
    (lambda d: dataclasses.replace(d, method=dataclasses.replace(d.method, standards=())), "method/standards"),
])
def test_idta_required_values_name_the_field(change: Any, path: str) -> None:
    regional = read(examples.example("hebei-lfp-stationary-storage-battery.json").read_bytes()).declaration
    with pytest.raises(MissingRequiredValue) as info:
        write(change(regional), "idta-battery-cf")
    assert info.value.path == path


def test_idta_has_no_unit_for_megajoules() -> None:
    regional = read(examples.example("hebei-lfp-stationary-storage-battery.json").read_bytes()).declaration
    with pytest.raises(Unrepresentable):
        write(dataclasses.replace(regional, declared_unit=dataclasses.replace(regional.declared_unit, unit="MJ")), "idta-battery-cf")


def test_a_section_without_a_total_is_refused_naming_it() -> None:
    doc = load_json(CATENAX_EXAMPLE.read_bytes())
    doc["carbonFootprint"] = doc["carbonFootprint"][1:]
    with pytest.raises(MissingRequiredValue) as info:
        read(dump_json(doc))
    assert info.value.path == "/carbonFootprint" and info.value.metadata["target"] == "results/total_including_biogenic"


def test_detection_leaves_other_documents_alone() -> None:
    for path in examples.declarations():
        data = path.read_bytes()
        assert not BATTERY_CF.detect(data) and not IDTA.detect(data), path.name
    regional = read(examples.example("tianjin-ev-battery-pack-nmc.json").read_bytes()).declaration
    for other in ("eu-battery-json", "canonical-json", "pact-v3"):
        document, _ = write(regional, other)
        assert detect_format(document).id == other
    eu = load_json(write(regional, "eu-battery-json")[0])
    assert not BATTERY_CF.detect(dump_json(copy.deepcopy(eu)))
