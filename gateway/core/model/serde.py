"""The canonical model to and from plain JSON-able data.

Decimals become strings (so no float ever touches a value and no digit is lost), datetimes
RFC 3339 UTC with ``Z``, dates ISO 8601, UUIDs their canonical text, enums their value,
tuples lists; ``None`` fields and empty tuples/maps are left out. Reading is strict: unknown
keys and wrong types are refused with the path of the offending field.

Every translation reads and writes the model, so each dataclass gets a reader and a writer
generated once from its fields (straight-line code, the common value inline, a path spelled
out only for an error or a nested object); anything unusual goes through the general
per-type functions, which give the reasons.
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
from gateway.core.i18n import N_
from gateway.core.parsing import MAX_DECIMAL_EXPONENT, MAX_SIGNIFICANT_DIGITS, check_decimal_bounds
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
    write = _writer(type(value))
    return write(value) if write is not None else _value_to_data(value)


def _value_to_data(value: Any) -> Any:
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
def _writer(cls: type) -> Callable[[Any], dict[str, Any]] | None:
    """The function writing a dataclass, None for anything else (see :func:`_compile`)."""
    if not dataclasses.is_dataclass(cls):
        return None
    hints = _hints(cls)
    lines = ["def write(value):", "    out = {}"]
    env: dict[str, Any] = {"to_data": to_data, "_put": _put, "_decimal_text": _decimal_text, "format_datetime": format_datetime}
    for i, f in enumerate(dataclasses.fields(cls)):
        tp = _unwrap_optional(hints[f.name])
        env[f"T{i}"] = typing.get_origin(tp) or tp
        lines += [
            f"    x = value.{f.name}",
            f"    if type(x) is T{i}:",
            f"        {_write_expression(tp, i, f.name, env)}",
            "    elif x is not None:",
            f"        _put(out, {f.name!r}, x)",
        ]
    lines.append("    return out")
    return _compile(lines, env, "write", f"write {cls.__name__}")


def _write_expression(tp: Any, i: int, name: str, env: dict[str, Any]) -> str:
    """The statement storing field ``name`` whose value ``x`` is exactly of its declared type."""
    origin = typing.get_origin(tp)
    if origin is tuple:
        item = typing.get_args(tp)[0]
        env[f"I{i}"] = item
        if dataclasses.is_dataclass(item):
            env[f"W{i}"] = _writer(item)
            each = f"W{i}(v) if type(v) is I{i} else to_data(v)"
        elif item is str:
            each = "v if type(v) is str else to_data(v)"
        else:
            each = "to_data(v)"
        return f"if x: out[{name!r}] = [{each} for v in x]"
    if origin is dict or tp is dict:
        return f"if x: out[{name!r}] = x"
    if dataclasses.is_dataclass(tp):
        env[f"W{i}"] = _writer(tp)
        return f"out[{name!r}] = W{i}(x)"
    if isinstance(tp, type) and issubclass(tp, Enum):
        return f"out[{name!r}] = x.value"
    if tp is Decimal:
        return f"out[{name!r}] = _decimal_text(x)"
    if tp is datetime:
        return f"out[{name!r}] = format_datetime(x)"
    if tp in (str, int, bool):
        return f"out[{name!r}] = x"
    return f"_put(out, {name!r}, x)"


def _put(out: dict[str, Any], name: str, value: Any) -> None:
    """A field whose value is not of its declared type: written by what it is."""
    if not (isinstance(value, (tuple, dict)) and not value):
        out[name] = to_data(value)


def _unwrap_optional(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return inner
    return tp


def _compile(lines: list[str], env: dict[str, Any], name: str, label: str) -> Any:
    """A function from generated source: per model class, straight-line code for its fields
    (no loop over a field plan, no per-leaf path), built once; the cost of reading and writing
    the model is most of what is left of a translation's own work."""
    exec(compile("\n".join(lines), f"<{label}>", "exec"), env)  # noqa: S102 - source generated from the model's own fields
    return env[name]


