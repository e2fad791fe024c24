"""base58btc multibase against the base58 package: the same text both ways, leading zero bytes as '1's."""

from __future__ import annotations

import base58
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.core.errors import MalformedProof
from signing.multibase import decode_base58btc, encode_base58btc

payloads = st.binary(max_size=80) | st.builds(lambda n, rest: b"\0" * n + rest, st.integers(0, 4), st.binary(max_size=66))


@given(payloads)
def test_encoding_is_the_base58_packages(data: bytes) -> None:
    text = encode_base58btc(data)
    assert text == "z" + base58.b58encode(data).decode("ascii")
    if data:  # an empty value has no base58 text to decode: refused below
        assert decode_base58btc(text) == data


@pytest.mark.parametrize(("data", "text"), [(b"", "z"), (b"\0", "z1"), (b"\0\0\x01", "z112"), (b"\xff", "z5Q"), (b"hello world", "zStV1DL6CwTryKyV")])
def test_known_encodings(data: bytes, text: str) -> None:
    assert encode_base58btc(data) == text


@pytest.mark.parametrize("text", ["", "z", "x1", "z0", "zO", "zI", "zl", "z 1"])
def test_not_base58btc_is_refused(text: str) -> None:
    with pytest.raises(MalformedProof):
        decode_base58btc(text)
