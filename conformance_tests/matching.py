"""Expected-vs-actual: references to earlier results, the pattern rule, and error views.

Pattern rule: an object matches when every member it lists matches (others are ignored);
an array matches an array of the same length element by element; ``{"$contains": [...]}``
matches an array holding an element for each pattern; ``{"$absent": true}`` matches a
missing member; numbers compare by exact decimal value (``1.50`` equals ``1.5``); any
other value must be equal.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

MISSING = object()


def pointer(data: Any, path: str) -> Any:
    """RFC 6901 JSON Pointer into plain data; MISSING when it leads nowhere."""
    if path in ("", "/"):
        return data
    node = data
    for token in path.lstrip("/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            return MISSING
    return node


def resolve(value: Any, results: list[Any]) -> Any:
    """Replace every ``{"$result": "i/pointer"}`` by that value of test i's result view."""
    if isinstance(value, dict):
        if set(value) == {"$result"}:
            index, _, path = value["$result"].partition("/")
            found = pointer(results[int(index)], "/" + path if path else "")
            if found is MISSING:
                raise LookupError(f"test {index} gave no value at /{path}")
            return found
        return {k: resolve(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, results) for v in value]
    return value


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def mismatches(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Every place where ``actual`` does not match the pattern ``expected``, as 'path: why'."""
    if isinstance(expected, dict) and "$contains" in expected:
        if not isinstance(actual, list):
            return [f"{where or '/'}: expected an array, got {type(actual).__name__}"]
        return [f"{where or '/'}: no element matches {p!r}" for p in expected["$contains"]
                if not any(not mismatches(p, a) for a in actual)]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where or '/'}: expected an object, got {actual!r}"]
        out = []
        for key, pattern in expected.items():
            if isinstance(pattern, dict) and pattern.get("$absent"):
                if key in actual:
                    out.append(f"{where}/{key}: expected absent, got {actual[key]!r}")
            elif key not in actual:
                out.append(f"{where}/{key}: missing")
            else:
                out += mismatches(pattern, actual[key], f"{where}/{key}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where or '/'}: expected an array, got {actual!r}"]
        if len(expected) != len(actual):
            return [f"{where or '/'}: expected {len(expected)} elements, got {len(actual)}: {actual!r}"[:400]]
        return [m for i, (e, a) in enumerate(zip(expected, actual)) for m in mismatches(e, a, f"{where}/{i}")]
    e_num, a_num = _number(expected), _number(actual)
    if e_num is not None and a_num is not None:
        return [] if e_num == a_num else [f"{where or '/'}: expected {expected}, got {actual}"]
    return [] if expected == actual and type(expected) is type(actual) else [f"{where or '/'}: expected {expected!r}, got {actual!r}"]


def error_view(error: grpc.RpcError) -> dict[str, Any]:
    """``{code, reason, domain, message, metadata, paths}`` from google.rpc.Status details."""
    view: dict[str, Any] = {"code": error.code().name if error.code() else "UNKNOWN", "reason": "", "domain": "",
                            "message": error.details() or "", "metadata": {}, "paths": []}
    status = rpc_status.from_call(error)
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            view.update(reason=info.reason, domain=info.domain, metadata=dict(info.metadata))
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            view["paths"] = [v.field for v in bad.field_violations]
    return view


def error_mismatches(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    out = []
    if actual["reason"] != expected["reason"]:
        out.append(f"reason: expected {expected['reason']}, got {actual['reason'] or actual['code']}")
    if "code" in expected and actual["code"] != expected["code"]:
        out.append(f"code: expected {expected['code']}, got {actual['code']}")
    if "path" in expected and expected["path"] not in actual["paths"]:
        out.append(f"path: expected {expected['path']}, got {actual['paths']}")
    out += mismatches(expected.get("metadata", {}), actual["metadata"], "metadata")
    return out
