"""Hostile and malformed input is refused with a precise error, never a crash."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.core.errors import DocumentTooLarge, HostileDocument, InvalidDocument, MalformedDocument
from gateway.core.parsing import FORBIDDEN_TEXT, MAX_DOCUMENT_BYTES, MAX_SAFE_INTEGER, dump_json, load_json, load_xml

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<d>&xxe;</d>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol9;</lolz>"""

EXTERNAL_DTD = b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd"><d/>'


@pytest.mark.parametrize("doc", [XXE, BILLION_LAUGHS, EXTERNAL_DTD], ids=["xxe", "billion-laughs", "external-dtd"])
def test_hostile_xml_is_refused(doc: bytes) -> None:
    with pytest.raises(HostileDocument) as exc:
        load_xml(doc)
    assert exc.value.reason == "HOSTILE_DOCUMENT"


def test_hostile_xml_in_utf16_is_refused() -> None:
    with pytest.raises((HostileDocument, MalformedDocument)):
        load_xml(XXE.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>').decode().encode("utf-16"))


def test_deep_json_is_refused() -> None:
    with pytest.raises(DocumentTooLarge) as exc:
        load_json(b"[" * 10_000 + b"]" * 10_000)
    assert "nesting" in exc.value.message


def test_moderately_deep_json_is_refused_by_the_depth_limit() -> None:
    with pytest.raises(DocumentTooLarge):
        load_json(b'{"a":' * 100 + b"1" + b"}" * 100)


def test_deep_xml_is_refused() -> None:
    depth = 10_000
    with pytest.raises((DocumentTooLarge, MalformedDocument)):
        load_xml(b"<a>" * depth + b"</a>" * depth)


def test_50_mb_input_is_refused_before_parsing() -> None:
    big = b'{"pad": "' + b"x" * (50 * 1024 * 1024) + b'"}'
    with pytest.raises(DocumentTooLarge) as exc:
        load_json(big)
    assert exc.value.metadata["limit"] == str(MAX_DOCUMENT_BYTES)
    with pytest.raises(DocumentTooLarge):
        load_xml(b"<a>" + b"x" * (50 * 1024 * 1024) + b"</a>")


def test_huge_attribute_is_refused() -> None:
    with pytest.raises(DocumentTooLarge):
        load_xml(b'<a b="' + b"x" * (20 * 1024 * 1024) + b'"/>')


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        (b'{"a": 1', "malformed JSON"),
        (b'{"a": NaN}', "NaN"),
        (b'{"a": 1, "a": 2}', "duplicate object key 'a'"),
        (b"\xff\xfe{", "not UTF-16-LE"),  # a UTF-16LE byte order mark, then half a code unit
        (b"{\"a\": \"\xc3(\"}", "not UTF-8"),
    ],
)
def test_malformed_json_names_the_cause(doc: bytes, fragment: str) -> None:
    with pytest.raises(MalformedDocument) as exc:
        load_json(doc)
    assert fragment in exc.value.message


def test_broken_xml_names_the_line() -> None:
    with pytest.raises(MalformedDocument) as exc:
        load_xml(b"<a>\n<b></a>")
    assert exc.value.metadata["line"] == "2"


def test_numbers_are_decimal_never_float() -> None:
    value = load_json(b'{"x": 0.1, "y": 1234567890.1234567890123456789, "z": 7}')
    assert value == {"x": Decimal("0.1"), "y": Decimal("1234567890.1234567890123456789"), "z": 7}
    assert dump_json(value, indent=None) == b'{"x":0.1,"y":1234567890.1234567890123456789,"z":7}'


# The domain of the text and number rules (tests/core/test_bounds.py tests the refusals).
_text = st.text(st.characters(exclude_categories=("Cs",)).filter(lambda c: not FORBIDDEN_TEXT.match(c)))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | _text
    | st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False, places=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_text, children, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_dump_then_load_round_trips(value) -> None:
    assert load_json(dump_json(value)) == value


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_the_parsers(data: bytes) -> None:
    for parse in (load_json, load_xml):
        try:
            parse(data)
        except InvalidDocument:  # malformed, hostile, too large, or outside the text and number rules
            pass
