"""The schema-driven XML codec: round trips, generated XSD, errors with paths, hostile input."""

from __future__ import annotations

from decimal import Decimal

import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from gateway.core.errors import DocumentTooLarge, HostileDocument, MalformedDocument, SchemaViolation
from mappings.xmlcodec import XmlCodec
from mappings.xsdgen import xsd_from_json_schema, xsd_pattern

NS = "urn:test:codec:1"

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:test:codec:schema",
    "title": "测试文档",
    "description": "测试 Test document",
    "type": "object",
    "additionalProperties": False,
    "required": ["specVersion", "name", "amount"],
    "properties": {
        "specVersion": {"const": "1.0"},
        "name": {"$ref": "#/$defs/Text", "title": "名称"},
        "amount": {"type": "number", "minimum": 0},
        "count": {"type": "integer"},
        "flag": {"type": "boolean"},
        "code": {"type": "string", "pattern": "^[0-9]{6}$"},
        "kind": {"type": "string", "enum": ["a", "b"]},
        "day": {"type": "string", "format": "date"},
        "items": {"type": "array", "items": {"$ref": "#/$defs/Item", "xml": {"name": "item"}}},
        "tags": {"type": "array", "items": {"type": "string", "xml": {"name": "tag"}}},
        "extensions": {"type": "object"},
    },
    "$defs": {
        "Text": {
            "type": "object", "title": "双语文本", "additionalProperties": False,
            "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
        },
        "Item": {
            "type": "object", "additionalProperties": False, "required": ["value"],
            "properties": {"value": {"type": "number"}, "label": {"type": "string"}},
        },
    },
}

CODEC = XmlCodec(SCHEMA, "doc", NS)
XSD = etree.XMLSchema(etree.fromstring(xsd_from_json_schema(SCHEMA, "doc", NS)))
VALIDATOR = jsonschema_rs.validator_for(SCHEMA)

_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x9FA5, exclude_categories=("Cs",)), max_size=12)
_numbers = st.one_of(
    st.integers(0, 10**12),
    st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False).filter(
        lambda d: "." in format(d, "f")
    ),
)
_json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**53 - 1), 2**53 - 1), _text),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_text, inner, max_size=3)),
    max_leaves=6,
)


trees = st.fixed_dictionaries(
    {"specVersion": st.just("1.0"), "name": st.fixed_dictionaries({}, optional={"zh": _text, "en": _text}), "amount": _numbers},
    optional={
        "count": st.integers(-1000, 1000),
        "flag": st.booleans(),
        "code": st.from_regex(r"\A[0-9]{6}\Z"),
        "kind": st.sampled_from(["a", "b"]),
        "day": st.dates().map(lambda d: d.isoformat()),
        "items": st.lists(st.fixed_dictionaries({"value": _numbers}, optional={"label": _text}), max_size=3),
        "tags": st.lists(_text, max_size=3),
        "extensions": st.dictionaries(_text, _json_values, max_size=3),
    },
)


@given(trees)
def test_tree_to_xml_and_back_is_identity_and_xsd_valid(tree: dict) -> None:
    assert VALIDATOR.is_valid(tree)
    element = CODEC.to_xml(tree)
    XSD.assertValid(element)
    data = etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    assert CODEC.from_xml(CODEC.parse(data)) == tree


def test_decimal_digits_survive() -> None:
    tree = {"specVersion": "1.0", "name": {}, "amount": Decimal("2.150"), "items": [{"value": Decimal("0.0001000")}]}
    element = CODEC.to_xml(tree)
    assert element.findtext(f"{{{NS}}}amount") == "2.150"
    back = CODEC.from_xml(element)
    assert str(back["amount"]) == "2.150" and str(back["items"][0]["value"]) == "0.0001000"


def test_integer_valued_decimal_comes_back_as_the_int_json_would_give() -> None:
    element = CODEC.to_xml({"specVersion": "1.0", "name": {}, "amount": Decimal("1E+3")})
    assert element.findtext(f"{{{NS}}}amount") == "1000"
    assert CODEC.from_xml(element)["amount"] == 1000


def test_arrays_use_the_item_name_and_maps_use_entries() -> None:
    element = CODEC.to_xml(
        {"specVersion": "1.0", "name": {"zh": "钢"}, "amount": 1, "tags": ["x", "y"], "extensions": {"urn:a": {"k": [1, "v"]}}}
    )
    assert [t.text for t in element.iterfind(f"{{{NS}}}tags/{{{NS}}}tag")] == ["x", "y"]
    entry = element.find(f"{{{NS}}}extensions/{{{NS}}}entry")
    assert entry.get("key") == "urn:a" and entry.text == '{"k":[1,"v"]}'


def test_generated_xsd_documents_titles_and_named_types() -> None:
    xsd = etree.fromstring(xsd_from_json_schema(SCHEMA, "doc", NS))
    ns = {"xs": "http://www.w3.org/2001/XMLSchema"}
    assert xsd.get("targetNamespace") == NS and xsd.get("version") == "1.0"
    assert xsd.xpath("//xs:complexType[@name='Text']/xs:annotation/xs:documentation/text()", namespaces=ns) == ["双语文本"]
    assert xsd.xpath("//xs:element[@name='name']/@type", namespaces=ns) == ["t:Text"]


