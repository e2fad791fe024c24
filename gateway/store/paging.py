"""Opaque page tokens: the last cursor served plus a fingerprint of the filter."""

from __future__ import annotations

import base64
import binascii
import hashlib

import orjson

from ..core.errors import InvalidRequest
from ..core.i18n import N_
from .records import DeclarationFilter


def _fingerprint(filter: DeclarationFilter) -> str:
    parts = [
        filter.region,
        filter.sector,
        filter.product_id,
        filter.received_after.isoformat() if filter.received_after else "",
        filter.received_before.isoformat() if filter.received_before else "",
    ]
    return hashlib.sha256(orjson.dumps(parts)).hexdigest()[:16]


def encode_token(after_cursor: int, filter: DeclarationFilter) -> str:
    raw = orjson.dumps({"c": after_cursor, "f": _fingerprint(filter)})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, filter: DeclarationFilter) -> int:
    """The cursor to continue after; 0 for an empty token."""
    if not token:
        return 0
    try:
        body = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        cursor, fingerprint = int(body["c"]), str(body["f"])
    except (binascii.Error, ValueError, TypeError, KeyError, orjson.JSONDecodeError) as exc:
        raise InvalidRequest(N_("page token is not one this server issued"), path="page_token") from exc
    if fingerprint != _fingerprint(filter) or cursor < 0:
        raise InvalidRequest(N_("page token was issued for another filter"), path="page_token")
    return cursor
