"""Footprints inside PACT API responses, PACT events and arrays; JSON in every RFC 8259 encoding."""

from __future__ import annotations

import codecs
import json

import pytest

from gateway.core.encoding import as_utf8, json_encoding
from gateway.core.errors import InvalidDocument, MalformedDocument
from gateway.translate import read, translate
from mappings.envelopes import unwrap

from .documents import footprint, raw

ONE = footprint(0)
TWO = [footprint(1), footprint(2)]
ENVELOPES = {
    "get-footprint": ({"data": ONE}, [ONE], ["/data"]),
    "list-footprints": ({"data": TWO}, TWO, ["/data/0", "/data/1"]),
    "request-fulfilled-event": ({"type": "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3", "specversion": "1.0",
                                 "id": "e1", "source": "//api.example.com/3/events",
                                 "data": {"requestEventId": "r1", "pfs": TWO}}, TWO, ["/data/pfs/0", "/data/pfs/1"]),
    "array": (TWO, TWO, ["/0", "/1"]),
}


@pytest.mark.parametrize("name", sorted(ENVELOPES))
def test_envelopes_are_unwrapped_with_each_footprint_exact(name: str) -> None:
    envelope, footprints, pointers = ENVELOPES[name]
    unwrapped = unwrap(raw(envelope))
    assert [json.loads(d) for d in unwrapped.documents] == footprints
    assert list(unwrapped.pointers) == pointers and unwrapped.envelope


def test_a_bare_document_is_not_an_envelope() -> None:
    data = raw(ONE)
    assert unwrap(data).documents == (data,) and unwrap(data).envelope is None
    assert unwrap(codecs.BOM_UTF8 + data).documents == (data,)
    assert unwrap(b"[1, 2]").envelope is None  # not footprints: left for the format to refuse


def test_an_empty_envelope_is_refused() -> None:
    with pytest.raises(InvalidDocument) as exc:
        unwrap(raw({"data": []}))
    assert exc.value.path == "/data"


def test_a_one_footprint_envelope_translates_like_the_footprint() -> None:
    assert translate(raw({"data": ONE}), "pact-v2").output == translate(raw(ONE), "pact-v2").output


def test_a_several_footprint_envelope_is_refused_naming_translate_stream() -> None:
    with pytest.raises(InvalidDocument) as exc:
        read(raw({"data": TWO}))
    assert "TranslateStream" in exc.value.message and "2 footprints" in exc.value.message


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]
_BOMS = {"utf-8-sig": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
         "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}


def _encoded(text: str, encoding: str) -> bytes:
    return _BOMS.get(encoding, b"") + text.encode(encoding)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_json_in_any_rfc8259_encoding_reads_the_same(encoding: str) -> None:
    text = json.dumps({**ONE, "companyName": "天津样品公司 Sample"}, ensure_ascii=False)
    data = _encoded(text, encoding)
    assert as_utf8(data) == text.encode("utf-8")
    reading = read(data)
    assert reading.format.id == "pact-v3"
    assert reading.declaration == read(text.encode("utf-8")).declaration
    assert "天津样品公司" in str(reading.declaration.organisation.name)


def test_an_envelope_in_utf16_is_unwrapped() -> None:
    data = _encoded(json.dumps({"data": ONE}), "utf-16-le")
    assert read(data).declaration.id == read(raw(ONE)).declaration.id


def test_only_a_bom_switches_the_encoding() -> None:
    assert json_encoding(b'{"a": 1}') == ("utf-8", 0)
    assert json_encoding(codecs.BOM_UTF32_LE + "{}".encode("utf-32-le")) == ("utf-32-le", 4)
    with pytest.raises(MalformedDocument):
        read("{}".encode("utf-16-le"), "pact-v3")  # UTF-16 without a BOM is not JSON text we guess at
    with pytest.raises(MalformedDocument) as exc:
        as_utf8(codecs.BOM_UTF16_LE + b"{\x00\x00\xd8")  # a lone surrogate
    assert "UTF-16" in exc.value.message