def _decimal_text(value: Decimal) -> str:
    """Plain notation (no exponent) so every format's decimal pattern accepts it; ``f`` writes an
    integral value of positive exponent (1E+30) out in full, whatever the context's precision."""
    text = format(value, "f")
    return "0" if text in ("-0", "+0") else text


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_data(cls: type[T], data: Any, path: str = "") -> T:
    """Build ``cls`` from JSON-able data, raising :class:`SchemaViolation` with every bad path."""
    errors: list[FieldViolation] = []
    result = _reader(cls)(data, path, None, errors)
    if errors:
        raise SchemaViolation(
            N_("{count} invalid field(s); first: {value}: {message}", count=len(errors), value=errors[0].path or '/', message=errors[0].text),
            violations=errors,
        )
    return result


Errors = list[FieldViolation]
# A reader takes the value, the path of the object holding it and its key there (None at the
# root, where the path is the value's own): paths are only spelled out for an error or a
# nested object, not for every leaf read.
Reader = Callable[[Any, str, "str | int | None", Errors], Any]


def _at(parent: str, key: str | int | None) -> str:
    return parent if key is None else f"{parent}/{key}"


@cache
def _reader(tp: Any) -> Reader:
    """The function that reads ``tp`` from data: the type analysis runs once per type."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return partial(_optional, _reader(inner))
    if origin is tuple:
        return partial(_tuple, _reader(typing.get_args(tp)[0]))
    if origin is dict or tp is dict:
        return _mapping
    if dataclasses.is_dataclass(tp):
        return _dataclass_reader(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return partial(_enum, tp, {m.value: m for m in tp})
    return _SCALAR_READERS.get(tp) or partial(_scalar_or_error, tp)


def _optional(inner: Reader, data: Any, parent: str, key: str | int | None, errors: Errors) -> Any:
    return None if data is None else inner(data, parent, key, errors)


def _tuple(item: Reader, data: Any, parent: str, key: str | int | None, errors: Errors) -> tuple[Any, ...]:
    path = _at(parent, key)
    if not isinstance(data, list):
        errors.append(FieldViolation(path or "/", N_("expected an array")))
        return ()
    return tuple([item(v, path, i, errors) for i, v in enumerate(data)])


def _mapping(data: Any, parent: str, key: str | int | None, errors: Errors) -> dict[str, Any]:
    if not isinstance(data, dict):
        errors.append(FieldViolation(_at(parent, key) or "/", N_("expected an object")))
        return {}
    return data


def _enum(tp: type[Enum], members: dict[Any, Enum], data: Any, parent: str, key: str | int | None, errors: Errors) -> Any:
    if type(data) is str and data in members:
        return members[data]
    return _scalar_or_error(tp, data, parent, key, errors)


def _string(data: Any, parent: str, key: str | int | None, errors: Errors) -> Any:
    return data if type(data) is str else _scalar_or_error(str, data, parent, key, errors)


def _integer(data: Any, parent: str, key: str | int | None, errors: Errors) -> Any:
    return data if type(data) is int else _scalar_or_error(int, data, parent, key, errors)


def _decimal(data: Any, parent: str, key: str | int | None, errors: Errors) -> Any:
    """The common case (a decimal string or Decimal well within the number bounds) without the
    digit count; anything else takes the full path with its reasons."""
    kind = type(data)
    if kind is str or kind is Decimal:
        try:
            value = Decimal(data)
        except InvalidOperation:
            pass
        else:
            # A text this short cannot hold more significant digits than the bound.
            if value.is_finite() and -MAX_DECIMAL_EXPONENT <= value.adjusted() <= MAX_DECIMAL_EXPONENT and (
                len(data if kind is str else str(value)) <= MAX_SIGNIFICANT_DIGITS
            ):
                return value
    return _scalar_or_error(Decimal, data, parent, key, errors)


def _scalar_or_error(tp: Any, data: Any, parent: str, key: str | int | None, errors: Errors) -> Any:
    try:
        value = _scalar(tp, data)
    except (ValueError, TypeError, InvalidOperation) as exc:
        errors.append(FieldViolation(_at(parent, key) or "/", N_("{value} expected, got {data!r:.80}: {exc}", value=_describe(tp), data=data, exc=exc)))
        return None
    if tp is Decimal:
        # A quantity given as a decimal string meets the parser's number bounds (its own reason).
        check_decimal_bounds(value, _at(parent, key) or "/")
    return value


def _timestamp(data: Any, parent: str, key: str | int | None, errors: Errors) -> Any:
    if type(data) is str:
        try:
            return parse_datetime(data)
        except ValueError:
            pass
    return _scalar_or_error(datetime, data, parent, key, errors)


def _uuid(data: Any, parent: str, key: str | int | None, errors: Errors) -> Any:
    if type(data) is str:
        try:
            return uuid.UUID(data)
        except ValueError:
            pass
    return _scalar_or_error(uuid.UUID, data, parent, key, errors)


_SCALAR_READERS: dict[Any, Reader] = {str: _string, int: _integer, Decimal: _decimal, datetime: _timestamp, uuid.UUID: _uuid}


def _dataclass_reader(cls: type) -> Reader:
    """Unknown keys reported first, then each field in order, every error collected; the object
    is built only when none of its fields had one."""
    hints = _hints(cls)
    env: dict[str, Any] = {
        "cls": cls, "known": frozenset(f.name for f in dataclasses.fields(cls)), "FieldViolation": FieldViolation,
        "MISSING": _MISSING, "NOT_AN_OBJECT": N_("expected an object for {name}", name=cls.__name__),
        "UNKNOWN": _UNKNOWN_FIELD, "REQUIRED": _REQUIRED_FIELD,
    }
    lines = [
        "def read(data, parent, key, errors):",
        "    path = parent if key is None else f'{parent}/{key}'",
        "    if not isinstance(data, dict):",
        "        errors.append(FieldViolation(path or '/', NOT_AN_OBJECT))",
        "        return None",
        "    before = len(errors)",
        "    if not known.issuperset(data):",
        "        errors.extend([FieldViolation(f'{path}/{name}', UNKNOWN) for name in data if name not in known])",
    ]
    fields = dataclasses.fields(cls)
    for i, f in enumerate(fields):
        lines += [f"    v = data.get({f.name!r}, MISSING)", "    if v is not MISSING:"]
        lines += _read_statements(hints[f.name], i, f.name, env)
        lines.append("    else:")
        if f.default is not dataclasses.MISSING:
            env[f"D{i}"] = f.default
            lines.append(f"        f{i} = D{i}")
        elif f.default_factory is not dataclasses.MISSING:
            env[f"F{i}"] = f.default_factory
            lines.append(f"        f{i} = F{i}()")
        else:
            lines += [f"        errors.append(FieldViolation(f'{{path}}/{f.name}', REQUIRED))", f"        f{i} = None"]
    # Every field by position, absent ones with their default: no keyword dict per object.
    lines += ["    if len(errors) > before:", "        return None", f"    return cls({', '.join(f'f{i}' for i in range(len(fields)))})"]
    return _compile(lines, env, "read", f"read {cls.__name__}")


def _read_statements(tp: Any, i: int, name: str, env: dict[str, Any]) -> list[str]:
    """The statements reading field ``name`` from ``v``: the common case inline (a string, an
    absent optional, a list of items), anything else through the type's reader, which gives the
    error its reason."""
    env[f"R{i}"] = _reader(tp)
    fallback = f"R{i}(v, path, {name!r}, errors)"
    inner = _unwrap_optional(tp)
    optional = inner is not tp
    if typing.get_origin(inner) is tuple:
        item = typing.get_args(inner)[0]
        env[f"E{i}"] = _reader(item)
        each = f"e if type(e) is str else E{i}(e, here, j, errors)" if item is str else f"E{i}(e, here, j, errors)"
        return [
            "        if type(v) is list:",
            f"            here = f'{{path}}/{name}'",
            f"            f{i} = tuple([{each} for j, e in enumerate(v)])",
            "        else:",
            f"            f{i} = {fallback}",
        ]
    env[f"R{i}"] = _reader(inner)
    call = f"v if type(v) is str else {fallback}" if inner is str else fallback
    return [f"        f{i} = {f'None if v is None else {call}' if optional else call}"]


_MISSING = object()
_UNKNOWN_FIELD = N_("unknown field")
_REQUIRED_FIELD = N_("required field missing")


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
