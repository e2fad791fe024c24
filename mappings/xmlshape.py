"""How a JSON Schema fixes an XML shape: the rules the XML codec and the XSD generator share.

See :mod:`mappings.xmlcodec` for the mapping itself; this module only reads schemas.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ENTRY = "entry"
KEY = "key"
DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
INTEGER = re.compile(r"^[+-]?\d+$")


def deref(root: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow local ``$ref``s; sibling keywords (titles, descriptions) win over the target's."""
    seen = 0
    while "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref is supported, got {ref!r}")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        seen += 1
        if seen > 32:
            raise ValueError(f"$ref chain too long at {ref!r}")
    return schema


def schema_kind(schema: dict[str, Any]) -> str:
    """record | map | array | string | number | integer | boolean | any."""
    if "const" in schema or "enum" in schema:
        values = [schema["const"]] if "const" in schema else schema["enum"]
        return schema.get("type") or _python_kind(values[0])
    kind = schema.get("type")
    if kind == "object":
        return "record" if "properties" in schema else "map"
    if kind in ("array", "string", "number", "integer", "boolean"):
        return kind
    if kind is None:
        return "any"
    raise ValueError(f"unsupported JSON Schema type {kind!r} for XML")


def _python_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, (Decimal, float)):
        return "number"
    return "string"


def entry_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of a map's values (``additionalProperties``; ``true`` or absent: anything)."""
    sub = schema.get("additionalProperties", {})
    return {} if sub is True else sub


def item_name(schema: dict[str, Any]) -> str:
    return schema.get("items", {}).get("xml", {}).get("name", "item")
