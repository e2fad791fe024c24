"""The model's data form read by two readers (gateway/core/model/serde.py): a first one with no
paths that gives up at any doubt, then the full one that names every error. Whatever the data,
reading answers exactly as the full reader alone would."""

from __future__ import annotations

import copy
import dataclasses
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.core.errors import GatewayError, SchemaViolation
from gateway.core.model import Declaration, Period, declaration_from_data, declaration_to_data
from gateway.core.model import serde
from gateway.core.model.serde import format_datetime, parse_datetime
from tests.strategies import declarations


def _full_reader_alone(data: Any) -> tuple:
    errors: list = []
    try:
        result = serde._reader(Declaration)(data, "", None, errors)
    except GatewayError as exc:
        return "refused", exc.reason, exc.message, exc.path
    if errors:
        return "violations", [(v.path, v.message) for v in errors]
    return "read", repr(result)


def _read(data: Any) -> tuple:
    try:
        return "read", repr(declaration_from_data(data))
    except SchemaViolation as exc:
        return "violations", [(v.path, v.message) for v in exc.violations]
    except GatewayError as exc:
        return "refused", exc.reason, exc.message, exc.path


@given(declarations())
def test_valid_data_is_built_by_the_first_reader_exactly_as_by_the_full_one(decl: Declaration) -> None:
    data = declaration_to_data(decl)
    first = serde._fast_reader(Declaration)(data)  # raises if it doubted valid data
    assert first == decl
    assert ("read", repr(first)) == _full_reader_alone(data)  # repr shows each Decimal's exponent


# Values that break a rule, or nearly do: wrong types, floats, non-finite and out-of-bound
# decimals, a naive timestamp, bad UUIDs and enum values, containers where leaves belong.
_HOSTILE = [
    None, 0, 1, -1, 1.5, True, False, "", "x", "NaN", "Infinity", "-0", "1e999", "1E+401", "1" * 35, "1" * 34,
    "0." + "0" * 40 + "1", " 1 ", "1_000", Decimal("1"), Decimal("1" * 40), [], {}, ["x"], {"x": 1},
    "2026-01-01T00:00:00", "2026-01-01T00:00:00Z", "2026-01-01", "00000000-0000-0000-0000-000000000000",
    "active", "cradle-to-gate", "AR6", "limited", "kgCO2e",
]
_hostile_values = st.sampled_from(_HOSTILE)


def _leaves(node: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [path] + [p for k, v in node.items() for p in _leaves(v, (*path, k))]
    if isinstance(node, list):
        return [path] + [p for i, v in enumerate(node) for p in _leaves(v, (*path, i))]
    return [path]


@st.composite
def _broken_data(draw: st.DrawFn) -> dict:
    data = copy.deepcopy(declaration_to_data(draw(declarations())))
    for _ in range(draw(st.integers(1, 3))):
        places = [p for p in _leaves(data) if p]
        path = draw(st.sampled_from(places))
        *parents, last = path
        node = data
        for token in parents:
            node = node[token]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            node[last] = draw(_hostile_values)
        elif action == "delete" and isinstance(node, dict):
            del node[last]
        elif isinstance(node, dict):
            node[draw(st.sampled_from(["bogus", "unit", "amount", "zh"]))] = draw(_hostile_values)
    return data


@given(_broken_data())
def test_any_data_is_answered_as_the_full_reader_answers(data: dict) -> None:
    assert _read(data) == _full_reader_alone(data)


def _richest_examples(count: int = 1) -> list[dict]:
    from gateway import examples
    from gateway.translate import read

    data = [declaration_to_data(read(p.read_bytes()).declaration) for p in examples.declarations(".json")]
    return sorted(data, key=lambda d: len(_leaves(d)), reverse=True)[:count]


def test_every_single_break_of_the_richest_examples_is_answered_as_the_full_reader_answers() -> None:
    for data in _richest_examples():
        for path in [p for p in _leaves(data) if p]:
            *parents, last = path
            node = data
            for token in parents:
                node = node[token]
            kept = node[last]
            for value in [*_HOSTILE, _DELETED]:
                if value is _DELETED:
                    if isinstance(node, list):
                        continue
                    del node[last]
                else:
                    node[last] = value
                assert _read(data) == _full_reader_alone(data), (path, value)
                node[last] = kept  # a deleted key comes back last: the same data, another order
            if isinstance(kept, dict):
                kept["bogus"] = 1
                assert _read(data) == _full_reader_alone(data), (path, "bogus")
                del kept["bogus"]


_DELETED = object()


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimal_text_is_plain_notation(value: Decimal) -> None:
    text = serde._decimal_text(value)
    plain = format(value, "f")
    assert text == ("0" if plain in ("-0", "+0") else plain)


@given(st.datetimes(timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=8)), timezone(timedelta(hours=-3, minutes=-30))])))
def test_timestamps_are_written_in_utc_with_z_and_read_back(value: datetime) -> None:
    text = format_datetime(value)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z", text)
    assert parse_datetime(text) == value
    assert ("." in text) == bool(value.microsecond)


