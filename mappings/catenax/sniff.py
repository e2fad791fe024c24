"""Detection by members, not bytes: these formats are told apart by their top-level structure."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from gateway.core.errors import GatewayError
from gateway.core.parsing import load_json

_OPENINGS = (b"{", b"\xef", b"\xff", b"\xfe", b"\x00")


@lru_cache(maxsize=4)
def top_level(data: bytes) -> dict[str, Any] | None:
    """The parsed document when it is a JSON object (cached: detection asks several formats)."""
    if data.lstrip()[:1] not in _OPENINGS:
        return None
    try:
        parsed = load_json(data)
    except (GatewayError, ValueError):
        return None
    return parsed if isinstance(parsed, dict) else None
