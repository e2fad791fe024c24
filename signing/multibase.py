"""Multibase (base58btc ``z``, base64url ``u``) and the multicodec key prefixes of Multikey.

Decoders are strict: a wrong prefix, an alphabet error, padding, or a non-canonical
encoding (one that does not re-encode to the same text) raises :class:`MalformedProof`,
so two different strings can never stand for the same key or signature.
"""

from __future__ import annotations

import base64
import binascii
import re

import gmpy2

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

_B64URL = re.compile(r"[A-Za-z0-9_-]*")


# Every proof value is encoded and decoded once per signature. A Python base-58 loop (one
# bigint divmod per digit pair) cost a third of an Ed25519 signature, and based58 (Rust) works
# a byte at a time, quadratic in the length: 5 µs for a 64-byte signature. GMP converts the
# number in one call (mpz.digits, mpz(text, 58)) with its own digits 0-9A-Za-v, which one
# bytes.translate maps to the Bitcoin alphabet and back; zero bytes are the leading '1's.
_BITCOIN = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_GMP = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
_GMP_TO_BITCOIN = bytes.maketrans(_GMP, _BITCOIN)
_BITCOIN_TO_GMP = bytes.maketrans(_BITCOIN, _GMP)


def encode_base58btc(data: bytes) -> str:
    body = data.lstrip(b"\0")
    ones = "1" * (len(data) - len(body))
    if not body:
        return "z" + ones
    digits = gmpy2.mpz.from_bytes(body, "big").digits(58).encode("ascii")
    return "z" + ones + digits.translate(_GMP_TO_BITCOIN).decode("ascii")


def decode_base58btc(text: str) -> bytes:
    """Strict base58btc: only the alphabet (GMP's parser would also take signs, blanks and
    underscores, which never reach it), so base-58 with leading '1's for zero bytes is a
    bijection and every accepted text re-encodes to itself."""
    if not isinstance(text, str) or not text.startswith("z"):
        raise MalformedProof(N_("multibase value must be base58btc (prefix 'z')"))
    body = text[1:]
    if not body or not body.isascii():
        raise MalformedProof(N_("multibase value is not valid base58btc"))
    raw = body.encode("ascii")
    if raw.translate(None, _BITCOIN):  # what is left is outside the alphabet
        raise MalformedProof(N_("multibase value is not valid base58btc"))
    digits = raw.lstrip(b"1")
    zeros = bytes(len(raw) - len(digits))
    if not digits:
        return zeros
    number = gmpy2.mpz(digits.translate(_BITCOIN_TO_GMP), 58)
    return zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


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
