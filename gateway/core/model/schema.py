"""The JSON Schema (draft 2020-12) of the canonical data form, derived from the model types.

Derived, not written by hand, so the schema and the dataclasses cannot drift; the shipped
copy in ``mappings/canonical/`` is checked against this by a test.
"""

from __future__ import annotations

import dataclasses
import types
import typing
import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from gateway.core.model.declaration import Declaration
from gateway.core.model.serde import _hints

DECIMAL_PATTERN = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"
SCHEMA_ID = "https://jjj-footprint.example/schemas/canonical/v1/declaration.schema.json"


def canonical_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    root = _type_schema(Declaration, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "JJJ Footprint Gateway canonical declaration",
        "description": "The canonical product carbon footprint declaration every format translates through.",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _type_schema(inner, defs)
    if origin is tuple:
        return {"type": "array", "items": _type_schema(typing.get_args(tp)[0], defs)}
    if origin is dict or tp is dict:
        return {"type": "object", "description": "Format-specific values keyed by format namespace."}
    if dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs and tp is not Declaration:
            defs[name] = {}
            defs[name] = _dataclass_schema(tp, defs)
        return _dataclass_schema(tp, defs) if tp is Declaration else {"$ref": f"#/$defs/{name}"}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"enum": [m.value for m in tp]}
    return {
        Decimal: {"type": "string", "pattern": DECIMAL_PATTERN},
        str: {"type": "string"},
        int: {"type": "integer"},
        bool: {"type": "boolean"},
        datetime: {"type": "string", "format": "date-time", "pattern": r"Z$"},
        date: {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        uuid.UUID: {"type": "string", "format": "uuid", "pattern": r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"},
    }[tp]


def _dataclass_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = _hints(cls)
    props = {}
    required = []
    for f in dataclasses.fields(cls):
        props[f.name] = _type_schema(hints[f.name], defs)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(f.name)
    schema: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    # dataclasses invent a docstring from the signature when a class has none: not a description
    if cls.__doc__ and not cls.__doc__.startswith(f"{cls.__name__}("):
        schema["description"] = " ".join(cls.__doc__.split())
    if required:
        schema["required"] = required
    return schema
