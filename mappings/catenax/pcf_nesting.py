"""The flat 8.0.0 layout <-> the nested 9.0.0 structure of io.catenax.pcf, driven by ``fields_pcf_v9.toml``.

A 9.0.0 path such as ``companyAndProductInformation[]/productInformation[]/productIds`` names a
member inside the first entry of each collection (``[]``). Whatever the table does not name,
including further collection entries, is returned as the *rest*: a 9.0.0 sub-tree that is laid
back when 9.0.0 is written again.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from mappings.fieldmap import ABSENT, Path, compile_path

PACKAGE = "mappings.catenax"
REST_KEY = "catenax-pcf-v9"


@cache
def table() -> dict[str, Any]:
    return tomllib.loads(resources.files(PACKAGE).joinpath("fields_pcf_v9.toml").read_text("utf-8"))


Steps = tuple[tuple[str, bool], ...]  # (member, whether it is a collection whose first entry is meant)


def _steps(path: str) -> Steps:
    return tuple((seg.removesuffix("[]"), seg.endswith("[]")) for seg in path.split("/"))


def _put_nested(tree: dict[str, Any], steps: Steps, value: Any) -> None:
    node = tree
    for key, collection in steps[:-1]:
        if collection:
            items = node.setdefault(key, [{}])
            node = items[0]
        else:
            node = node.setdefault(key, {})
    node[steps[-1][0]] = value


def _prune(node: Any) -> Any:
    """Empty objects, empty lists and collections of empty entries are removed (a hole before a
    later entry stays ``{}``): the writer re-creates the collections the schema requires."""
    if isinstance(node, dict):
        out = {k: p for k, v in node.items() if (p := _prune(v)) is not ABSENT}
        return out or ABSENT
    if isinstance(node, list) and all(isinstance(i, dict) for i in node):
        items = [_prune(i) for i in node]
        if all(i is ABSENT for i in items):
            return ABSENT
        return [{} if i is ABSENT else i for i in items]
    return node


def merge(target: dict[str, Any], rest: dict[str, Any]) -> None:
    """Lay a rest sub-tree back: objects merged, collections merged entry by entry. The rest's
    values move into ``target`` (the writer hands over a sub-tree built for this document)."""
    for key, value in rest.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        elif isinstance(value, list) and isinstance(target.get(key), list) and all(isinstance(i, dict) for i in value):
            items = target[key]
            for index, entry in enumerate(value):
                if index < len(items) and isinstance(items[index], dict):
                    merge(items[index], entry)
                else:
                    items.append(entry)
        else:
            target[key] = value


def v9_path(path: str | None) -> str | None:
    """A path into the flat 8.0.0 tree as the 9.0.0 document names it (first collection entries);
    paths the table does not name (canonical paths among them) are returned unchanged."""
    if path is None:
        return None
    if path.startswith(REST_KEY + "/"):
        return path[len(REST_KEY) + 1:]
    if path == "specVersion":  # flatten() lists the one scopeOfPcfForm's specVersion there
        return "scopeOfPcfForm/0/specVersion"
    table = _v9_prefixes()
    end = len(path)
    while end > 0:  # the longest of the path's prefixes the table names
        v9 = table.get(path[:end])
        if v9 is not None:
            return v9 + path[end:]
        end = path.rfind("/", 0, end)
    return path


@cache
def table_paths() -> dict[str, str]:
    return dict(table()["codes"]["nesting"])


@cache
def _v9_prefixes() -> dict[str, str]:
    """Each 8.0.0 path of the table -> its 9.0.0 path with first collection entries (``/0``)."""
    return {v8: v9.replace("[]", "/0") for v8, v9 in table_paths().items()}


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """A 9.0.0 document from a flat 8.0.0 tree; members the table does not name stay at the top.

    ``flat`` is taken over: the writer builds it for this one document, so its members move
    into the 9.0.0 document instead of being copied there."""
    plan = _plan()
    rest = flat.pop(REST_KEY, None)
    out: dict[str, Any] = {}
    _put_nested(out, plan.spec, plan.spec_version)
    flat.pop("specVersion", None)
    for row in plan.nesting:
        value = row.v8.get(flat)
        if value is ABSENT:
            continue
        del (row.parent.get(flat) if row.parent else flat)[row.key]
        _put_nested(out, row.v9, row.codes.get(value, value) if isinstance(value, str) else value)
    pruned = _prune(flat)
    if pruned is not ABSENT:
        out.update(pruned)
    if rest:
        merge(out, rest)
    for steps in plan.required:
        if _walk(out, steps) is ABSENT:
            _put_nested(out, steps, [])
    return out


@dataclass(frozen=True)
class _Row:
    """One row of the table, its paths parsed: the 8.0.0 member, its parent object and key,
    the 9.0.0 steps, and the 9.0.0 spelling of its codes (``reverse``: the 8.0.0 one)."""

    text: str
    v8: Path
    parent: Path | None
    key: str
    v9: Steps
    codes: dict[str, str]
    reverse: dict[str, str]


@dataclass(frozen=True)
class _Plan:
    """What nesting and flattening need of the table, worked out once: the rows, the steps of
    the specVersion and of the required collections, the tree of the members flattening takes
    out of the document, its top-level objects, and the 8.0.0 objects the rows are put into."""

    spec_version: str
    spec: Steps
    nesting: tuple[_Row, ...]
    required: tuple[Steps, ...]
    taken: dict[str, Any]
    structure: frozenset[str]
    descended: frozenset[str]


@cache
def _plan() -> _Plan:
    data = table()
    rows = []
    for v8, v9 in data["codes"]["nesting"].items():
        parent, _, key = v8.rpartition("/")
        codes = data["values"].get(key, {})
        rows.append(_Row(v8, compile_path(v8), compile_path(parent) if parent else None, key, _steps(v9), codes,
                         {v: n for n, v in codes.items()}))
    spec = _steps("scopeOfPcfForm[]/specVersion")
    taken: dict[str, Any] = {}
    for index, steps in enumerate((spec, *(row.v9 for row in rows))):  # a leaf: where its value is found
        node = taken
        for key, collection in steps[:-1]:
            node = node.setdefault(key, (collection, {}))[1]
        node[steps[-1][0]] = index
    return _Plan(
        spec_version=data["spec_version"], spec=spec, nesting=tuple(rows),
        required=tuple(_steps(path) for path in data["required_collections"]), taken=taken,
        structure=frozenset({"scopeOfPcfForm"} | {row.v9[0][0] for row in rows}),
        descended=frozenset(row.text.split("/")[0] for row in rows if "/" in row.text),
    )


def _walk(tree: Any, steps: Steps) -> Any:
    node = tree
    for key, collection in steps:
        if not isinstance(node, dict) or key not in node:
            return ABSENT
        node = node[key]
        if collection:
            if not isinstance(node, list) or not node:
                return ABSENT
            node = node[0]
    return node


def _take(node: dict[str, Any], taken: dict[str, Any], found: list[Any]) -> dict[str, Any]:
    """``node`` less the members ``taken`` names, each put at its index in ``found``, in one
    walk (a member is taken where :func:`_walk` would find it: through objects, and the first
    entry, an object, of each collection): the objects and lists along the walk are new,
    everything else is shared with ``node``."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        below = taken.get(key)
        if below is None:
            out[key] = value
        elif isinstance(below, int):
            found[below] = value
        elif not below[0]:
            out[key] = _take(value, below[1], found) if isinstance(value, dict) else value
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out[key] = [_take(value[0], below[1], found), *value[1:]]
        else:
            out[key] = value
    return out


def flatten(nested: dict[str, Any]) -> dict[str, Any]:
    """The flat 8.0.0 tree of a 9.0.0 document; what the table does not name goes under ``REST_KEY``.

    ``nested`` is only read; the flat tree shares the document's values (the readers copy what
    they change)."""
    plan = _plan()
    flat: dict[str, Any] = {k: v for k, v in nested.items() if k not in plan.structure}
    for key in plan.descended & flat.keys():  # the table's members are put inside this one
        flat[key] = copy.deepcopy(flat[key])
    found = [ABSENT] * (len(plan.nesting) + 1)
    rest = _prune(_take({k: v for k, v in nested.items() if k in plan.structure}, plan.taken, found))
    if found[0] is not ABSENT:
        flat["specVersion"] = [found[0]]
    for row, value in zip(plan.nesting, found[1:]):
        if value is not ABSENT:
            row.v8.put(flat, row.reverse.get(value, value) if isinstance(value, str) else value)
    if rest is not ABSENT:
        flat[REST_KEY] = rest
    return flat
