"""cn-jjj-json / cn-jjj-xml: round trips, the examples, identifier checks, errors with paths."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from gateway import examples
from gateway.core.errors import (
    InvalidIdentifier, InvalidValue, MissingRequiredValue, SchemaViolation,
    Unrepresentable,
)
from gateway.core.model.checks import identifier_violations
from gateway.core.model.identifiers import gtin_check_digit, uscc_check_character
from gateway.core.model import Declaration, ExcludedStage, Identifier, Quantity, Site, codelists
from gateway.core.parsing import dump_json, load_json
from gateway.translate import read, write
from mappings.base import TranslateOptions
from mappings.cn_jjj import FIELDS, JSON_FORMAT, XML_FORMAT
from mappings.fieldmap import leaves
from tests.strategies import declarations, texts

EXAMPLES = examples.folder()
JSON_EXAMPLES = sorted(EXAMPLES.glob("*.json"))
OPTIONS = TranslateOptions()

_json_scalars = st.one_of(st.integers(-1000, 1000), st.text(max_size=8), st.booleans(), st.none())
_extension_values = st.recursive(
    _json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=5,
)


@st.composite
def regional_declarations(draw: st.DrawFn) -> Declaration:
    """The shared strategy plus what it leaves out: sites, extra ids, exclusions, lifetime
    energy and extensions, all of which the regional format holds."""
    decl = draw(declarations())
    product = decl.product
    if draw(st.booleans()):
        product = dataclasses.replace(
            product,
            ids=product.ids + (Identifier("model", draw(st.text("ABC-0123456789", min_size=1, max_size=10))),),
            sites=(Site(draw(texts()), "河北省唐山市", "CN", "130000"),),
        )
    method = decl.method
    if draw(st.booleans()):
        method = dataclasses.replace(method, excluded_stages=(ExcludedStage("use", "excluded by the PCR"),))
    unit = decl.declared_unit
    if draw(st.booleans()):
        unit = dataclasses.replace(unit, lifetime_energy=Quantity(Decimal("112500"), "kWh"))
    extensions = draw(st.dictionaries(st.sampled_from(["urn:a", "urn:jjj:x"]), _extension_values, max_size=2))
    return dataclasses.replace(decl, product=product, method=method, declared_unit=unit, extensions=extensions)


# -- round trips ---------------------------------------------------------------------------------


@given(regional_declarations())
def test_canonical_to_json_to_canonical_is_identity(decl: Declaration) -> None:
    data, report = write(decl, "cn-jjj-json")
    assert report.entries == []
    reading = read(data, "cn-jjj-json")
    assert reading.declaration == decl
    assert reading.report.entries == []


@given(regional_declarations())
def test_canonical_to_xml_to_canonical_is_identity(decl: Declaration) -> None:
    data, report = write(decl, "cn-jjj-xml")
    assert report.entries == []
    XML_FORMAT.xml_schema.assertValid(etree.fromstring(data))
    reading = read(data, "cn-jjj-xml")
    assert reading.declaration == decl


def test_uscc_not_first_is_reported_and_read_back_first() -> None:
    decl = read(JSON_EXAMPLES[0].read_bytes()).declaration
    org = decl.organisation
    lei = Identifier("lei", "529900T8BM49AURSDO55")
    moved = dataclasses.replace(decl, organisation=dataclasses.replace(org, ids=(lei, *org.ids)))
    data, report = write(moved, "cn-jjj-json")
    assert [(e.kind.value, e.source_path) for e in report.entries] == [("converted", "organisation/ids/1")]
    assert report.lossless
    assert read(data).declaration.organisation.ids == (*org.ids, lei)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: dataclasses.replace(d, region=None), "region"),
        (lambda d: dataclasses.replace(d, organisation=dataclasses.replace(d.organisation, ids=())), "organisation/ids[scheme=uscc]/value"),
        (lambda d: dataclasses.replace(d, method=dataclasses.replace(d.method, gwp_set=None)), "method/gwp_set"),
    ],
    ids=["region", "uscc", "gwp-set"],
)
def test_writing_without_a_required_value_names_the_field(change, path: str) -> None:
    decl = change(read(JSON_EXAMPLES[0].read_bytes()).declaration)
    with pytest.raises(MissingRequiredValue) as exc:
        write(decl, "cn-jjj-json")
    assert exc.value.path == path


def test_result_in_another_unit_is_unrepresentable() -> None:
    decl = read(JSON_EXAMPLES[0].read_bytes()).declaration
    stage = dataclasses.replace(decl.stages[0], value=Quantity(Decimal("1"), "tCO2e"))
    with pytest.raises(Unrepresentable) as exc:
        JSON_FORMAT.from_canonical(dataclasses.replace(decl, stages=(stage, *decl.stages[1:])), OPTIONS)
    assert exc.value.path == "stages/0/value"


# -- the examples ----------------------------------------------------------------------------------


def test_there_are_examples_for_six_sectors_at_least() -> None:
    sectors = {read(p.read_bytes()).declaration.product.sector for p in JSON_EXAMPLES}
    assert len(JSON_EXAMPLES) >= 8 and len(sectors) >= 6


@pytest.mark.parametrize("path", JSON_EXAMPLES, ids=lambda p: p.stem)
def test_example_validates_and_reads(path: Path) -> None:
    native = load_json(path.read_bytes())
    jsonschema.Draft202012Validator(JSON_FORMAT.schema).validate(native)
    xml = path.with_suffix(".xml").read_bytes()
    XML_FORMAT.xml_schema.assertValid(etree.fromstring(xml))
    assert JSON_FORMAT.detect(path.read_bytes()) and XML_FORMAT.detect(xml)
    assert not JSON_FORMAT.detect(xml) and not XML_FORMAT.detect(path.read_bytes())
    from_json = read(path.read_bytes()).declaration
    from_xml = read(xml).declaration
    assert from_json == from_xml


@pytest.mark.parametrize("path", JSON_EXAMPLES, ids=lambda p: p.stem)
def test_example_xml_is_what_the_format_emits_from_the_json(path: Path) -> None:
    data, _ = write(read(path.read_bytes()).declaration, "cn-jjj-xml")
    assert path.with_suffix(".xml").read_bytes() == data, f"regenerate: fpgw convert {path.name} --to cn-jjj-xml"


@pytest.mark.parametrize("path", JSON_EXAMPLES, ids=lambda p: p.stem)
def test_example_values_are_consistent(path: Path) -> None:
    decl = read(path.read_bytes()).declaration
    total = decl.results.total_excluding_biogenic.amount
    assert sum(s.value.amount for s in decl.stages) == total
    if decl.gases:
        gwp = codelists.gwp_sets()[decl.method.gwp_set.value]
        assert sum(g.mass.amount * gwp[g.gas] for g in decl.gases) == total
    if decl.declared_unit.unit == "piece":
        assert decl.declared_unit.mass is not None
    if decl.product.sector == "batteries":
        assert decl.declared_unit.lifetime_energy is not None
    assert any("国家产品碳足迹因子数据库" in f.database for f in decl.data_quality.factor_sources)


PLAUSIBLE = {  # kg CO2e per declared unit
    "hebei-hot-rolled-steel-coil": ("t", 2000, 2300),
    "beijing-cement": ("t", 600, 900),
    "beijing-electrolytic-aluminium": ("t", 14000, 17000),
    "tianjin-polypropylene": ("kg", Decimal("1.4"), Decimal("2.2")),
    "tianjin-ev-battery-pack-nmc": ("piece", 75 * 60, 75 * 100),  # 60-100 kg CO2e per kWh of 75 kWh
}


@pytest.mark.parametrize("name", sorted(PLAUSIBLE))
def test_example_totals_are_plausible(name: str) -> None:
    unit, low, high = PLAUSIBLE[name]
    decl = read((EXAMPLES / f"{name}.json").read_bytes()).declaration
    assert decl.declared_unit.unit == unit
    assert low <= decl.results.total_excluding_biogenic.amount <= high


# -- refusals with paths -------------------------------------------------------------------------


def _example() -> dict:
    return json.loads((EXAMPLES / "hebei-hot-rolled-steel-coil.json").read_text("utf-8"), parse_float=Decimal)


def _edited(edit) -> dict:
    doc = _example()
    edit(doc)
    return doc


def _as_xml(doc: dict) -> bytes:
    return XML_FORMAT.emit(XML_FORMAT.codec.to_xml(doc))


BAD_IDENTIFIERS = [
    (lambda d: d["organization"].update(unifiedSocialCreditCode="91130200MA0CH4T61A"), "/organization/unifiedSocialCreditCode"),
    (lambda d: d["product"].update(gtin="6920457001180"), "/product/gtin"),
    (lambda d: d.update(issuingRegionCode="190000"), "/issuingRegionCode"),
    (lambda d: d["product"].update(otherIdentifiers=[{"scheme": "gtin", "value": "12345670"}, {"scheme": "gtin", "value": "12345671"}]),
     "/product/otherIdentifiers/1/value"),
]


@pytest.mark.parametrize(("edit", "path"), BAD_IDENTIFIERS, ids=["uscc", "gtin", "region", "other-gtin"])
@pytest.mark.parametrize("syntax", ["json", "xml"])
def test_invalid_identifier_is_refused_with_its_path(edit, path: str, syntax: str) -> None:
    doc = _edited(edit)
    data = dump_json(doc) if syntax == "json" else _as_xml(doc)
    with pytest.raises(InvalidIdentifier) as exc:
        read(data, f"cn-jjj-{syntax}")
    assert exc.value.path == path
    assert exc.value.reason == "INVALID_IDENTIFIER"


_ID_SCHEMES = st.sampled_from(["uscc", "gtin", "lei", "USCC"])
# Well-formed codes, most with their right check character, so that documents passing the native
# check are drawn often.
_MOSTLY = st.sampled_from([True, True, True, True, False])
_USCC = st.builds(lambda body, ok, last: body + (uscc_check_character(body) if ok else last),
                  st.from_regex(r"9[0-9]{7}[0-9A-HJ-NPQRTUWXY]{9}", fullmatch=True), _MOSTLY, st.sampled_from("0A"))
_GTIN = st.builds(lambda body, ok, last: body + (gtin_check_digit(body) if ok else last),
                  st.from_regex(r"[0-9]{12}", fullmatch=True), _MOSTLY, st.sampled_from("05"))
_ID_VALUES = st.one_of(_USCC, _GTIN, st.text(min_size=1, max_size=20))


@given(
    uscc=_USCC, gtin=st.one_of(st.none(), _ID_VALUES),
    others=st.lists(st.fixed_dictionaries({"scheme": _ID_SCHEMES, "value": _ID_VALUES}), max_size=3),
    scope=st.sampled_from(["organization", "product"]),
)
def test_the_native_check_passes_only_ids_the_model_check_passes(uscc: str, gtin: str | None, others: list, scope: str) -> None:
    # Strict reading checks a cn-jjj document's ids once, on the native tree (validates_identifiers):
    # sound only while every id the reading gives the model is one check_document checked.
    doc = _example()
    doc["organization"]["unifiedSocialCreditCode"] = uscc
    if gtin is None:
        doc["product"].pop("gtin", None)
    else:
        doc["product"]["gtin"] = gtin
    doc[scope]["otherIdentifiers"] = others
    try:
        JSON_FORMAT.validate(doc)
    except (InvalidIdentifier, SchemaViolation):
        return
    decl, _ = JSON_FORMAT.to_canonical(doc, OPTIONS)
    assert identifier_violations(decl) == []
    assert decl.organisation.ids[0].value == uscc


def test_stage_name_must_match_the_code() -> None:
    doc = _edited(lambda d: d["stageResults"][1].update(stageName="生产加工"))
    with pytest.raises(InvalidValue) as exc:
        JSON_FORMAT.validate(doc)
    assert exc.value.path == "/stageResults/1/stageName"


JSON_VIOLATIONS = [
    (lambda d: d["organization"].pop("unifiedSocialCreditCode"), "/organization"),
    (lambda d: d["result"].update(total="2150.4"), "/result/total"),
    (lambda d: d["stageResults"][0].update(stageCode="mining"), "/stageResults/0/stageCode"),
    (lambda d: d["methodology"].update(gwpSet="AR4"), "/methodology/gwpSet"),
    (lambda d: d["dataQuality"]["dqr"].update(temporal=Decimal("6")), "/dataQuality/dqr/temporal"),
    (lambda d: d["result"].update(fossilRemovals=Decimal("0.5")), "/result/fossilRemovals"),
    (lambda d: d["organization"].update(contact=""), "/organization/contact"),
    (lambda d: d.update(bogus=1), ""),
]


@pytest.mark.parametrize(("edit", "path"), JSON_VIOLATIONS,
                         ids=["missing-uscc", "string-total", "stage", "gwp", "dqr", "positive-fossil-removals", "empty-contact", "extra"])
def test_json_schema_violations_carry_paths(edit, path: str) -> None:
    with pytest.raises(SchemaViolation) as exc:
        JSON_FORMAT.validate(_edited(edit))
    assert exc.value.path == (path or "/")


XML_VIOLATIONS = [
    (b"<gwpSet>AR5</gwpSet>", b"<gwpSet>AR4</gwpSet>"),
    (b"<unifiedSocialCreditCode>", b"<bogus>x</bogus><unifiedSocialCreditCode>"),
    (b"<total>2150.4</total>", b"<total>2150,4</total>"),
]


@pytest.mark.parametrize(("old", "new"), XML_VIOLATIONS, ids=["enum", "unknown-element", "decimal"])
def test_xml_schema_violations_are_refused(old: bytes, new: bytes) -> None:
    data = (EXAMPLES / "hebei-hot-rolled-steel-coil.xml").read_bytes().replace(old, new)
    with pytest.raises(SchemaViolation) as exc:
        read(data, "cn-jjj-xml")
    assert exc.value.violations and exc.value.path


def test_xml_constraint_beyond_xsd_is_checked_by_the_json_schema() -> None:
    """minProperties on a bilingual text cannot be stated in XSD; the tree read from XML is
    validated against the JSON Schema too."""
    data = (EXAMPLES / "beijing-cement.xml").read_bytes()
    start, end = data.index(b"<description>"), data.index(b"</description>") + len(b"</description>")
    with pytest.raises(SchemaViolation) as exc:
        read(data[:start] + b"<description/>" + data[end:], "cn-jjj-xml")
    assert exc.value.path == "/product/description"


# -- the schema, the XSD and the field table agree with the code lists ---------------------------


def test_schema_enums_follow_the_code_lists() -> None:
    props = JSON_FORMAT.schema["properties"]
    assert JSON_FORMAT.schema["$defs"]["StageCode"]["enum"] == list(codelists.stages())
    assert props["product"]["properties"]["sector"]["enum"] == list(codelists.sectors())
    assert props["declaredUnit"]["properties"]["unit"]["enum"] == list(codelists.units())
    assert props["methodology"]["properties"]["systemBoundary"]["enum"] == list(codelists.boundaries())
    assert props["ghgInventory"]["items"]["properties"]["gas"]["enum"] == list(codelists.gwp_sets()["AR6"])


def test_every_schema_member_has_a_field_row() -> None:
    """Nothing in the document is unmapped: every leaf member of the schema is a row's native path."""
    schema = JSON_FORMAT.schema

    def members(node: dict, prefix: str):
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node
        if "properties" in node:
            for key, sub in node["properties"].items():
                yield from members(sub, f"{prefix}/{key}" if prefix else key)
        elif node.get("type") == "array" and "properties" in schema["$defs"].get(
            node["items"].get("$ref", "#/x/").rsplit("/", 1)[1], node["items"]
        ):
            yield from members(node["items"], prefix + "[]")
        else:
            yield prefix

    rows = {r.native for r in FIELDS.rules}
    assert sorted(set(members(schema, "")) - rows) == []


def test_stage_names_in_documents_come_from_the_code_list() -> None:
    doc = _example()
    names = {s["stageCode"]: s["stageName"] for s in doc["stageResults"]}
    assert names == {code: codelists.stages()[code].zh for code in names}
    assert dict(leaves(doc["result"]))["unit"] == "kgCO2e"