def _isoformat_utc(value: datetime) -> str:
    """The timestamp text as isoformat writes it, the rule format_datetime's short path keeps."""
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _read_by_replacing_z(text: str) -> tuple:
    """parse_datetime's general reading, the answer its short path must give too."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        return "refused", str(exc)
    if value.tzinfo is None:
        return "refused", "timestamp has no UTC offset"
    value = value.astimezone(timezone.utc)
    return "read", value, value.tzinfo


def _parsed(text: str) -> tuple:
    try:
        value = parse_datetime(text)
    except ValueError as exc:
        return "refused", str(exc)
    return "read", value, value.tzinfo


@given(st.datetimes(timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=8)), timezone(timedelta(0))])))
def test_a_timestamp_is_written_as_isoformat_writes_it_in_utc(value: datetime) -> None:
    assert format_datetime(value) == _isoformat_utc(value)


_TIMESTAMP_CHARS = "0123456789-:T tZz+.W"


@given(st.one_of(
    st.datetimes().map(lambda v: v.replace(microsecond=0).isoformat() + "Z"),
    st.datetimes().map(lambda v: v.replace(microsecond=0).isoformat()).flatmap(
        lambda text: st.tuples(st.integers(0, len(text) - 1), st.sampled_from(_TIMESTAMP_CHARS)).map(
            lambda edit: text[:edit[0]] + edit[1] + text[edit[0] + 1:] + "Z")),
    st.text(alphabet=_TIMESTAMP_CHARS, min_size=19, max_size=21),
))
def test_a_timestamp_text_is_read_as_the_general_reading_reads_it(text: str) -> None:
    """The short path for whole seconds in UTC (20 characters ending in Z) reads each text to
    the same instant, in UTC, or refuses it for the same reason."""
    assert _parsed(text) == _read_by_replacing_z(text)


@given(st.datetimes(timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=8)), timezone(timedelta(0))])),
       st.datetimes(timezones=st.just(timezone.utc)))
def test_the_model_writer_writes_each_timestamp_as_format_datetime_does(start: datetime, end: datetime) -> None:
    """The generated writer spells the common case (whole seconds in UTC) itself."""
    assert serde.to_data(Period(start, end)) == {"start": format_datetime(start), "end": format_datetime(end)}


@given(declarations())
def test_an_object_the_first_reader_builds_is_the_model_class_itself(decl: Declaration) -> None:
    """Built in an unfrozen twin of its slots and then given its class: the same type, equal
    and hashing alike to the declaration made by its constructor, and as frozen."""
    first = serde._fast_reader(Declaration)(declaration_to_data(decl))
    assert type(first) is Declaration and type(first.results) is type(decl.results)
    assert first == decl and hash(first.organisation) == hash(decl.organisation)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.version = 2  # type: ignore[misc]
