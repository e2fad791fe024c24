"""eu-battery-json / eu-battery-xml: per-kWh conversion, stage mapping, the official Battery Pass
schema, round trips within what a passport holds, XSD validation and hostile XML."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from gateway import examples
from gateway.core.errors import MissingRequiredValue, SchemaViolation, Unrepresentable
from gateway.core.model import (
    Boundary, Declaration, DeclaredUnit, Identifier, Links, Method, Organisation, Product, Quantity, Results, Site,
    StageResult, Text, codelists,
)
from gateway.core.model.codelists import SchemeStage, StageScheme
from gateway.core.parsing import dump_json, load_json
from gateway.core.report import EntryKind, TranslationReport
from gateway.translate import read, write
from mappings.base import TranslateOptions
from mappings.eu_battery import JSON_FORMAT, XML_FORMAT, energy, stages
from tests.anchors import require
from tests.strategies import declarations, texts

ROOT = Path(__file__).resolve().parents[2]
ANCHORS = ROOT / "../shared/anchors/battery"
OFFICIAL_SCHEMA = ANCHORS / "CarbonFootprintForBatteries-schema.json"
EXAMPLES = examples.folder()
FORMATS = ("eu-battery-json", "eu-battery-xml")
# Canonical paths a passport documents it cannot hold (fields.toml [notes] lost-to-eu-battery).
LOST = (
    "results/", "gases/", "method/", "data_quality/", "verification/", "label/", "validity/", "status_comment",
    "preceding_ids/", "product/classifications/", "product/sites/", "links/attachments/", "extensions/", "stages/",
)


def _official_validator() -> jsonschema.Draft4Validator:
    require(OFFICIAL_SCHEMA)
    # published as UTF-16 LE with a BOM
    return jsonschema.Draft4Validator(json.loads(OFFICIAL_SCHEMA.read_bytes().decode("utf-16")))


def assert_valid_everywhere(format_id: str, output: bytes) -> None:
    """JSON: our schema (the pipeline did it) and the official aspect schema, read both as a
    float-parsing consumer and as Decimal; XML: our XSD."""
    if format_id == "eu-battery-xml":
        XML_FORMAT.xml_schema.assertValid(etree.fromstring(output))
        return
    validator = _official_validator()
    validator.validate(json.loads(output))
    validator.validate(load_json(output))


def passport_view(decl: Declaration) -> Declaration:
    """What of a declaration a passport holds (fields.toml notes), with stages in regional order."""
    order = list(codelists.stages())
    return Declaration(
        id=decl.id, version=decl.version, organisation=decl.organisation, created=decl.created,
        product=Product(decl.product.name, decl.product.description, decl.product.ids, (), decl.product.sector,
                        decl.product.sites[:1]),
        declared_unit=decl.declared_unit, status=decl.status, updated=decl.updated, issued=decl.issued,
        region=decl.region, method=Method(standards=decl.method.standards, gwp_set=decl.method.gwp_set),
        results=Results(total_including_biogenic=decl.results.total_including_biogenic),
        stages=tuple(sorted((s for s in decl.stages if s.stage != "use"), key=lambda s: order.index(s.stage))),
        performance_class=decl.performance_class,
        links=Links(decl.links.study_url, decl.links.conformity_declaration_id) if decl.links else None,
    )


@st.composite
def battery_declarations(draw: st.DrawFn, unit: str = "kWh", lifetime: tuple[str, ...] = ()) -> Declaration:
    decl = draw(declarations(units=(unit,)))
    energy_kwh = Quantity(Decimal(draw(st.sampled_from(lifetime))), "kWh") if lifetime else None
    sites = (Site(draw(texts()), "天津市西青区", "CN", "120000"),) if draw(st.booleans()) else ()
    return dataclasses.replace(
        decl,
        product=dataclasses.replace(decl.product, sites=sites),
        declared_unit=dataclasses.replace(decl.declared_unit, lifetime_energy=energy_kwh),
        performance_class=draw(st.sampled_from(["A", "B", "C", "D", "E"])),
        links=Links(decl.links.study_url, conformity_declaration_id=draw(st.sampled_from([None, "EU-DoC-2025-0042"]))),
    )


def _assert_only_documented_losses(report: TranslationReport) -> None:
    for entry in report.entries:
        if entry.kind is EntryKind.DROPPED:
            assert entry.source_path.startswith(LOST), entry


# -- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("format_id", FORMATS)
@given(decl=battery_declarations())
def test_per_kwh_declaration_round_trips_what_a_passport_holds(format_id: str, decl: Declaration) -> None:
    output, report = write(decl, format_id)
    assert_valid_everywhere(format_id, output)
    assert not [e for e in report.entries if e.kind is EntryKind.CONVERTED and e.target_path == "batteryCarbonFootprint"]
    _assert_only_documented_losses(report)
    reading = read(output, format_id)
    assert reading.declaration == passport_view(decl)
    assert reading.report.lossless


@pytest.mark.parametrize("format_id", FORMATS)
@given(decl=battery_declarations(unit="piece", lifetime=("2000", "3125", "80", "1024", "12.5")))
def test_per_piece_declaration_converts_and_comes_back_exactly(format_id: str, decl: Declaration) -> None:
    """Lifetime energies whose quotients terminate: the conversion is exact both ways."""
    output, report = write(decl, format_id)
    assert_valid_everywhere(format_id, output)
    _assert_only_documented_losses(report)
    assert all("rounded" not in e.detail for e in report.entries)
    reading = read(output, format_id)
    assert reading.declaration == passport_view(decl)


@given(decl=battery_declarations(unit="piece", lifetime=("112500", "3000", "7", "2999.9")))
def test_rounded_per_kwh_keeps_the_total_exact_through_the_absolute_footprint(decl: Declaration) -> None:
    output, report = write(decl, "eu-battery-json")
    assert_valid_everywhere("eu-battery-json", output)
    doc = load_json(output)
    written = {"batteryCarbonFootprint": doc["batteryCarbonFootprint"]}
    written |= {f"{stages.TARGET}[lifecycleStage={s['lifecycleStage']}]": s["carbonFootprint"]
                for s in doc["carbonFootprintPerLifecycleStage"]}
    for entry in (e for e in report.entries if e.kind is EntryKind.ROUNDED):
        value = written.get(entry.target_path)
        if value is not None:
            value = Decimal(value)  # a rounded value that is integral is written, and read back, as a JSON integer
            assert len(value.normalize().as_tuple().digits) <= 6
            assert f"written {format(value.normalize(), 'f')} (6 significant digits" in entry.detail
        assert not report.lossless
    back = read(output, "eu-battery-json").declaration
    assert back.results.total_including_biogenic == decl.results.total_including_biogenic
    for got, want in zip(back.stages, passport_view(decl).stages, strict=True):
        assert got.stage == want.stage
        # per kWh at 6 significant digits (half-even): within half a unit of the 6th digit
        assert abs(got.value.amount - want.value.amount) <= abs(want.value.amount) * Decimal("5e-6")


# -- exact arithmetic ----------------------------------------------------------------------------


BASE = Declaration(
    id=uuid.UUID("665b18ab-034b-5d79-ac0a-3262a4afc2a9"),
    version=1,
    organisation=Organisation(Text("天津海河动力电池系统有限公司", "Tianjin Haihe Power Battery Systems"),
                              (Identifier("uscc", "91110000600037341L"),)),
    product=Product(Text("三元锂离子动力电池包", "NMC811 EV battery pack"), ids=(Identifier("model", "HH-NMC811-75P"),)),
    declared_unit=DeclaredUnit("piece"),
    created=datetime(2025, 5, 12, 1, 0, tzinfo=timezone.utc),
    method=Method(standards=("GB/T 24067-2024",), boundary=Boundary.CRADLE_TO_GRAVE),
    links=Links("https://pcf.tianjin.example.cn/reports/TJ-PCF-2025-001142"),
)


def _battery(unit: str = "piece", amount: str = "1", total: str = "5850", lifetime: str | None = "112500",
             stages_: dict[str, str] | None = None, **changes: Any) -> Declaration:
    energy_kwh = Quantity(Decimal(lifetime), "kWh") if lifetime else None
    return dataclasses.replace(
        BASE,
        declared_unit=DeclaredUnit(unit, Decimal(amount), None, energy_kwh),
        results=Results(total_including_biogenic=Quantity(Decimal(total), "kgCO2e")),
        stages=tuple(StageResult(k, Quantity(Decimal(v), "kgCO2e")) for k, v in (stages_ or {}).items()),
        performance_class="B",
        **changes,
    )


def _doc(decl: Declaration, options: TranslateOptions | None = None) -> tuple[dict[str, Any], TranslationReport]:
    output, report = write(decl, "eu-battery-json", options)
    assert_valid_everywhere("eu-battery-json", output)
    return load_json(output), report


def test_per_piece_values_per_kwh_are_exact_or_rounded_to_six_digits() -> None:
    doc, report = _doc(_battery(stages_={"raw-material-acquisition": "4270.5", "transport": "98.6",
                                         "production": "1380.9", "use": "12", "end-of-life": "100"}))
    assert doc["batteryCarbonFootprint"] == Decimal("0.052")
    assert doc["absoluteCarbonFootprint"] == Decimal("5850")
    assert doc["jjjPassportContext"]["lifetimeEnergy"] == 112500
    per_stage = {s["lifecycleStage"]: s["carbonFootprint"] for s in doc["carbonFootprintPerLifecycleStage"]}
    assert per_stage == {
        "RawMaterialExtraction": Decimal("0.03796"),
        "MainProduction": Decimal("0.0122747"),
        "Distribution": Decimal("0.000876444"),
        "Recycling": Decimal("0.000888889"),
    }
    converted = {e.target_path: e.detail for e in report.entries if e.kind is EntryKind.CONVERTED}
    assert "5850 kgCO2e per 1 piece = 0.052 kgCO2e/kWh" in converted["batteryCarbonFootprint"]
    rounded = {e.target_path: e.detail for e in report.entries if e.kind is EntryKind.ROUNDED}
    assert set(rounded) == {f"carbonFootprintPerLifecycleStage[lifecycleStage={s}]" for s in ("MainProduction", "Distribution", "Recycling")}
    assert rounded["carbonFootprintPerLifecycleStage[lifecycleStage=MainProduction]"].startswith(
        "exact 1380.9/112500 does not terminate; written 0.0122747 (6 significant digits")
    assert not report.lossless


def test_the_precision_option_sets_the_digits_of_a_per_kwh_value() -> None:
    decl = _battery(stages_={"raw-material-acquisition": "4270.5", "transport": "98.6", "production": "1380.9", "use": "12",
                             "end-of-life": "100"})
    output, report = write(decl, "eu-battery-json", TranslateOptions(precision=12))
    per_stage = {s["lifecycleStage"]: s["carbonFootprint"] for s in load_json(output)["carbonFootprintPerLifecycleStage"]}
    assert per_stage["MainProduction"] == Decimal("0.0122746666667")
    assert per_stage["RawMaterialExtraction"] == Decimal("0.03796")  # exact: never rounded


def test_manufacturer_address_and_contact_travel_in_the_manufacturer_information() -> None:
    org = dataclasses.replace(BASE.organisation, address="天津市西青区赛达工业园 Saida industrial park, Xiqing, Tianjin 300385",
                              contact="carbon@example.com.cn")
    decl = _battery(organisation=org)
    decl = dataclasses.replace(decl, results=dataclasses.replace(decl.results, fossil_removals=Quantity(Decimal("-2"), "kgCO2e")))
    doc, report = _doc(decl)
    manufacturer = doc["jjjPassportContext"]["manufacturerInformation"]
    assert manufacturer["address"] == "天津市西青区赛达工业园 Saida industrial park, Xiqing, Tianjin 300385"
    assert manufacturer["contact"] == "carbon@example.com.cn"
    dropped = {e.source_path for e in report.entries if e.kind is EntryKind.DROPPED}
    assert {"results/fossil_removals/amount", "results/fossil_removals/unit"} <= dropped
    assert not [p for p in dropped if p.startswith("organisation")]
    for format_id in FORMATS:
        assert read(write(decl, format_id)[0], format_id).declaration.organisation == org


def test_digits_are_written_and_read_without_float() -> None:
    decl = _battery(total="0.1000000000000000055511151231257827", lifetime="1")
    output, _ = write(decl, "eu-battery-json")
    assert b'"batteryCarbonFootprint": 0.1000000000000000055511151231257827' in output
    assert read(output, "eu-battery-json").declaration.results.total_including_biogenic.amount == Decimal(
        "0.1000000000000000055511151231257827")


def test_two_pieces_per_declared_unit() -> None:
    doc, _ = _doc(_battery(amount="2", total="11700"))
    assert doc["batteryCarbonFootprint"] == Decimal("0.052")
    assert doc["absoluteCarbonFootprint"] == Decimal("5850")


@pytest.mark.parametrize("unit, amount, total", [("kg", "1", "12.5"), ("t", "1", "12500"), ("kg", "10", "125")])
def test_per_mass_needs_the_battery_mass_and_converts_exactly(unit: str, amount: str, total: str) -> None:
    decl = _battery(unit=unit, amount=amount, total=total, lifetime="100000")
    with pytest.raises(MissingRequiredValue) as exc:
        write(decl, "eu-battery-json")
    assert exc.value.path == "mass_per_piece"
    doc, report = _doc(decl, TranslateOptions(mass_per_piece=Decimal("400")))
    assert doc["batteryCarbonFootprint"] == Decimal("0.05")  # 12.5 kg CO2e/kg × 400 kg / 100000 kWh
    assert doc["absoluteCarbonFootprint"] == Decimal("5000")
    assert doc["jjjPassportContext"]["batteryMass"] == 400
    assert any("mass_per_piece_kg" in e.detail for e in report.entries if e.kind is EntryKind.CONVERTED)
    back = read(dump_json(doc), "eu-battery-json").declaration
    assert back.results.total_including_biogenic.amount == Decimal(total)
    assert back.extensions == {"eu-battery": {"batteryMass": "400"}}
    again, _ = _doc(back)  # the mass travels in the extension: no option needed any more
    assert again["batteryCarbonFootprint"] == Decimal("0.05")


def test_per_megajoule_is_per_kwh_times_three_point_six() -> None:
    doc, report = _doc(_battery(unit="MJ", total="1", lifetime=None))
    assert doc["batteryCarbonFootprint"] == Decimal("3.6")
    assert "absoluteCarbonFootprint" not in doc
    assert [e.target_path for e in report.entries if e.kind is EntryKind.CONVERTED] == ["batteryCarbonFootprint"]


def test_lifetime_energy_in_megajoules_is_converted_to_kwh() -> None:
    decl = _battery(total="5850")
    decl = dataclasses.replace(decl, declared_unit=dataclasses.replace(decl.declared_unit, lifetime_energy=Quantity(Decimal("405000"), "MJ")))
    doc, report = _doc(decl)
    assert doc["jjjPassportContext"]["lifetimeEnergy"] == Decimal("112500")
    assert doc["batteryCarbonFootprint"] == Decimal("0.052")
    assert any(e.source_path == "declared_unit/lifetime_energy" and "405000 MJ = 112500 kWh" in e.detail for e in report.entries)


@pytest.mark.parametrize("format_id", ["eu-battery-json", "catenax-battery-cf"])
def test_a_lifetime_energy_in_megajoules_that_does_not_terminate_in_kwh_is_divided_by_exactly(format_id: str) -> None:
    """400000 MJ is 111111.1... kWh: the footprint per kWh is 5850 x 3.6 / 400000 = 0.05265 exactly,
    so it is written without a rounding; it used to be divided by a 34-digit kWh value and reported
    rounded against that value ("exact 5850/111111.1111111111111111111111111111")."""
    decl = _battery(total="5850", stages_={"production": "100"})
    decl = dataclasses.replace(decl, declared_unit=dataclasses.replace(decl.declared_unit, lifetime_energy=Quantity(Decimal("400000"), "MJ")))
    output, report = write(decl, format_id)
    doc = load_json(output)
    written = doc["batteryCarbonFootprint"] if format_id == "eu-battery-json" else doc["carbonFootprint"][0]["value"]
    assert written == Decimal("0.05265")
    converted = next(e.detail for e in report.entries if e.source_path == "declared_unit/lifetime_energy" and e.kind is EntryKind.CONVERTED)
    assert converted.startswith("400000 MJ = 400000/3.6 kWh exactly")
    rounded = [e for e in report.entries if e.kind is EntryKind.ROUNDED]
    assert all("111111.1" not in e.detail for e in report.entries)
    if format_id == "eu-battery-json":  # the passport writes the lifetime energy itself: that is the one rounding
        assert doc["jjjPassportContext"]["lifetimeEnergy"] == Decimal("111111")
        assert [(e.source_path, e.target_path) for e in rounded] == [("declared_unit/lifetime_energy", "jjjPassportContext/lifetimeEnergy")]
        assert "exact 400000/3.6 does not terminate" in rounded[0].detail
    else:
        assert rounded == [] and report.lossless


def test_energy_helpers_round_only_when_the_quotient_does_not_terminate() -> None:
    assert energy.quotient(Decimal("5850"), Decimal("112500")) == (Decimal("0.052"), True)
    value, exact = energy.quotient(Decimal(1), Decimal(3))
    assert not exact and len(value.as_tuple().digits) == energy.QUOTIENT_DIGITS
    assert energy.product(Decimal("1.234567890123456789012345678901234567"), Decimal("1e30")) == Decimal(
        "1234567890123456789012345678901.234567")


# -- conversion errors ---------------------------------------------------------------------------


def test_per_piece_without_lifetime_energy_names_the_field_and_the_option_fills_it() -> None:
    decl = _battery(lifetime=None)
    with pytest.raises(MissingRequiredValue) as exc:
        write(decl, "eu-battery-json")
    assert exc.value.path == "declared_unit/lifetime_energy"
    assert exc.value.metadata["target"] == "batteryCarbonFootprint"
    doc, report = _doc(decl, TranslateOptions(lifetime_energy=Decimal("112500")))
    assert doc["batteryCarbonFootprint"] == Decimal("0.052")
    assert any("option lifetime_energy_kwh" in e.detail for e in report.entries if e.target_path == "batteryCarbonFootprint")


def test_declared_unit_without_an_energy_meaning_is_unrepresentable() -> None:
    with pytest.raises(Unrepresentable) as exc:
        write(_battery(unit="m2"), "eu-battery-json")
    assert exc.value.path == "declared_unit/unit"


@pytest.mark.parametrize("change, path", [
    (lambda d: dataclasses.replace(d, performance_class=None), "performance_class"),
    (lambda d: dataclasses.replace(d, links=None), "links/study_url"),
    (lambda d: dataclasses.replace(d, results=Results()), "results/total_including_biogenic"),
])
def test_required_values_name_the_field(change: Any, path: str) -> None:
    with pytest.raises(MissingRequiredValue) as exc:
        write(change(_battery()), "eu-battery-json")
    assert exc.value.path == path


def test_class_and_study_may_be_supplied_by_the_caller_and_are_reported() -> None:
    decl = dataclasses.replace(_battery(), performance_class=None, links=None)
    options = TranslateOptions(supplied={"performance_class": "C", "links/study_url": "https://example.org/study/1"})
    doc, report = _doc(decl, options)
    assert (doc["carbonFootprintPerformanceClass"], doc["carbonFootprintStudy"]) == ("C", "https://example.org/study/1")
    assert {e.target_path for e in report.entries if e.kind is EntryKind.SUPPLIED} == {"performance_class", "links/study_url"}
    assert not [e for e in report.entries if e.kind is EntryKind.DEFAULTED]


def test_class_and_study_travel_unchanged() -> None:
    decl = dataclasses.replace(_battery(), performance_class="Klasse A+", links=Links("urn:study:tj:2025:7"))
    doc, _ = _doc(decl)
    assert (doc["carbonFootprintPerformanceClass"], doc["carbonFootprintStudy"]) == ("Klasse A+", "urn:study:tj:2025:7")
    back = read(dump_json(doc), "eu-battery-json").declaration
    assert (back.performance_class, back.links.study_url) == ("Klasse A+", "urn:study:tj:2025:7")


def test_total_excluding_biogenic_is_used_only_when_needed_and_reported() -> None:
    decl = dataclasses.replace(_battery(), results=Results(total_excluding_biogenic=Quantity(Decimal("5850"), "kgCO2e")))
    doc, report = _doc(decl)
    assert doc["batteryCarbonFootprint"] == Decimal("0.052")
    assert [e.source_path for e in report.entries if e.kind is EntryKind.DEFAULTED] == ["results/total_excluding_biogenic"]
    assert not report.lossless


# -- stages --------------------------------------------------------------------------------------


def test_use_stage_is_dropped_and_transport_rule_reported() -> None:
    _, report = _doc(_battery(stages_={"transport": "98.6", "use": "12"}))
    dropped = [e for e in report.entries if e.kind is EntryKind.DROPPED and e.source_path == "stages/1"]
    assert len(dropped) == 1 and "excluded" in dropped[0].detail
    rule = [e for e in report.entries if e.source_path == "stages/0" and "transport-to-distribution" in e.detail]
    assert rule and rule[0].target_path == "carbonFootprintPerLifecycleStage[lifecycleStage=Distribution]"


def test_reading_distribution_reports_what_cannot_be_separated() -> None:
    doc, _ = _doc(_battery(stages_={"transport": "98.6"}))
    reading = read(dump_json(doc), "eu-battery-json")
    assert any("inbound transport" in e.detail and e.target_path == "stages[stage=transport]" for e in reading.report.entries)
    assert reading.report.lossless


def test_stages_covering_several_regional_stages_are_summed_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    scheme = StageScheme("eu-battery", "test", "transport-to-distribution", (
        SchemeStage("RawMaterialExtraction", "raw", ("raw-material-acquisition", "transport")),
        SchemeStage("MainProduction", "main", ("production",)),
    ))
    monkeypatch.setattr(codelists, "stage_schemes", lambda: {"eu-battery": scheme})
    report = TranslationReport()
    data = [{"stage": "raw-material-acquisition", "value": {"amount": "0.1"}},
            {"stage": "transport", "value": {"amount": "0.2"}},
            {"stage": "production", "value": {"amount": "1E+30"}}]
    out = stages.to_regulation(data, report)
    assert out == [("RawMaterialExtraction", Decimal("0.3"), "stages/0,stages/1"), ("MainProduction", Decimal("1E+30"), "stages/2")]
    assert any("aggregated" in e.detail for e in report.entries)


def test_repeated_regulation_stages_are_summed_on_reading() -> None:
    doc, _ = _doc(_battery(lifetime="1", stages_={"production": "1"}))
    doc["carbonFootprintPerLifecycleStage"].append({"lifecycleStage": "MainProduction", "carbonFootprint": Decimal("0.5")})
    reading = read(dump_json(doc), "eu-battery-json")
    assert reading.declaration.stages == (StageResult("production", Quantity(Decimal("1.5"), "kgCO2e")),)


# -- absolute footprint and extensions -----------------------------------------------------------


def test_inconsistent_absolute_footprint_is_kept_then_replaced_with_a_report() -> None:
    doc, _ = _doc(_battery())
    doc["absoluteCarbonFootprint"] = Decimal("6000")
    back = read(dump_json(doc), "eu-battery-json").declaration
    assert back.results.total_including_biogenic.amount == Decimal("5850")
    assert back.extensions == {"eu-battery": {"absoluteCarbonFootprint": "6000"}}
    again, report = _doc(back)
    assert again["absoluteCarbonFootprint"] == 5850
    assert [e.source_path for e in report.entries if e.kind is EntryKind.DROPPED] == [
        "extensions/eu-battery/absoluteCarbonFootprint"]


def test_absolute_without_lifetime_energy_travels_in_the_extension() -> None:
    decl = _battery(unit="kWh", total="61.25", lifetime=None,
                    extensions={"eu-battery": {"absoluteCarbonFootprint": "4900", "batteryCategory": "ev"}})
    doc, report = _doc(decl)
    assert (doc["absoluteCarbonFootprint"], doc["jjjPassportContext"]["batteryCategory"]) == (4900, "ev")
    assert [e.source_path for e in report.entries] == ["method/boundary"]
    back = read(dump_json(doc), "eu-battery-json").declaration
    assert back.extensions == {"eu-battery": {"absoluteCarbonFootprint": "4900", "batteryCategory": "ev"}}


@pytest.mark.parametrize("remove, path", [("lifetimeEnergy", "jjjPassportContext/lifetimeEnergy"),
                                          ("batteryMass", "jjjPassportContext/batteryMass")])
def test_reading_back_per_piece_or_per_kg_needs_the_basis(remove: str, path: str) -> None:
    doc, _ = _doc(_battery(unit="kg", total="12.5", lifetime="100000"), TranslateOptions(mass_per_piece=Decimal("400")))
    del doc["jjjPassportContext"][remove]
    with pytest.raises(MissingRequiredValue) as exc:
        read(dump_json(doc), "eu-battery-json")
    assert exc.value.path == path


def test_reading_a_value_per_kwh_back_per_kg_that_does_not_terminate_is_reported_rounded() -> None:
    """Per kg of a 3 kg battery: 0.00001 kgCO2e/kWh x 100000 kWh / 3 kg does not terminate, and
    a reading that rounds is not lossless (it used to be a converted entry with a note)."""
    doc, _ = _doc(_battery(unit="kg", total="12.5", lifetime="100000"), TranslateOptions(mass_per_piece=Decimal("3")))
    doc["batteryCarbonFootprint"] = Decimal("0.00001")
    doc.pop("absoluteCarbonFootprint", None)
    report = read(dump_json(doc), "eu-battery-json").report
    rounded = [(e.source_path, e.target_path) for e in report.entries if e.kind is EntryKind.ROUNDED]
    assert rounded == [("batteryCarbonFootprint", "results/total_including_biogenic")]
    assert not report.lossless


# -- schema, XSD, hostile XML --------------------------------------------------------------------


def test_schema_violations_carry_paths() -> None:
    doc, _ = _doc(_battery(stages_={"production": "1"}))
    doc["carbonFootprintPerLifecycleStage"][0]["lifecycleStage"] = "Use"
    with pytest.raises(SchemaViolation) as exc:
        read(dump_json(doc), "eu-battery-json")
    assert exc.value.path == "/carbonFootprintPerLifecycleStage/0/lifecycleStage"


def test_xml_is_xsd_valid_and_round_trips() -> None:
    decl = _battery(stages_={"production": "1380.6", "end-of-life": "99.9"})  # per 112500 kWh: quotients that terminate
    output, _ = write(decl, "eu-battery-xml")
    XML_FORMAT.xml_schema.assertValid(etree.fromstring(output))
    assert XML_FORMAT.detect(output) and not JSON_FORMAT.detect(output)
    assert read(output, "eu-battery-xml").declaration == passport_view(decl)


# -- the examples --------------------------------------------------------------------------------


BATTERY_EXAMPLES = sorted(p for p in EXAMPLES.glob("*batter*.json"))


@pytest.mark.parametrize("path", BATTERY_EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("format_id", FORMATS)
def test_battery_examples_convert(path: Path, format_id: str) -> None:
    source = read(path.read_bytes())
    decl = source.declaration
    options = TranslateOptions(supplied={"links/study_url": "https://example.org/study"} if not (decl.links and decl.links.study_url) else {})
    output, report = write(decl, format_id, options)
    assert_valid_everywhere(format_id, output)
    _assert_only_documented_losses(report)
    back = read(output, format_id).declaration
    assert back.results.total_including_biogenic == decl.results.total_including_biogenic
