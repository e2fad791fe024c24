"""Multibase (base58btc ``z``, base64url ``u``) and the multicodec key prefixes of Multikey.

Decoders are strict: a wrong prefix, an alphabet error, padding, or a non-canonical
encoding (one that does not re-encode to the same text) raises :class:`MalformedProof`,
so two different strings can never stand for the same key or signature.
"""

from __future__ import annotations

import base64
import binascii
import re

import based58

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


# Every proof value is encoded and decoded once per signature, and a Python base-58 loop (one
# bigint divmod per digit pair) cost a third of an Ed25519 signature; based58 does it in Rust
# with the same Bitcoin alphabet. Its decoder refuses any other character, and base-58 with
# leading '1's for zero bytes is a bijection, so every accepted text re-encodes to itself.
def encode_base58btc(data: bytes) -> str:
    return "z" + based58.b58encode(data).decode("ascii")


def decode_base58btc(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise MalformedProof(N_("multibase value must be base58btc (prefix 'z')"))
    body = text[1:]
    if not body or not body.isascii():
        raise MalformedProof(N_("multibase value is not valid base58btc"))
    try:
        return based58.b58decode(body.encode("ascii"))
    except ValueError:
        raise MalformedProof(N_("multibase value is not valid base58btc")) from None


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
