"""Values the caller supplies for canonical paths (``fpgw convert --set PATH=VALUE``, the
Translate RPC's ``set`` map), put into a declaration and recorded in the report as ``supplied``.

A PATH is a ``/``-separated path of the canonical data form (``region``,
``declared_unit/mass``, ``organisation/ids/-`` to append to a list, ``product/ids/0`` for an
item); it is checked against the canonical JSON Schema, so an unknown member is refused with
the members known there.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import orjson

from gateway.core.errors import ConfigurationError, GatewayError
from gateway.core.i18n import N_
from gateway.core.model import Declaration, declaration_from_data, declaration_to_data
from gateway.core.report import TranslationReport

APPEND = "-"


@cache
def _schema() -> dict[str, Any]:
    return json.loads(resources.files("mappings.canonical").joinpath("declaration.schema.json").read_text("utf-8"))


def _deref(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = _schema()["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def check_path(path: str) -> list[str]:
    """The path's parts; raises :class:`ConfigurationError` naming the first unknown part."""
    return list(_checked_parts(path))


@lru_cache(maxsize=1024)
def _checked_parts(path: str) -> tuple[str, ...]:
    """:func:`check_path`, once per path: the schema does not change, and a caller's fallback
    paths (the same on every write) would otherwise walk it on every call. A refused path
    raises each time (an exception is not cached)."""
    parts = path.strip("/").split("/")
    node = _schema()
    for n, part in enumerate(parts):
        node = _deref(node)
        where = "/".join(parts[:n]) or "the declaration"
        if node.get("type") == "array":
            if part != APPEND and not part.isdigit():
                raise ConfigurationError(N_("--set {path}: {where} is a list: use an index or {append} to append", path=path, where=where, append=APPEND), path=path)
            node = node.get("items", {})
        elif "properties" in node:
            if part not in node["properties"]:
                raise ConfigurationError(
                    N_("--set {path}: {where} has no member {part!r}; known: {items}", path=path, where=where, part=part, items=', '.join(node['properties'])), path=path,
                )
            node = node["properties"][part]
        elif node.get("type") == "object":  # a map (extensions)
            node = node.get("additionalProperties", {})
        else:
            raise ConfigurationError(N_("--set {path}: {where} is a single value, it has no member {part!r}", path=path, where=where, part=part), path=path)
    return tuple(parts)


def _container(following: str) -> Any:
    return [] if following == APPEND or following.isdigit() else {}


def _index(node: list[Any], part: str, path: str) -> int:
    index = int(part)
    if index >= len(node):
        raise ConfigurationError(N_("--set {path}: the list has {count} item(s); use {append} to append", path=path, count=len(node), append=APPEND), path=path)
    return index


def _put(data: dict[str, Any], parts: Sequence[str], value: Any, path: str) -> tuple[str, Any]:
    """Set the value; return its concrete path (appends numbered) and what it replaced (None when nothing)."""
    node: Any = data
    where: list[str] = []
    for part, following in zip(parts, [*parts[1:], None], strict=True):
        child = value if following is None else _container(following)
        if isinstance(node, list):
            if part == APPEND:
                node.append(child)
                part, old = str(len(node) - 1), None
            else:
                index = _index(node, part, path)
                old = node[index]
                if following is None:
                    node[index] = value
        else:
            old = node.get(part)
            if following is None:
                node[part] = value
            else:
                node.setdefault(part, child)
        where.append(part)
        if following is not None:
            # Each container on the way is a copy: the data share members with the declaration
            # (its extensions) and with the data before the empty texts were left out.
            key: Any = int(part) if isinstance(node, list) else part
            child = node[key]
            node[key] = dict(child) if isinstance(child, dict) else list(child) if isinstance(child, list) else child
            node = node[key]
    return "/".join(where), old


def _present(data: dict[str, Any], parts: Sequence[str]) -> bool:
    node: Any = data
    for part in parts:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    return True


