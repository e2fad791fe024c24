"""Paths into the canonical data form, as policies name required fields.

A path is ``/``-separated member names, array indexes, and selectors that pick the array
element whose member has a value: ``organisation/ids[scheme=uscc]/value``. A value is
present when the path resolves to something other than null, an empty string, list or map.
"""

from __future__ import annotations

import re
from typing import Any

_SEGMENT = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)(\[(?P<key>[a-z][a-z0-9_]*)=(?P<value>[^\]]+)\])?$|^(?P<index>[0-9]+)$")


def check_path(path: str) -> None:
    """Raise ValueError naming the first segment that is not a valid path segment."""
    for segment in path.split("/"):
        if not _SEGMENT.match(segment):
            raise ValueError(f"bad path segment {segment!r}")


def resolve(data: Any, path: str) -> Any:
    """The value at ``path`` in canonical data, or None when any step is absent."""
    current = data
    for segment in path.split("/"):
        m = _SEGMENT.match(segment)
        if m is None or current is None:
            return None
        if m["index"] is not None:
            idx = int(m["index"])
            current = current[idx] if isinstance(current, list) and idx < len(current) else None
            continue
        current = current.get(m["name"]) if isinstance(current, dict) else None
        if m["key"] is not None:
            items = current if isinstance(current, list) else []
            current = next((i for i in items if isinstance(i, dict) and i.get(m["key"]) == m["value"]), None)
    return current


def present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}
