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
from collections.abc import Callable
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache, partial
from typing import Any, TypeVar

from gateway.core.errors import FieldViolation, SchemaViolation
from gateway.core.parsing import check_decimal_bounds
from gateway.core.model.declaration import Declaration

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
    names = _field_names(type(value))
    if names is not None:
        out = {}
        for name in names:
            item = getattr(value, name)
            if item is None or (isinstance(item, (tuple, dict)) and not item):
                continue
            out[name] = to_data(item)
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


@cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names, None for anything else (cached: this is the hot path)."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


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


Errors = list[FieldViolation]
Builder = Callable[[Any, str, Errors], Any]


def _build(tp: Any, data: Any, path: str, errors: Errors) -> Any:
    return _builder(tp)(data, path, errors)


@cache
def _builder(tp: Any) -> Builder:
    """The function that builds ``tp`` from data: the type analysis runs once per type."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return partial(_optional, _builder(inner))
    if origin is tuple:
        return partial(_tuple, _builder(typing.get_args(tp)[0]))
    if origin is dict or tp is dict:
        return _mapping
    if dataclasses.is_dataclass(tp):
        return partial(_dataclass, tp, _dataclass_plan(tp))
    return partial(_scalar_or_error, tp)


def _optional(inner: Builder, data: Any, path: str, errors: Errors) -> Any:
    return None if data is None else inner(data, path, errors)


def _tuple(item: Builder, data: Any, path: str, errors: Errors) -> tuple[Any, ...]:
    if not isinstance(data, list):
        errors.append(FieldViolation(path or "/", "expected an array"))
        return ()
    return tuple(item(v, f"{path}/{i}", errors) for i, v in enumerate(data))


def _mapping(data: Any, path: str, errors: Errors) -> dict[str, Any]:
    if not isinstance(data, dict):
        errors.append(FieldViolation(path or "/", "expected an object"))
        return {}
    return data


def _scalar_or_error(tp: Any, data: Any, path: str, errors: Errors) -> Any:
    try:
        value = _scalar(tp, data)
    except (ValueError, TypeError, InvalidOperation) as exc:
        errors.append(FieldViolation(path or "/", f"{_describe(tp)} expected, got {data!r:.80}: {exc}"))
        return None
    if tp is Decimal:
        # A quantity given as a decimal string meets the parser's number bounds (its own reason).
        check_decimal_bounds(value, path or "/")
    return value


def _dataclass_plan(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """(name, type, required) per field; builders are looked up lazily, so nested types resolve."""
    hints = _hints(cls)
    return tuple(
        (f.name, hints[f.name], f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
        for f in dataclasses.fields(cls)
    )


def _dataclass(cls: type, plan: tuple[tuple[str, Any, bool], ...], data: Any, path: str, errors: Errors) -> Any:
    if not isinstance(data, dict):
        errors.append(FieldViolation(path or "/", f"expected an object for {cls.__name__}"))
        return None
    before = len(errors)
    known = {name for name, _, _ in plan}
    errors.extend(FieldViolation(f"{path}/{key}", "unknown field") for key in data if key not in known)
    kwargs = {}
    for name, tp, required in plan:
        if name in data:
            kwargs[name] = _builder(tp)(data[name], f"{path}/{name}", errors)
        elif required:
            errors.append(FieldViolation(f"{path}/{name}", "required field missing"))
    return None if len(errors) > before else cls(**kwargs)


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
