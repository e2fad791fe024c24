"""Hardened parsers for untrusted bytes: size and depth limits, no entities, no DTDs, no network.

Every format's ``parse`` goes through here, so a hostile input is refused the same way
whichever format it claims to be.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import orjson
from lxml import etree

from gateway.core.errors import DocumentTooLarge, DuplicateKey, HostileDocument, MalformedDocument

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64


def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` refusing an object that names a member twice (parsers disagree on it)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(f"duplicate object key {key!r}", key=key)
            seen.add(key)
    return out


def _check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise DocumentTooLarge(
            f"document is {len(data)} bytes; the limit is {max_bytes}", limit=max_bytes, size=len(data)
        )


def _reject_constant(name: str) -> Any:
    raise MalformedDocument(f"{name} is not a JSON number")


def load_json(data: bytes | str, *, max_bytes: int = MAX_DOCUMENT_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Strict JSON: UTF-8, no duplicate keys, no NaN/Infinity, numbers with a fraction or
    exponent as ``Decimal`` (never float), bounded size and nesting."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    _check_size(data, max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedDocument(f"not UTF-8 at byte {exc.start}") from None
    try:
        value = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=no_duplicate_keys,
        )
    except RecursionError:
        raise DocumentTooLarge(f"JSON nesting deeper than {max_depth}", limit=max_depth) from None
    except json.JSONDecodeError as exc:
        raise MalformedDocument(
            f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            line=exc.lineno, column=exc.colno,
        ) from None
    _check_depth(value, max_depth)
    return value


def _check_depth(value: Any, max_depth: int = MAX_DEPTH) -> None:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            raise DocumentTooLarge(f"JSON nesting deeper than {max_depth}", limit=max_depth)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, dict | list))


def _xml_parser(keep_processing_instructions: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=not keep_processing_instructions,
    )


def load_xml(
    data: bytes,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    max_depth: int = MAX_DEPTH,
    keep_processing_instructions: bool = False,
) -> etree._Element:
    """Parse XML with entities, DTDs and network access off; a document that declares a
    DOCTYPE at all is refused, since nothing we read needs one and every entity attack does.
    Signature code keeps processing instructions so canonicalisation sees what was signed."""
    if isinstance(data, str):
        raise MalformedDocument("XML must be passed as bytes")
    _check_size(data, max_bytes)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise HostileDocument("XML with a DOCTYPE or entity declaration is refused", path="/")
    try:
        root = etree.fromstring(data, parser=_xml_parser(keep_processing_instructions))
    except etree.XMLSyntaxError as exc:
        raise MalformedDocument(f"malformed XML: {exc.msg}", line=exc.lineno) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise HostileDocument("XML with a DOCTYPE is refused", path="/")
    for entity in root.iter(etree.Entity):
        raise HostileDocument(f"entity reference &{entity.name}; is refused", path="/")
    depth = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > max_depth:
            raise DocumentTooLarge(f"XML nesting deeper than {max_depth}", limit=max_depth)
    return root


def _decimal_fragment(value: Any) -> orjson.Fragment:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TypeError(f"{value} cannot be written as a JSON number")
        return orjson.Fragment(format(value, "f"))
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dump_json(value: Any, *, indent: int | None = 2) -> bytes:
    """UTF-8 JSON in which every ``Decimal`` is written as a JSON number with its own digits
    (an orjson raw fragment), never passing through float. ``indent=None`` is compact; the
    indented form is 2 spaces with a final newline."""
    option = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE if indent is not None else 0
    try:
        return orjson.dumps(value, default=_decimal_fragment, option=option)
    except orjson.JSONEncodeError as exc:
        if "64-bit" not in str(exc):
            raise ValueError(str(exc)) from None
    # orjson stops at 64-bit integers; written as Decimal fragments they keep every digit.
    return orjson.dumps(_wide_ints_as_decimal(value), default=_decimal_fragment, option=option)


def _wide_ints_as_decimal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _wide_ints_as_decimal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_wide_ints_as_decimal(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        return Decimal(value)
    return value