def _empty_texts(data: Any, prefix: str = "") -> list[str]:
    """Paths of the empty texts in canonical data (extensions, a format's own values, aside).
    Recursion only into objects and lists, and a path is built only for what it names: most
    leaves are non-empty texts, passed over without either."""
    out: list[str] = []
    if isinstance(data, list):  # an item of a list is one value of it, never left out alone
        for index, item in enumerate(data):
            if isinstance(item, (dict, list)):
                out += _empty_texts(item, f"{prefix}/{index}")
        return out
    for key, value in data.items():
        if not prefix and key == "extensions":
            continue
        if value == "":
            out.append(f"{prefix}/{key}" if prefix else key)
        elif isinstance(value, (dict, list)):
            out += _empty_texts(value, f"{prefix}/{key}" if prefix else key)
    return out


def _may_hold_empty_text(data: dict[str, Any]) -> bool:
    """False only when no empty text is anywhere in ``data``: its JSON text has no ``""``.
    Most declarations have none, and orjson's one pass in C is far cheaper than the walk."""
    try:
        return b'""' in orjson.dumps(data)
    except orjson.JSONEncodeError:
        return True


def _without(data: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """``data`` less the members at ``paths``: only the objects and lists along those paths
    are copied, everything else is shared. Each path ends in an object member (list items are
    never left out alone), so removing one does not move another."""
    trimmed = dict(data)
    copied = {id(trimmed)}
    for path in paths:
        *parents, key = path.split("/")
        node: Any = trimmed
        for part in parents:
            index: Any = int(part) if isinstance(node, list) else part
            child = node[index]
            if id(child) not in copied:
                child = dict(child) if isinstance(child, dict) else list(child)
                copied.add(id(child))
                node[index] = child
            node = child
        del node[int(key) if isinstance(node, list) else key]
    return trimmed


def _without_empty_texts(data: dict[str, Any], report: TranslationReport) -> dict[str, Any]:
    """Canonical data with every empty text left out, each reported: no format's schema takes
    an empty string where a text is optional, and it says nothing. Where leaving one out would
    break the declaration (a required text), the data stay as they are."""
    if not _may_hold_empty_text(data):
        return data
    paths = _empty_texts(data)
    if not paths:
        return data
    trimmed = _without(data, paths)
    try:
        declaration_from_data(trimmed)
    except GatewayError:
        return data
    for path in paths:
        report.converted(path, None, "an empty text is written as absent")
    return trimmed


def supply(decl: Declaration, supplied: Mapping[str, Any], report: TranslationReport,
           fallback: Mapping[str, Any] | None = None) -> tuple[Declaration, dict[str, Any] | None]:
    """The declaration with the supplied values in place, each recorded as ``supplied``;
    ``fallback`` values only where the declaration has none; empty texts left out (reported).
    Beside it, its data form (``declaration_to_data``, which supplying makes anyway) when it is
    the declaration given, unchanged, so the writer that follows need not make it again; None
    when a new declaration was made."""
    original = declaration_to_data(decl)
    data = _without_empty_texts(original, report)
    wanted = [(p, v) for p, v in (fallback or {}).items() if p not in supplied and not _present(data, _checked_parts(p))]
    if not supplied and not wanted:
        return (decl, original) if data is original else (declaration_from_data(data), None)
    for path, value in [*supplied.items(), *wanted]:
        parts = _checked_parts(path)
        target, old = _put(data, parts, copy.deepcopy(value), path)
        detail = f"supplied by the caller: {json.dumps(value, ensure_ascii=False)}"
        if old is not None and old != value:
            detail += f"; replaces the declaration's {json.dumps(old, ensure_ascii=False)}"
        report.supplied(target, detail)
    try:
        return declaration_from_data(data), None
    except GatewayError as exc:
        where = exc.path or (exc.violations[0].path if exc.violations else None)
        raise ConfigurationError(N_("a --set value does not fit the declaration: {message}", message=exc.text),
                                 path=where.strip("/") if where else None) from None
