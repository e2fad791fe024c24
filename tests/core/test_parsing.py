"""Hostile and malformed input is refused with a precise error, never a crash."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from gateway.core.errors import DocumentTooLarge, GatewayError, HostileDocument, InvalidDocument, MalformedDocument, NumberOutOfRange
from gateway.core.parsing import (
    FORBIDDEN_TEXT,
    MAX_DOCUMENT_BYTES,
    MAX_SAFE_INTEGER,
    _Refused,
    check_decimal_bounds,
    check_tree,
    dump_json,
    load_json,
    load_xml,
    no_duplicate_keys,
    read_number,
)

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


# load_json decides the text rule and the depth from the bytes, and checks numbers on their
# text as they are parsed, walking the tree only when the bytes say it might break a rule.
# Whatever it skips, the answer is the one of the full walk over the same tree.
def _walked(doc: bytes) -> tuple[str, str | None] | list:
    """The reference: the same decoder, then check_tree over every node."""
    try:
        tree = _json_tree(doc)
        check_tree(tree)
    except GatewayError as exc:
        return exc.reason, exc.path
    return [tree]


def _json_tree(doc: bytes):
    import json

    return json.loads(doc, parse_float=_numbers_read_whole, parse_int=_numbers_read_whole, object_pairs_hook=no_duplicate_keys)


def _numbers_read_whole(literal: str):
    try:
        return read_number(literal)
    except GatewayError as exc:
        return _Refused(exc)


def _loaded(doc: bytes) -> tuple[str, str | None] | list:
    try:
        return [load_json(doc)]
    except GatewayError as exc:
        return exc.reason, exc.path


# Every character class the text rule is about: ASCII, CJK and fullwidth forms, characters whose
# UTF-8 shares bytes with a noncharacter's (U+00B7, U+4FFE, U+1FFFD), the noncharacters and
# lone surrogates themselves.
_risky = st.sampled_from(["a", "\\", '"', "中", "，", "·", "\u4ffe", "\U0001fffd", "\U0001f602", "\ufdd0", "\ufdef",
                          "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff", "\ud800", "\udfff", "\ud83d"])
_risky_text = st.lists(_risky, max_size=6).map("".join)
_risky_values = st.recursive(
    st.none() | st.integers(-(2**60), 2**60) | _risky_text
    | st.decimals(allow_nan=False, allow_infinity=False).map(lambda d: d.normalize() if d.adjusted() < 500 else d),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_risky_text, children, max_size=3),
    max_leaves=12,
)


def _dumped(value, ascii_only: bool) -> bytes:
    import json

    # Raw UTF-8 where it can be: a lone surrogate, which UTF-8 cannot hold, is written as its escape.
    return json.dumps(value, ensure_ascii=ascii_only, default=str).encode("utf-8", "backslashreplace")


@given(_risky_values, st.booleans())
@example({"k": "\udfff"}, True)
@example(["\U0001fffe"], True)
@example(["\ufdef"], True)
@example({"\udc00": 1}, False)
def test_the_fast_checks_answer_as_the_full_walk(value, ascii_only: bool) -> None:
    doc = _dumped(value, ascii_only)
    assert _loaded(doc) == _walked(doc)


@given(st.integers(1, 80), st.integers(0, 80), st.sampled_from(['{"a":', "[", '{"a":[']))
def test_the_depth_limit_is_the_full_walk_s(depth: int, wide: int, opening: str) -> None:
    closing = {'{"a":': "}", "[": "]", '{"a":[': "]}"}[opening]
    doc = ("[" + "[]," * wide + opening * depth + "1" + closing * depth + "]").encode()
    assert _loaded(doc) == _walked(doc)


_number_literals = st.from_regex(r"\A-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,40})?([eE][+-]?[0-9]{1,4})?\Z")


@given(_number_literals)
@example("9007199254740993")  # 2^53 + 1, the first integer past the bound
@example("-9007199254740992")
@example("9007199254740993.5")  # its double is integral
@example("123456789012345678.25")
def test_numbers_read_as_the_number_rule_reads_them(literal: str) -> None:
    doc = f'{{"n": [{literal}]}}'.encode()
    loaded, walked = _loaded(doc), _walked(doc)
    assert loaded == walked
    if isinstance(loaded, list):
        assert type(loaded[0]["n"][0]) is type(walked[0]["n"][0])


@given(st.from_regex(r"\A[+-]?([0-9]{1,40}(\.[0-9]{0,40})?|\.[0-9]{1,40})([eE][+-]?[0-9]{1,4})?\Z"))
def test_read_number_refuses_exactly_what_the_bounds_refuse(literal: str) -> None:
    value = Decimal(literal)
    try:
        check_decimal_bounds(value)
        expected = None
    except NumberOutOfRange as exc:
        expected = exc.message
    try:
        read_number(literal, ijson=False)
        got = None
    except NumberOutOfRange as exc:
        got = exc.message
    assert got == expected


# The fast reading (msgspec) keeps the last of two equal keys and reads integers of any size;
# load_json takes its tree only when the counts prove neither happened. Texts made to fool the
# proofs (a repeated key beside an escaped colon or a colon in a string, long digit runs in
# strings beside big integers, keys spelled with escapes) get the answer of the full walk.
_tricky_keys = st.sampled_from(['"a"', '"b"', '"a:"', '"\\u0061"', '"\\u003a"', '"1234567890123456"'])
_tricky_scalars = st.sampled_from(["1", "-0", "9007199254740991", "9007199254740993", "-9007199254740992",
                                   "12345678901234567890", "1.5", "1e400", "0.1234567890123456789", '"x:y"',
                                   '"\\u003a"', '"\\u003A"', '"1234567890123456"', '":"', '"-1234567890123456"'])
_tricky_texts = st.recursive(
    _tricky_scalars,
    lambda children: st.lists(children, max_size=3).map(lambda items: "[" + ",".join(items) + "]")
    | st.lists(st.tuples(_tricky_keys, children), max_size=4).map(lambda pairs: "{" + ",".join(f"{k}: {v}" for k, v in pairs) + "}"),
    max_leaves=10,
)


@given(_tricky_texts)
@example('{"a": 1, "a": 2, "b": "\\u003a"}')
@example('{"a": 1, "\\u0061": 2}')
@example('{"id": "12345678901234567890", "n": 9007199254740993}')
@example('[1234567890123456, "1234567890123456"]')
def test_the_fast_reading_answers_as_the_full_walk(text: str) -> None:
    doc = text.encode("utf-8")
    assert _loaded(doc) == _walked(doc)
