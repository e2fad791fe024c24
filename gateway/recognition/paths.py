"""Paths into the canonical data form, as policies name required fields.

A path is ``/``-separated member names, array indexes, and selectors that pick the array
element whose member has a value: ``organisation/ids[scheme=uscc]/value``. A value is
present when the path resolves to something other than null, an empty string, list or map.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_SEGMENT = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)(\[(?P<key>[a-z][a-z0-9_]*)=(?P<value>[^\]]+)\])?$|^(?P<index>[0-9]+)$")


def check_path(path: str) -> None:
    """Raise ValueError naming the first segment that is not a valid path segment."""
    for segment in path.split("/"):
        if not _SEGMENT.match(segment):
            raise ValueError(f"bad path segment {segment!r}")


Step = tuple[int | None, str | None, str | None, str | None]  # (index, name, key, value)


@lru_cache(maxsize=512)
def _steps(path: str) -> tuple[Step, ...] | None:
    """A path parsed once (policies name the same paths in every assessment); None when a
    segment is not a path segment."""
    steps = []
    for segment in path.split("/"):
        m = _SEGMENT.match(segment)
        if m is None:
            return None
        steps.append((int(m["index"]) if m["index"] is not None else None, m["name"], m["key"], m["value"]))
    return tuple(steps)


def resolve(data: Any, path: str) -> Any:
    """The value at ``path`` in canonical data, or None when any step is absent."""
    steps = _steps(path)
    if steps is None:
        return None
    current = data
    for index, name, key, value in steps:
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


def present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}
