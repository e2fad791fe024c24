"""Document digests over canonical forms."""

from __future__ import annotations

import pytest

from gateway.core.errors import DuplicateKey, HostileDocument, MalformedDocument, MalformedProof
from signing import digest_multibase, document_digest, parse_digest


def test_json_digest_is_over_jcs() -> None:
    a = document_digest(b'{"b": 1, "a": [1.0, "\\u00e9"]}', "json")
    b = document_digest('{"a":[1,"é"],"b":1}'.encode(), "json")
    assert a == b and a.startswith("sha256:") and len(a) == 71


def test_xml_digest_is_over_exclusive_c14n_without_comments() -> None:
    a = document_digest(b'<a xmlns:unused="urn:u" x="1" ><!-- c --><b >t</b></a>', "xml")
    b = document_digest(b"<a x='1'><b>t</b></a>", "xml")
    assert a == b
    assert a != document_digest(b"<a x='1'><b>t </b></a>", "xml")


@pytest.mark.parametrize(
    "data, media, error",
    [(b'{"a":1,"a":1}', "json", DuplicateKey), (b"<a>", "xml", MalformedDocument),
     (b'<!DOCTYPE a [<!ENTITY e SYSTEM "http://evil/">]><a>&e;</a>', "xml", HostileDocument),
     (b'<!DOCTYPE a [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;&l;">]><a>&l2;</a>', "xml", HostileDocument)],
)
def test_refused(data: bytes, media: str, error: type) -> None:
    with pytest.raises(error):
        document_digest(data, media)


def test_digest_forms() -> None:
    d = "sha256:" + "ab" * 32
    mb = digest_multibase(d)
    assert mb.startswith("u") and parse_digest(mb) == "ab" * 32 and parse_digest(d) == "ab" * 32
    for bad in ("sha256:AB", "md5:" + "0" * 32, "sha256:" + "g" * 64, "u" + "A" * 10):
        with pytest.raises(MalformedProof):
            parse_digest(bad)