@pytest.mark.parametrize(
    "xml",
    ["<amount>-1</amount>", "<code>12345</code>", "<kind>c</kind>", "<specVersion>2.0</specVersion>"],
    ids=["minimum", "pattern", "enum", "const"],
)
def test_xsd_refuses_what_the_json_schema_refuses(xml: str) -> None:
    base = {"specVersion": "<specVersion>1.0</specVersion>", "amount": "<amount>1</amount>"}
    tag = xml[1:xml.index(">")]
    base[tag] = xml
    doc = f'<doc xmlns="{NS}">{"".join(base.values())}<name/></doc>'.encode()
    assert not XSD.validate(etree.fromstring(doc))


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ("<amount>1</amount><bogus>1</bogus>", "/bogus"),
        ("<amount>1</amount><amount>2</amount>", "/amount"),
        ("<amount>1,5</amount>", "/amount"),
        ("<amount>1</amount><count>1.5</count>", "/count"),
        ("<amount>1</amount><flag>yes</flag>", "/flag"),
        ("<amount>1</amount><items><item><value>x</value></item></items>", "/items/0/value"),
        ("<amount>1</amount><items><thing/></items>", "/items/0"),
        ("<amount>1</amount>stray text", ""),
        ("<amount><b>1</b></amount>", "/amount/b"),
        ("<amount>1</amount><extensions><entry key='a'>{bad</entry></extensions>", "/extensions/a"),
        ("<amount>1</amount><extensions><entry key='a'>1</entry><entry key='a'>2</entry></extensions>", "/extensions/a"),
        ('<amount x="1">1</amount>', "/amount"),
    ],
)
def test_from_xml_errors_name_the_path(body: str, path: str) -> None:
    doc = f'<doc xmlns="{NS}"><specVersion>1.0</specVersion><name/>{body}</doc>'.encode()
    with pytest.raises(SchemaViolation) as exc:
        CODEC.from_xml(CODEC.parse(doc))
    assert exc.value.path == (path or "/")


def test_foreign_namespace_child_is_refused() -> None:
    doc = f'<doc xmlns="{NS}" xmlns:o="urn:other"><o:amount>1</o:amount></doc>'.encode()
    with pytest.raises(SchemaViolation) as exc:
        CODEC.from_xml(CODEC.parse(doc))
    assert exc.value.path == "/amount"


def test_wrong_root_is_malformed() -> None:
    with pytest.raises(MalformedDocument):
        CODEC.parse(b'<doc xmlns="urn:other"/>')
    with pytest.raises(MalformedDocument):
        CODEC.from_xml(etree.fromstring(f'<other xmlns="{NS}"/>'.encode()))


@pytest.mark.parametrize(
    ("tree", "path"),
    [
        ({"specVersion": "1.0", "name": {}, "amount": 1.5}, "/amount"),
        ({"specVersion": "1.0", "name": {}, "amount": 1, "bogus": 1}, "/bogus"),
        ({"specVersion": "1.0", "name": {"zh": 3}, "amount": 1}, "/name/zh"),
        ({"specVersion": "1.0", "name": {}, "amount": 1, "tags": "x"}, "/tags"),
        ({"specVersion": "1.0", "name": {}, "amount": 1, "tags": ["a\x00b"]}, "/tags/0"),
    ],
)
def test_to_xml_refuses_what_it_cannot_carry(tree: dict, path: str) -> None:
    with pytest.raises(SchemaViolation) as exc:
        CODEC.to_xml(tree)
    assert exc.value.path == path


XXE = b'<?xml version="1.0"?><!DOCTYPE doc [<!ENTITY x SYSTEM "file:///etc/passwd">]><doc xmlns="urn:test:codec:1">&x;</doc>'
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE doc [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><doc xmlns="urn:test:codec:1">&c;</doc>'
)
EXTERNAL_DTD = b'<?xml version="1.0"?><!DOCTYPE doc SYSTEM "http://127.0.0.1:9/x.dtd"><doc xmlns="urn:test:codec:1"/>'


@pytest.mark.parametrize("doc", [XXE, LAUGHS, EXTERNAL_DTD], ids=["xxe", "billion-laughs", "external-dtd"])
def test_hostile_xml_is_refused(doc: bytes) -> None:
    with pytest.raises(HostileDocument):
        CODEC.parse(doc)


def test_huge_attribute_is_refused() -> None:
    doc = f'<doc xmlns="{NS}"><amount a="{"x" * 100_000}">1</amount></doc>'.encode()
    with pytest.raises(DocumentTooLarge) as exc:
        CODEC.parse(doc)
    assert exc.value.path == "/amount"


def test_oversized_document_is_refused_before_parsing() -> None:
    small = XmlCodec(SCHEMA, "doc", NS, max_bytes=1024)
    with pytest.raises(DocumentTooLarge):
        small.parse(f'<doc xmlns="{NS}"><name><zh>{"x" * 2000}</zh></name></doc>'.encode())


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("^[0-9]{6}$", "[0-9]{6}"),
        ("^T/", "T/.*"),
        ("(?:a|b)$", ".*(a|b)"),
        ("^a\\$", "a\\$.*"),
    ],
)
def test_xsd_pattern(pattern: str, expected: str) -> None:
    assert xsd_pattern(pattern) == expected


def test_xsd_pattern_refuses_lookahead() -> None:
    with pytest.raises(ValueError):
        xsd_pattern("^(?=a)a$")
