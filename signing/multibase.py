"""Multibase (base58btc ``z``, base64url ``u``) and the multicodec key prefixes of Multikey.

Decoders are strict: a wrong prefix, an alphabet error, padding, or a non-canonical
encoding (one that does not re-encode to the same text) raises :class:`MalformedProof`,
so two different strings can never stand for the same key or signature.
"""

from __future__ import annotations

import base64
import binascii
import re

import base58

from gateway.core.errors import MalformedProof
from gateway.core.i18n import N_

__all__ = [
    "encode_base58btc",
    "decode_base58btc",
    "encode_base64url",
    "decode_base64url",
    "decode_multibase",
    "MULTICODEC",
]

# Multicodec varint prefixes used by Multikey (W3C Controlled Identifiers §2.2.2).
MULTICODEC = {
    "ed25519-pub": b"\xed\x01",
    "ed25519-priv": b"\x80\x26",
    "p256-pub": b"\x80\x24",
    "p256-priv": b"\x86\x26",
}

_B58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]+")
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


# Every proof value is encoded and decoded once per signature, so both run two base-58 digits
# a step (a table of the 58² pairs) and build bytes with int.to_bytes instead of a digit at a
# time: a third of the base58 package's time for a 64-byte signature, the same text.
_B58_PAIRS = [a + b for a in base58.BITCOIN_ALPHABET.decode("ascii") for b in base58.BITCOIN_ALPHABET.decode("ascii")]


def encode_base58btc(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    pairs = []
    while n:
        n, pair = divmod(n, 58 * 58)
        pairs.append(_B58_PAIRS[pair])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "z" + "1" * zeros + "".join(reversed(pairs)).lstrip("1")


def decode_base58btc(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise MalformedProof(N_("multibase value must be base58btc (prefix 'z')"))
    body = text[1:]
    if not _B58.fullmatch(body):
        raise MalformedProof(N_("multibase value is not valid base58btc"))
    n = base58.b58decode_int(body)
    zeros = len(body) - len(body.lstrip("1"))
    return b"\0" * zeros + n.to_bytes((n.bit_length() + 7) // 8, "big")


def encode_base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64url(text: str) -> bytes:
    """Unpadded base64url (RFC 7515 §2) with canonical trailing bits."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise MalformedProof(N_("not unpadded base64url"))
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise MalformedProof(N_("not unpadded base64url")) from None
    if encode_base64url(data) != text:
        raise MalformedProof(N_("base64url with non-zero trailing bits"))
    return data


def decode_multibase(text: str) -> bytes:
    """Decode ``z`` (base58btc) or ``u`` (base64url) multibase text."""
    if isinstance(text, str) and text.startswith("u"):
        return decode_base64url(text[1:])
    return decode_base58btc(text)
