"""A bare Battery Pass CarbonFootprint aspect, as published (1.2.0, UTF-16LE with a BOM) and in
the 1.0.0 shape (no absoluteCarbonFootprint): read as eu-battery-json without the companion
object, every value it carries kept, everything it lacks defaulted or missing in the report,
plausibility warnings, onward with --set."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from gateway.cli import main
from gateway.core.parsing import dump_json, load_json
from gateway.core.report import EntryKind, TranslationReport
from gateway.translate import read, translate
from mappings import TranslateOptions, detect_format
from mappings.eu_battery import aspect
from tests.anchors import require

ROOT = Path(__file__).resolve().parents[2]
ANCHORS = ROOT / "../shared/anchors/battery"
PAYLOAD = ANCHORS / "CarbonFootprintForBatteries-payload.json"
SCHEMA = ANCHORS / "CarbonFootprintForBatteries-schema.json"
HUGE = Decimal("-1.7976931348623157E308")
# What a canonical declaration needs and the aspect does not carry.
DEFAULTED = {"id", "created", "version", "status", "organisation/name", "product/name", "declared_unit"}
MISSING = {"region", "organisation/ids", "product/ids", "declared_unit/lifetime_energy",
           "links/conformity_declaration_id", "method/standards"}
# A plausible 1.0.0 aspect: the four properties of io.BatteryPass.CarbonFootprint 1.0.0.
V1_0 = {
    "batteryCarbonFootprint": Decimal("0.0712"),
    "carbonFootprintPerLifecycleStage": [
        {"lifecycleStage": "RawMaterialExtraction", "carbonFootprint": Decimal("0.05")},
        {"lifecycleStage": "MainProduction", "carbonFootprint": Decimal("0.02")},
        {"lifecycleStage": "Distribution", "carbonFootprint": Decimal("0.0012")},
    ],
    "carbonFootprintPerformanceClass": "B",
    "carbonFootprintStudy": "https://example.com/battery-cf-study.pdf",
}
IDENTITY = {"id": "5b2f6d0e-8a34-4f4e-9c55-2c8d7f1a6b21", "created": "2026-11-30T08:00:00Z",
            "organisation/name": json.dumps({"en": "Tianjin Cell Works"}), "product/name": json.dumps({"en": "NMC pack 75"})}


def published() -> bytes:
    return require(PAYLOAD).read_bytes()


def official_validator() -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(json.loads(require(SCHEMA).read_bytes().decode("utf-16")))


def kinds(report: TranslationReport, kind: EntryKind) -> dict[str, str]:
    return {(e.target_path or e.source_path): e.detail for e in report.entries if e.kind == kind}


def test_the_published_payload_is_detected_and_read_keeping_every_value() -> None:
    data = published()
    assert data.startswith(b"\xff\xfe")
    official_validator().validate(json.loads(data.decode("utf-16")))
    reading = read(data)
    assert reading.format.id == "eu-battery-json"
    decl = reading.declaration
    assert decl.results.total_including_biogenic.amount == HUGE
    assert [(s.stage, s.value.amount) for s in decl.stages] == [("raw-material-acquisition", HUGE)]
    assert decl.performance_class == "eOMtThyhVNLWUZNRcBaQKxI"
    assert decl.links.study_url == "telnet://192.0.2.16:80/"
    # no lifetime energy: the absolute footprint cannot be checked against the total, so it is kept
    assert decl.extensions["eu-battery"]["absoluteCarbonFootprint"] == format(HUGE, "f")
    assert (decl.declared_unit.unit, decl.declared_unit.amount) == ("kWh", Decimal("1"))


def test_the_report_names_every_defaulted_and_missing_value() -> None:
    report = read(published()).report
    assert set(kinds(report, EntryKind.DEFAULTED)) == DEFAULTED
    assert set(kinds(report, EntryKind.MISSING)) == MISSING
    assert not report.lossless
    assert "--set id=" in kinds(report, EntryKind.DEFAULTED)["id"]
    assert "kWh" in kinds(report, EntryKind.DEFAULTED)["declared_unit"]


def test_the_derived_id_is_the_same_for_the_same_document() -> None:
    assert read(published()).declaration.id == read(published()).declaration.id
    other = load_json(published())
    other["carbonFootprintPerformanceClass"] = "A"
    assert read(dump_json(other)).declaration.id != read(published()).declaration.id


def test_negative_and_absurd_footprints_are_warnings_and_read_as_published() -> None:
    warnings = [e for e in read(published()).report.entries if e.kind == EntryKind.WARNING and "plausibility" in e.detail]
    by_path: dict[str, list[str]] = {}
    for e in warnings:
        by_path.setdefault(e.source_path, []).append(e.detail)
    assert set(by_path) == {"batteryCarbonFootprint", "carbonFootprintPerLifecycleStage/0/carbonFootprint",
                            "absoluteCarbonFootprint"}
    assert all(len(details) == 2 for details in by_path.values())  # negative, and beyond the bound


@pytest.mark.parametrize(("value", "expected"), [("0.0712", 0), ("0", 0), ("1000", 0), ("1000.5", 1), ("-0.01", 1), ("-5000", 2)])
def test_plausibility_bounds(value: str, expected: int) -> None:
    report = TranslationReport()
    aspect.check_plausible({"batteryCarbonFootprint": Decimal(value), "carbonFootprintPerLifecycleStage": []}, report)
    assert len(report.entries) == expected


def test_the_1_0_0_shape_reads_without_warnings() -> None:
    document = dump_json(V1_0)
    official_validator().validate(json.loads(document))  # 1.0.0 is 1.2.0 without the optional absolute footprint
    reading = read(document)
    assert reading.format.id == "eu-battery-json"
    decl = reading.declaration
    assert decl.results.total_including_biogenic.amount == Decimal("0.0712")
    assert {s.stage: s.value.amount for s in decl.stages} == {
        "raw-material-acquisition": Decimal("0.05"), "production": Decimal("0.02"), "transport": Decimal("0.0012")}
    assert "eu-battery" not in decl.extensions
    assert not [e for e in reading.report.entries if e.kind == EntryKind.WARNING]
    assert set(kinds(reading.report, EntryKind.DEFAULTED)) == DEFAULTED


# What the regional format needs beyond the identity (the aspect has no total excluding biogenic).
TO_REGIONAL = {"region": "120000", "method/boundary": "cradle-to-gate", "method/gwp_set": "AR6",
               "results/total_excluding_biogenic": json.dumps({"amount": "0.0712", "unit": "kgCO2e"}),
               "organisation/ids/-": json.dumps({"scheme": "uscc", "value": "91110111MA00G6Q2B8"})}


def test_supplied_identity_replaces_the_defaults_onward() -> None:
    result = translate(dump_json(V1_0), "catenax-battery-cf", options=TranslateOptions.from_mapping({}, IDENTITY))
    assert set(kinds(result.report, EntryKind.SUPPLIED)) == set(IDENTITY)
    assert "replaces the declaration's" in kinds(result.report, EntryKind.SUPPLIED)["id"]
    back = read(result.output)
    assert str(back.declaration.id) == IDENTITY["id"] and back.declaration.organisation.name.en == "Tianjin Cell Works"
    assert back.declaration.results.total_including_biogenic.amount == Decimal("0.0712")


def test_with_what_it_needs_the_aspect_reaches_the_regional_format() -> None:
    supplied = {**IDENTITY, **TO_REGIONAL}
    result = translate(dump_json(V1_0), "cn-jjj-json", options=TranslateOptions.from_mapping({}, supplied))
    assert set(kinds(result.report, EntryKind.SUPPLIED)) == {*IDENTITY, *TO_REGIONAL} - {"organisation/ids/-"} | {"organisation/ids/0"}
    regional = read(result.output).declaration
    assert (str(regional.id), regional.region) == (IDENTITY["id"], "120000")
    assert regional.results.total_including_biogenic.amount == Decimal("0.0712")
    assert {s.stage: s.value.amount for s in regional.stages}["production"] == Decimal("0.02")


def test_fpgw_convert_reads_the_published_payload(tmp_path: Path) -> None:
    out = tmp_path / "canonical.json"
    result = CliRunner().invoke(main, ["convert", str(require(PAYLOAD)), "--to", "canonical-json", "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["lossless"] is False and report["counts"]["defaulted"] == len(DEFAULTED)
    canonical = load_json(out.read_bytes())
    assert Decimal(canonical["results"]["total_including_biogenic"]["amount"]) == HUGE
    sets = [a for path, value in IDENTITY.items() for a in ("--set", f"{path}={value}")]
    onward = tmp_path / "passport.json"
    result = CliRunner().invoke(main, ["convert", str(require(PAYLOAD)), "--to", "eu-battery-json", "-o", str(onward), "--json", *sets])
    assert result.exit_code == 0, result.output
    doc = load_json(onward.read_bytes())
    assert doc["jjjPassportContext"]["declarationId"] == IDENTITY["id"]
    assert doc["batteryCarbonFootprint"] == HUGE
    official_validator().validate(json.loads(onward.read_bytes()))


def test_a_companion_document_is_not_defaulted() -> None:
    document = dump_json(V1_0)
    passport = load_json(translate(document, "eu-battery-json", options=TranslateOptions.from_mapping({}, IDENTITY)).output)
    assert "jjjPassportContext" in passport
    assert not [e for e in read(dump_json(passport)).report.entries if e.kind in (EntryKind.DEFAULTED, EntryKind.MISSING)]
    bare = copy.deepcopy(passport)
    del bare["jjjPassportContext"]
    assert detect_format(dump_json(bare)).id == "eu-battery-json"
