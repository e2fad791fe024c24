"""Document digests: SHA-256 over the canonical form, written ``sha256:<hex>``.

JSON is canonicalised with RFC 8785 (after strict parsing: duplicate keys, lone surrogates
and numbers outside I-JSON are refused); XML with exclusive XML canonicalisation 1.0
without comments (after hardened parsing). Two byte-different encodings of the same JSON
value or the same XML infoset therefore have one digest, and an attestation over one holds
for the other.
"""

from __future__ import annotations

import hashlib
import re
from typing import Literal

from lxml import etree

from gateway.core.errors import MalformedProof
from gateway.core.i18n import N_

from . import jcs
from .multibase import decode_multibase, encode_base64url
from .xmlparse import parse_xml

__all__ = ["Media", "canonical_bytes", "document_digest", "digest_multibase", "parse_digest"]

Media = Literal["json", "xml"]
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def canonical_bytes(data: bytes, media: Media) -> bytes:
    """The canonical form that digests and signatures are computed over."""
    if media == "json":
        return jcs.canonicalize(jcs.loads(data))
    if media == "xml":
        return etree.tostring(parse_xml(data), method="c14n", exclusive=True, with_comments=False)
    raise ValueError(f"media must be 'json' or 'xml', not {media!r}")


def document_digest(data: bytes, media: Media) -> str:
    """``sha256:`` + lowercase hex of SHA-256 over the canonical form of ``data``."""
    return "sha256:" + hashlib.sha256(canonical_bytes(data, media)).hexdigest()


def digest_multibase(digest: str) -> str:
    """The same digest as a VC 2.0 ``digestMultibase`` (base64url-no-pad of the hash, ``u``)."""
    return "u" + encode_base64url(bytes.fromhex(parse_digest(digest)))


def parse_digest(digest: str) -> str:
    """Accept ``sha256:<hex>`` or a ``u``/``z`` multibase SHA-256; return the hex."""
    if isinstance(digest, str) and _DIGEST.fullmatch(digest):
        return digest[7:]
    if isinstance(digest, str) and digest[:1] in ("u", "z"):
        raw = decode_multibase(digest)
        if len(raw) == 32:
            return raw.hex()
    raise MalformedProof(N_("digest {digest!r} is not sha256:<64 hex> nor a multibase SHA-256", digest=digest))
