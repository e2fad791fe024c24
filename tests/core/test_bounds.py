"""The one text and number rule (gateway.core.parsing): refused with a reason and a path,
before any arithmetic, the same in JSON, XML and the signer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.core.errors import ForbiddenCharacter, HostileDocument, NotIJson, NumberOutOfRange
from gateway.core.parsing import (
    MAX_SAFE_INTEGER,
    check_text,
    dump_json,
    load_json,
    load_xml,
    read_number,
)
from signing import jcs


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        ("1e999999999", "decimal exponent 999999999"),
        ("1E+2147483648", "decimal exponent 2147483648"),
        ("-1e-401", "decimal exponent -401"),
        ("0e-999", "decimal exponent -999"),
        ("1." + "2" * 34, "35 significant digits"),
        ("9" * 5000, "5000 characters"),
        ("1e" + "9" * 600, "602 characters"),
    ],
)
def test_numbers_outside_the_bounds_are_refused_with_their_path(literal: str, message: str) -> None:
    with pytest.raises(NumberOutOfRange) as err:
        load_json(f'{{"results": [1, {{"total": {literal}}}]}}'.encode())
    assert err.value.reason == "NUMBER_OUT_OF_RANGE"
    assert err.value.path == "/results/1/total"
    assert message in err.value.message


@pytest.mark.parametrize("literal", ["1e400", "1e-400", "1." + "2" * 33, "-0.000" + "1" * 34, "1e30", "123.456e-3"])
def test_numbers_at_the_bounds_are_kept_exactly(literal: str) -> None:
    bounds_only = read_number(literal, ijson=False)
    assert bounds_only == Decimal(literal)
    if literal != "1e400":  # overflows a double: I-JSON refuses it (below)
        assert load_json(f"[{literal}]".encode()) == [Decimal(literal)]


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        (str(MAX_SAFE_INTEGER + 2), "outside ±(2^53−1)"),
        (str(-MAX_SAFE_INTEGER - 1), "outside ±(2^53−1)"),
        ("1e20", "integral double"),
        ("9007199254740993.5", "integral double"),
        ("1e309", "overflows a double"),
    ],
)
def test_json_numbers_follow_ijson_exactly_as_the_signer(literal: str, message: str) -> None:
    text = f'{{"mass": {literal}}}'.encode()
    with pytest.raises(NotIJson) as err:
        load_json(text)
    assert err.value.path == "/mass" and message in err.value.message
    with pytest.raises(NotIJson):
        jcs.canonicalize(jcs.loads(text))


def test_the_largest_safe_integer_and_large_doubles_pass_both() -> None:
    for literal in (str(MAX_SAFE_INTEGER), str(-MAX_SAFE_INTEGER), "1e21", "1.5e300"):
        text = f"[{literal}]".encode()
        assert load_json(text)[0] == Decimal(literal)
        jcs.canonicalize(jcs.loads(text))


def test_decimal_strings_are_not_ijson_numbers() -> None:
    assert load_json(b'{"amount": "9007199254740993"}') == {"amount": "9007199254740993"}
    assert read_number("9007199254740993", ijson=False) == 9007199254740993


@pytest.mark.parametrize(
    ("text", "path", "char"),
    [
        (b'{"name": {"en": "\\ud800"}}', "/name/en", "U+D800"),
        (b'{"name": ["ok", "x\\udfff"]}', "/name/1", "U+DFFF"),
        (b'{"\\ud83d": 1}', "/\\ud83d", "U+D83D"),
        ('{"a": "\ufdd0"}'.encode(), "/a", "U+FDD0"),
        ('{"a/b": "\ufffe"}'.encode(), "/a~1b", "U+FFFE"),
        ('{"a": "\U0010ffff"}'.encode(), "/a", "U+10FFFF"),
    ],
)
def test_lone_surrogates_and_noncharacters_are_refused_with_their_path(text: bytes, path: str, char: str) -> None:
    with pytest.raises(ForbiddenCharacter) as err:
        load_json(text)
    assert err.value.reason == "FORBIDDEN_CHARACTER"
    assert (err.value.path, err.value.metadata["character"]) == (path, char)
    str(err.value).encode("utf-8")  # the message and path can always be printed


def test_a_surrogate_pair_and_other_text_pass() -> None:
    assert load_json(b'["\\ud83d\\ude02", "\xe4\xb8\xad", "\\ufffd"]') == ["\U0001f602", "中", "\ufffd"]
    check_text("\ufdcf\ufdf0\U0001fffd")


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ('<a><b>x\ufdd0</b></a>', "/b"),
        ('<a xmlns="urn:x"><b><c d="\U0001fffe"/></b></a>', "/b/c"),
        ('<a><b/>tail\ufdef</a>', "/b"),
        ("<a>&#xFDD0;</a>", "/"),
    ],
)
def test_xml_text_follows_the_same_rule(doc: str, path: str) -> None:
    with pytest.raises(ForbiddenCharacter) as err:
        load_xml(doc.encode("utf-8"))
    assert err.value.path == path


def test_xinclude_is_refused_as_hostile() -> None:
    doc = b'<a xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd" parse="text"/></a>'
    with pytest.raises(HostileDocument) as err:
        load_xml(doc)
    assert "XInclude" in err.value.message


def test_writing_refuses_what_reading_would_refuse() -> None:
    with pytest.raises(NotIJson):
        dump_json({"n": MAX_SAFE_INTEGER + 1})
    with pytest.raises(NotIJson):
        dump_json({"n": Decimal("1E+20")})
    with pytest.raises(ForbiddenCharacter):
        dump_json({"n": "\ud800"})
    # an integral value beyond 2^53 that is a safe double keeps its exponent, so it reads back
    assert dump_json({"n": Decimal("1E+30")}, indent=None) == b'{"n":1E+30}'
    assert jcs.canonicalize(jcs.loads(dump_json({"n": Decimal("1E+30")}))) == b'{"n":1e+30}'


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_a_written_decimal_is_its_plain_notation_or_refused(value: Decimal) -> None:
    # The writer's one-look path for the common case must write what the full tests would:
    # the plain notation, except an integral value beyond ±(2^53−1), which keeps its exponent.
    integral = value == value.to_integral_value()
    try:
        written = dump_json([value], indent=None)
    except NotIJson:
        assert abs(value) >= 10**15
        return
    text = format(value, "E" if integral and abs(value) > MAX_SAFE_INTEGER else "f")
    assert written == f"[{text}]".encode()


def test_a_context_writing_lowercase_exponents_changes_no_written_number() -> None:
    # str() of a Decimal writes "e" under capitals=0 (recognition tests run so): the writer's and
    # the consistency rules' one-look paths must still see the exponent.
    from decimal import localcontext

    from gateway.core.model.consistency import _half_unit

    values = [Decimal("1E+2"), Decimal("1E-7"), Decimal("718.6")]
    expected = (dump_json(values, indent=None), [_half_unit(v) for v in values])
    with localcontext() as ctx:
        ctx.capitals = 0
        assert (dump_json(values, indent=None), [_half_unit(v) for v in values]) == expected
    assert expected == (b"[100,0.0000001,718.6]", [Decimal("5E+1"), Decimal("5E-8"), Decimal("0.05")])
