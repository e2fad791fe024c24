"""Paths into the canonical data form, as policies name required fields.

A path is ``/``-separated member names, array indexes, and selectors that pick the array
element whose member has a value: ``organisation/ids[scheme=uscc]/value``. A value is
present when the path resolves to something other than null, an empty string, list or map.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from gateway.core.model.serde import to_data

_SEGMENT = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)(\[(?P<key>[a-z][a-z0-9_]*)=(?P<value>[^\]]+)\])?$|^(?P<index>[0-9]+)$")


def check_path(path: str) -> None:
    """Raise ValueError naming the first segment that is not a valid path segment."""
    for segment in path.split("/"):
        if not _SEGMENT.match(segment):
            raise ValueError(f"bad path segment {segment!r}")


Step = tuple[int | None, str | None, str | None, str | None]  # (index, name, key, value)


@lru_cache(maxsize=512)
def steps(path: str) -> tuple[Step, ...] | None:
    """A path parsed once (policies name the same paths in every assessment; a criterion's plan
    keeps its own); None when a segment is not a path segment."""
    steps = []
    for segment in path.split("/"):
        m = _SEGMENT.match(segment)
        if m is None:
            return None
        steps.append((int(m["index"]) if m["index"] is not None else None, m["name"], m["key"], m["value"]))
    return tuple(steps)


def resolve(data: Any, path: str) -> Any:
    """The value at ``path`` in canonical data, or None when any step is absent."""
    parsed = steps(path)
    if parsed is None:
        return None
    current = data
    for index, name, key, value in parsed:
        if current is None:
            return None
        if index is not None:
            current = current[index] if isinstance(current, list) and index < len(current) else None
            continue
        current = current.get(name) if isinstance(current, dict) else None
        if key is not None:
            items = current if isinstance(current, list) else []
            current = next((i for i in items if isinstance(i, dict) and i.get(key) == value), None)
    return current


@cache
def _fields(cls: type) -> frozenset[str] | None:
    """A model class's field names (its members in the data form); None for anything else."""
    return frozenset(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


def model_value(obj: Any, path: str) -> Any:
    """The model value at ``path`` (``to_data`` of it is ``resolve(to_data(obj), path)``), read off
    the model itself: writing the whole declaration as data was most of what a
    ``required-fields`` criterion cost. The data form's members are the fields' names, so each
    step meets what it would meet in the data form (a None or empty list it leaves out is
    None or empty here too)."""
    return value_by(obj, steps(path))


def value_by(obj: Any, parsed: tuple[Step, ...] | None) -> Any:
    """``model_value`` of a path already parsed by ``steps``."""
    if parsed is None:
        return None
    current = obj
    for index, name, key, value in parsed:
        if current is None:
            return None
        if index is not None:
            current = current[index] if isinstance(current, (list, tuple)) and index < len(current) else None
            continue
        # A member: the field of a model object, else the key of a dict (as _select does for
        # items), written inline: a required-fields criterion walks about five paths of two or
        # three members per assessment.
        fields = _fields(type(current))
        if fields is not None:
            current = getattr(current, name) if name in fields else None
        else:
            current = current.get(name) if isinstance(current, dict) else None
        if key is not None:
            current = _select(current, key, value)
    return current


def _select(items: Any, key: str, value: str) -> Any:
    """The first item of a list whose member ``key`` is the text ``value``, as a selector picks it."""
    if not isinstance(items, (list, tuple)):
        return None
    for item in items:
        fields = _fields(type(item))
        if fields is not None:
            member = getattr(item, key) if key in fields else None
        elif isinstance(item, dict):
            member = item.get(key)
        else:
            continue
        if member == value if type(member) is str else to_data(member) == value:
            return item
    return None


def present_at(obj: Any, path: str) -> bool:
    """``present(resolve(to_data(obj), path))`` without writing anything as data."""
    return present_by(obj, steps(path))


def present_by(obj: Any, parsed: tuple[Step, ...] | None) -> bool:
    """``present_at`` of a path already parsed by ``steps``."""
    return _has_value(value_by(obj, parsed))


def _has_value(value: Any) -> bool:
    """Whether ``value``'s data form is present: a model object's is a map with at least one
    member, and the data form writes every field but None ones, empty lists and empty maps."""
    t = type(value)
    if t is str:  # the common leaf first
        return value != ""
    if t in _NEVER_EMPTY:  # written as a number or a non-empty text
        return True
    if value is None:
        return False
    fields = _fields(t)
    if fields is None:
        if value == "":
            return False
        if isinstance(value, (tuple, list, dict)):
            return bool(value)
        return present(to_data(value))
    # A model object first: it is never a text, list or map, and comparing it with "" goes
    # through its dataclass __eq__ and back.
    for name in fields:
        member = getattr(value, name)
        if member is not None and not (isinstance(member, (tuple, dict)) and not member):
            return True
    return False


_NEVER_EMPTY = frozenset({Decimal, datetime, date, uuid.UUID, int, bool})


def present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}
