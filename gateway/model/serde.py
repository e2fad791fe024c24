"""The canonical model to and from plain JSON-able data.

Decimals become strings (so no float ever touches a value and no digit is lost), datetimes
RFC 3339 UTC with ``Z``, dates ISO 8601, UUIDs their canonical text, enums their value,
tuples lists; ``None`` fields and empty tuples/maps are left out. Reading is strict: unknown
keys and wrong types are refused with the path of the offending field.
"""

from __future__ import annotations

import dataclasses
import types
import typing
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from gateway.errors import FieldViolation, SchemaViolation
from gateway.model.declaration import Declaration

T = TypeVar("T")


def format_datetime(value: datetime) -> str:
    value = value.astimezone(timezone.utc)
    text = value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def parse_datetime(text: str) -> datetime:
    """RFC 3339 with an explicit offset; converted to UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("timestamp has no UTC offset")
    return value.astimezone(timezone.utc)


def to_data(value: Any) -> Any:
    """Any model object to JSON-able data."""
    if dataclasses.is_dataclass(value):
        out = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if item is None or (isinstance(item, (tuple, dict)) and not item):
                continue
            out[f.name] = to_data(item)
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    # Dicts are extension payloads: JSON values kept exactly as read (Decimal numbers stay numbers).
    return value


def _decimal_text(value: Decimal) -> str:
    """Plain notation (no exponent) so every format's decimal pattern accepts it."""
    if value == value.to_integral_value() and value.as_tuple().exponent > 0:
        value = value.quantize(Decimal(1))
    text = format(value, "f")
    return "0" if text in ("-0", "+0") else text


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_data(cls: type[T], data: Any, path: str = "") -> T:
    """Build ``cls`` from JSON-able data, raising :class:`SchemaViolation` with every bad path."""
    errors: list[FieldViolation] = []
    result = _build(cls, data, path, errors)
    if errors:
        raise SchemaViolation(
            f"{len(errors)} invalid field(s); first: {errors[0].path or '/'}: {errors[0].message}",
            violations=errors,
        )
    return result


def _build(tp: Any, data: Any, path: str, errors: list[FieldViolation]) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if data is None:
            return None
        return _build(args[0], data, path, errors)
    if origin is tuple:
        if not isinstance(data, list):
            errors.append(FieldViolation(path or "/", "expected an array"))
            return ()
        item_tp = typing.get_args(tp)[0]
        return tuple(_build(item_tp, v, f"{path}/{i}", errors) for i, v in enumerate(data))
    if origin is dict or tp is dict:
        if not isinstance(data, dict):
            errors.append(FieldViolation(path or "/", "expected an object"))
            return {}
        return data
    if dataclasses.is_dataclass(tp):
        return _build_dataclass(tp, data, path, errors)
    try:
        return _scalar(tp, data)
    except (ValueError, TypeError, InvalidOperation) as exc:
        errors.append(FieldViolation(path or "/", f"{_describe(tp)} expected, got {data!r:.80}: {exc}"))
        return None


def _build_dataclass(cls: type, data: Any, path: str, errors: list[FieldViolation]) -> Any:
    if not isinstance(data, dict):
        errors.append(FieldViolation(path or "/", f"expected an object for {cls.__name__}"))
        return None
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key in data:
        if key not in fields:
            errors.append(FieldViolation(f"{path}/{key}", "unknown field"))
    kwargs = {}
    for name, f in fields.items():
        if name in data:
            kwargs[name] = _build(hints[name], data[name], f"{path}/{name}", errors)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            errors.append(FieldViolation(f"{path}/{name}", "required field missing"))
    if any(e.path.startswith(path) for e in errors):
        return None
    return cls(**kwargs)


def _scalar(tp: Any, data: Any) -> Any:
    if tp is Decimal:
        if isinstance(data, bool) or not isinstance(data, str | int | Decimal):
            raise TypeError("a decimal string")
        value = Decimal(data)
        if not value.is_finite():
            raise ValueError("not finite")
        return value
    if tp is str:
        if not isinstance(data, str):
            raise TypeError("not a string")
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise TypeError("not an integer")
        return data
    if tp is bool:
        if not isinstance(data, bool):
            raise TypeError("not a boolean")
        return data
    if tp is datetime:
        if not isinstance(data, str):
            raise TypeError("not a string")
        return parse_datetime(data)
    if tp is date:
        if not isinstance(data, str):
            raise TypeError("not a string")
        return date.fromisoformat(data)
    if tp is uuid.UUID:
        if not isinstance(data, str):
            raise TypeError("not a string")
        return uuid.UUID(data)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    raise TypeError(f"unsupported type {tp!r}")


def _describe(tp: Any) -> str:
    if isinstance(tp, type) and issubclass(tp, Enum):
        return "one of " + ", ".join(repr(m.value) for m in tp)
    return getattr(tp, "__name__", str(tp))


def declaration_to_data(decl: Declaration) -> dict[str, Any]:
    return to_data(decl)


def declaration_from_data(data: Any) -> Declaration:
    return from_data(Declaration, data)
