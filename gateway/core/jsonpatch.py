"""JSON Merge Patch (RFC 7386) and the add/replace/remove subset of JSON Patch (RFC 6902).

Used where a document is described as a change to another: PACT's regional extension
carries a merge patch, and conformance cases derive hostile inputs from valid ones.
Every function returns a new value and leaves its inputs untouched (merge_patch_sharing's
result shares what the patch leaves alone with its target).
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["json_patch", "merge_diff", "merge_patch", "merge_patch_sharing"]


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge member by member, ``null`` deletes, anything else replaces.
    The target is copied once, whole (not again at every level the patch descends)."""
    return merge_patch_sharing(copy.deepcopy(target), patch)


def merge_patch_sharing(target: Any, patch: Any) -> Any:
    """:func:`merge_patch` that copies only what the patch changes: the objects along the
    patched members are new, every member the patch leaves alone is shared with ``target``, and
    what comes from the patch is copied. Neither input changes, but the result shares subtrees
    with ``target``: for a target nobody changes afterwards (the data a reader has just built),
    where merge_patch would copy the whole tree at every level it descends."""
    if not isinstance(patch, dict):  # a value replaces: lists are copied, scalars are immutable
        return copy.deepcopy(patch) if isinstance(patch, list) else patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch_sharing(out.get(key), value)
    return out


def merge_diff(original: dict[str, Any], derived: dict[str, Any]) -> dict[str, Any]:
    """The merge patch that turns ``derived`` into ``original`` (neither may hold nulls)."""
    patch: dict[str, Any] = {}
    for key, value in original.items():
        if key not in derived:
            patch[key] = value
        elif value != derived[key]:
            both_objects = isinstance(value, dict) and isinstance(derived[key], dict)
            patch[key] = merge_diff(value, derived[key]) if both_objects else value
    for key in derived:
        if key not in original:
            patch[key] = None
    return patch


def json_patch(doc: Any, ops: list[dict[str, Any]]) -> Any:
    """RFC 6902 ``add``, ``replace`` and ``remove``; other operations raise ``ValueError``."""
    doc = copy.deepcopy(doc)
    for op in ops:
        *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        node = doc
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        key: Any = int(last) if isinstance(node, list) and last != "-" else last
        if op["op"] == "remove":
            del node[key]
        elif op["op"] == "replace":
            node[key] = op["value"]
        elif op["op"] == "add":
            if isinstance(node, list):
                node.insert(len(node) if key == "-" else key, op["value"])
            else:
                node[key] = op["value"]
        else:
            raise ValueError(f"unsupported JSON Patch op {op['op']!r}")
    return doc
