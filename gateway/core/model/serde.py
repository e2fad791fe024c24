"""The canonical model to and from plain JSON-able data.

Decimals become strings (so no float ever touches a value and no digit is lost), datetimes
RFC 3339 UTC with ``Z``, dates ISO 8601, UUIDs their canonical text, enums their value,
tuples lists; ``None`` fields and empty tuples/maps are left out. Reading is strict: unknown
keys and wrong types are refused with the path of the offending field.

Every translation reads and writes the model, so each dataclass gets a reader and a writer
generated once from its fields (straight-line code, the common value inline, a path spelled
out only for an error or a nested object); anything unusual goes through the general
per-type functions, which give the reasons. Reading runs twice only for data that breaks a
rule: a first reader with no paths and no error list builds the model from data that keeps
every rule and gives up at the first doubt, and then the reader that collects every error
with its path reads the data from the start (it alone decides what is refused and why).
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

from gateway.core.errors import FieldViolation, GatewayError, SchemaViolation
from gateway.core.i18n import N_
from gateway.core.parsing import MAX_DECIMAL_EXPONENT, MAX_SIGNIFICANT_DIGITS, check_decimal_bounds
from gateway.core.model.declaration import Declaration

T = TypeVar("T")


def format_datetime(value: datetime) -> str:
    """RFC 3339 in UTC with ``Z``; microseconds only when there are any (isoformat's own rule)."""
    if value.tzinfo is not timezone.utc:
        value = value.astimezone(timezone.utc)
    if value.microsecond:
        return value.isoformat().replace("+00:00", "Z")
    # What isoformat writes for whole seconds, in half its time (every translation writes a
    # declaration's timestamps twice).
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (value.year, value.month, value.day, value.hour, value.minute, value.second)


def parse_datetime(text: str) -> datetime:
    """RFC 3339 with an explicit offset; converted to UTC."""
    if len(text) == 20 and text.find("Z") == 19 and "z" not in text:
        # The common spelling (whole seconds in UTC) read as it is: fromisoformat takes the "Z"
        # for +00:00 itself. Anything it refuses is read the general way, for that one's reason.
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
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
    env: dict[str, Any] = {"to_data": to_data, "_put": _put, "_decimal_text": _decimal_text, "format_datetime": format_datetime,
                           "UTC": timezone.utc}
    for i, f in enumerate(dataclasses.fields(cls)):
        tp = _unwrap_optional(hints[f.name])
        env[f"T{i}"] = typing.get_origin(tp) or tp
        store = _write_expression(tp, i, f.name, env)
        if tp is not hints[f.name]:
            # An optional field is mostly absent: the None test first spares it the type() call.
            lines += [f"    x = value.{f.name}", "    if x is None:", "        pass", f"    elif type(x) is T{i}:",
                      f"        {store}", "    else:", f"        _put(out, {f.name!r}, x)"]
        else:
            lines += [f"    x = value.{f.name}", f"    if type(x) is T{i}:", f"        {store}",
                      "    elif x is not None:", f"        _put(out, {f.name!r}, x)"]
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
        elif item is uuid.UUID:
            each = "str(v) if type(v) is I{i} else to_data(v)".replace("{i}", str(i))
        else:
            each = "to_data(v)"
        return f"if x: out[{name!r}] = [{each} for v in x]"
    if origin is dict or tp is dict:
        return f"if x: out[{name!r}] = x"
    if dataclasses.is_dataclass(tp):
        env[f"W{i}"] = _writer(tp)
        return f"out[{name!r}] = W{i}(x)"
    if isinstance(tp, type) and issubclass(tp, Enum):
        return f"out[{name!r}] = x._value_"  # .value is a Python-level property, _value_ the attribute behind it
    if tp is Decimal:
        # _decimal_text inline for the common text (no exponent, not a signed zero).
        return f"t = str(x); out[{name!r}] = t if 'E' not in t and t != '-0' else _decimal_text(x)"
    if tp is datetime:
        # format_datetime's common case inline (whole seconds in UTC), the rest through it.
        return (f"out[{name!r}] = '%04d-%02d-%02dT%02d:%02d:%02dZ' % (x.year, x.month, x.day, x.hour, x.minute, x.second)"
                " if x.tzinfo is UTC and not x.microsecond else format_datetime(x)")
    if tp is date:
        return f"out[{name!r}] = x.isoformat()"
    if tp is uuid.UUID:
        return f"out[{name!r}] = str(x)"
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
    text = str(value)
    if "E" in text:  # str writes plain notation exactly as "f" does whenever it writes no exponent
        text = format(value, "f")
    return "0" if text in ("-0", "+0") else text


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_data(cls: type[T], data: Any, path: str = "") -> T:
    """Build ``cls`` from JSON-able data, raising :class:`SchemaViolation` with every bad path."""
    fast = _fast_reader(cls)
    if fast is not None:
        try:
            return fast(data)
        except _GIVE_UP:
            pass  # the reader below finds what broke, with its path
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


class _Doubt(Exception):
    """The first reader met something it leaves to the reader that gives reasons."""


# What makes the first reader give up: its own doubt, or what a conversion or the number
# bounds raise (the second reader raises or reports it again, with its path).
_GIVE_UP = (_Doubt, ArithmeticError, ValueError, GatewayError)


def _careful(reader: Reader, data: Any) -> Any:
    """One value through its type's full reader: the value, or a doubt when that reader
    would report an error (the first reader keeps no errors)."""
    errors: Errors = []
    value = reader(data, "", None, errors)
    if errors:
        raise _Doubt
    return value


@cache
def _fast_reader(cls: Any) -> Callable[[Any], Any] | None:
    """The first reader of a dataclass (None for any other type): straight-line code taking
    each field's common value inline and any other one through :func:`_careful`; a missing
    required field, an unknown key or a value that is not an object ends it with a doubt.
    It accepts only what the full reader (:func:`_dataclass_reader`) accepts, and builds the same."""
    if not dataclasses.is_dataclass(cls):
        return None
    hints = _hints(cls)
    env: dict[str, Any] = {"cls": cls, "known": frozenset(f.name for f in dataclasses.fields(cls)), "MISSING": _MISSING,
                           "Doubt": _Doubt, "Decimal": Decimal, "UUID": uuid.UUID, "parse_datetime": parse_datetime,
                           "date": date, "MAX_DIGITS": MAX_SIGNIFICANT_DIGITS, "MAX_EXP": MAX_DECIMAL_EXPONENT}
    lines = ["def read(data):", "    if type(data) is not dict or not known.issuperset(data):", "        raise Doubt"]
    fields = dataclasses.fields(cls)
    mirror = _unfrozen_twin(cls) if _plain_slots(cls) else None
    if mirror is not None:
        # A frozen dataclass's __init__ pays an object.__setattr__ call per field; plain stores
        # into an unfrozen twin of the same slots, then the class set, take a third of that
        # time on a wide class (Results: 14 fields, 0.98 µs by __init__, 0.28 µs so). Calling
        # the twin (no __init__ of its own) skips object.__new__'s argument wrapper, and each
        # value goes straight into its slot (no local to store and load again); a twin left
        # by a doubt is never seen.
        env["Twin"] = mirror
        lines.append("    o = Twin()")
    targets = [f"o.{f.name}" if mirror is not None else f"f{i}" for i, f in enumerate(fields)]
    for i, f in enumerate(fields):
        # A membership test then a subscript: cheaper than a get() method call, most of all for
        # the many absent optional fields (the data is a plain dict, checked above).
        lines += [f"    if {f.name!r} in data:", f"        v = data[{f.name!r}]"]
        lines += _fast_statements(hints[f.name], targets[i], f"{i}", env, "        ")
        lines.append("    else:")
        if f.default is not dataclasses.MISSING:
            env[f"D{i}"] = f.default
            lines.append(f"        {targets[i]} = D{i}")
        elif f.default_factory is not dataclasses.MISSING:
            env[f"F{i}"] = f.default_factory
            lines.append(f"        {targets[i]} = F{i}()")
        else:
            lines.append("        raise Doubt")
    if mirror is not None:
        lines += ["    o.__class__ = cls", "    return o"]
    elif _plain_slots(cls):
        # The slots' own setters do __init__'s work in about half its time.
        env["new"] = object.__new__
        env.update({f"S{i}": getattr(cls, f.name).__set__ for i, f in enumerate(fields)})
        lines += ["    o = new(cls)", *(f"    S{i}(o, f{i})" for i in range(len(fields))), "    return o"]
    else:
        lines.append(f"    return cls({', '.join(targets)})")
    return _compile(lines, env, "read", f"read {cls.__name__} (first)")


def _unfrozen_twin(cls: type) -> type | None:
    """A plain class with exactly ``cls``'s slots, whose instances may become ``cls`` by
    setting ``__class__`` (same layout); None where Python refuses that for this class."""
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": cls.__slots__})  # type: ignore[attr-defined]
    probe = object.__new__(twin)
    try:
        probe.__class__ = cls
    except TypeError:
        return None
    return twin


def _plain_slots(cls: type) -> bool:
    """Whether building ``cls`` is only storing its fields in its slots: every field a slot set
    by __init__, and no __post_init__ (tests/core/model/test_serde.py holds the two readers equal)."""
    fields = dataclasses.fields(cls)
    return (
        not hasattr(cls, "__post_init__")
        and tuple(getattr(cls, "__slots__", ())) == tuple(f.name for f in fields)
        and all(f.init for f in fields)
    )


def _fast_statements(tp: Any, target: str, tag: str, env: dict[str, Any], indent: str, value: str = "v") -> list[str]:
    """Statements storing in ``target`` the value of type ``tp`` read from the variable
    ``value``, as the full reader would build it; ``tag`` names the helpers put in ``env``."""
    inner = _unwrap_optional(tp)
    env[f"C{tag}"] = partial(_careful, _reader(inner))
    careful = f"C{tag}({value})"
    if inner is not tp:
        return [f"{indent}if {value} is None:", f"{indent}    {target} = None", f"{indent}else:",
                *_fast_statements(inner, target, tag, env, indent + "    ", value)]
    origin = typing.get_origin(inner)
    if origin is tuple:
        item = typing.get_args(inner)[0]
        each = _fast_expression(item, f"{tag}i", env)
        return [f"{indent}{target} = tuple([{each} for e in {value}]) if type({value}) is list else {careful}"]
    if inner is Decimal:
        # The full reader's common case (serde._decimal): a short decimal string within the exponent bound.
        return [f"{indent}if type({value}) is str and len({value}) <= MAX_DIGITS:",
                f"{indent}    {target} = Decimal({value})",
                f"{indent}    if not ({target}.is_finite() and -MAX_EXP <= {target}.adjusted() <= MAX_EXP):",
                f"{indent}        {target} = {careful}",
                f"{indent}else:",
                f"{indent}    {target} = {careful}"]
    if isinstance(inner, type) and issubclass(inner, Enum):
        env[f"M{tag}"] = {m.value: m for m in inner}
        return [f"{indent}{target} = M{tag}.get({value}) if type({value}) is str else None",
                f"{indent}if {target} is None:", f"{indent}    {target} = {careful}"]
    return [f"{indent}{target} = {_fast_expression(inner, tag, env, value)}"]


def _fast_expression(tp: Any, tag: str, env: dict[str, Any], value: str = "e") -> str:
    """An expression reading ``value`` of type ``tp`` (not optional) as the full reader would."""
    env[f"C{tag}"] = partial(_careful, _reader(tp))
    careful = f"C{tag}({value})"
    if dataclasses.is_dataclass(tp):
        env[f"R{tag}"] = _fast_reader(tp)
        return f"R{tag}({value})"
    exact = {str: value, int: value, bool: value, dict: value, uuid.UUID: f"UUID({value})",
             datetime: f"parse_datetime({value})", date: f"date.fromisoformat({value})"}
    kind = typing.get_origin(tp) or tp
    if kind in exact:
        source = str if kind in (uuid.UUID, datetime, date) else kind
        env[f"T{tag}"] = source
        return f"{exact[kind]} if type({value}) is T{tag} else {careful}"
    return careful


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
