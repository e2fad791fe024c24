"""Footprints as publishers send them: inside API and event envelopes, or several in an array.

Recognised (RFC 8259 §8.1 encodings first, see :mod:`gateway.core.encoding`):

- a PACT API response ``{"data": {...}}`` (GetFootprint) or ``{"data": [...]}`` (ListFootprints);
- a PACT event (CloudEvents) whose ``data.pfs`` lists footprints (RequestFulfilled, Published);
- a JSON array of footprints (Catena-X exchanges PCFs as arrays).

Anything else is one document, returned as it is (JSON as UTF-8 without a BOM, so detection
reads it). Each footprint of an envelope is returned as its own UTF-8 JSON document (numbers
exact), with the JSON Pointer it had in the envelope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.core.encoding import as_utf8
from gateway.core.errors import InvalidDocument
from gateway.core.i18n import N_
from gateway.core.parsing import dump_json, load_json

_SNIFF = 256


@dataclass(frozen=True)
class Unwrapped:
    """The documents an input holds; ``envelope`` is None when the input is one bare document."""

    envelope: str | None
    documents: tuple[bytes, ...]
    pointers: tuple[str, ...]


def _looks_wrapped(text: bytes) -> bool:
    head = text[:_SNIFF].lstrip()
    return head.startswith(b"[") or (head.startswith(b"{") and (b'"data"' in text[:_SNIFF] or b'"specversion"' in text))


Found = tuple[str, str, list[tuple[str, Any]]]  # envelope, pointer of the footprints, (pointer, footprint)


def _items(envelope: str, value: Any, pointer: str) -> Found:
    if isinstance(value, dict):
        return envelope, pointer, [(pointer, value)]
    return f"{envelope} (batch)", pointer, [(f"{pointer}/{n}", item) for n, item in enumerate(value)]


def _find(tree: Any) -> Found | None:
    if isinstance(tree, list):
        return _items("JSON array", tree, "")
    if not isinstance(tree, dict):
        return None
    data = tree.get("data")
    if set(tree) == {"data"} and isinstance(data, dict | list):
        return _items("PACT API response", data, "/data")
    if "specversion" in tree and isinstance(data, dict) and isinstance(data.get("pfs"), list):
        return _items("PACT event", data["pfs"], "/data/pfs")
    return None


def unwrap(data: bytes) -> Unwrapped:
    """The footprints ``data`` holds. Raises :class:`InvalidDocument` for an envelope holding
    no footprint; an array or envelope of anything but objects is left whole."""
    text = as_utf8(data)
    if text.lstrip()[:1] == b"<":
        return Unwrapped(None, (data,), ("",))  # XML names its own encoding
    if not _looks_wrapped(text):
        return Unwrapped(None, (text,), ("",))
    found = _find(load_json(text))
    if found is None or not all(isinstance(item, dict) for _, item in found[2]):
        return Unwrapped(None, (text,), ("",))  # not footprints: the format refuses it with its own reason
    envelope, base, items = found
    if not items:
        raise InvalidDocument(N_("the {envelope} holds no footprint", envelope=envelope), path=base or "/")
    return Unwrapped(envelope, tuple(dump_json(item) for _, item in items), tuple(p for p, _ in items))
