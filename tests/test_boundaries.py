"""Boundary values through every format's writer and reader (issue 16 item 2).

The border's bounds (``gateway.core.parsing``): 34 significant digits, a decimal exponent
within ±400, dates from 0001-01-01 to 9999-12-31, empty strings, nesting to ``MAX_DEPTH``.
Each example declaration every format can hold is given each bound, in the model (through
the writer, then back through the same format's reader) and in the document (through the
reader). Each must either work, the values coming back exactly, or end in a domain error
(:class:`GatewayError`) with a reason; any other exception fails the test.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone
from decimal import Decimal, localcontext
from enum import Enum
from functools import cache
from typing import Any

import pytest
from lxml import etree

from gateway import examples
from gateway.core.errors import GatewayError
from gateway.core.model import Declaration
from gateway.core.model.codelists import convert_unit
from gateway.core.model.declaration import Quantity
from gateway.core.parsing import MAX_DECIMAL_EXPONENT, MAX_DEPTH, MAX_SIGNIFICANT_DIGITS
from gateway.translate import read, write as write_with
from mappings import TranslateOptions, available, get_format

FORMATS = available()
MIN_TIME = datetime(1, 1, 1, tzinfo=timezone.utc)
MAX_TIME = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
# Catena-X requires fields no example states; its documented defaults fill them.
OPTIONS = TranslateOptions(allow_defaults=True)


def write(decl: Declaration, format_id: str) -> tuple[bytes, Any]:
    return write_with(decl, format_id, OPTIONS)


# --- the model, varied -------------------------------------------------------------------


def remap(value: Any, *, amount: Callable[[Decimal], Decimal] | None = None, text: Callable[[str], str] | None = None,
          moment: Callable[[date], date] | None = None) -> Any:
    """``value`` with every quantity's amount, plain string and date or datetime replaced."""
    if isinstance(value, Quantity):
        return Quantity(amount(value.amount), value.unit) if amount else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: remap(getattr(value, f.name), amount=amount, text=text, moment=moment)
                   for f in dataclasses.fields(value) if f.name != "extensions"}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(remap(v, amount=amount, text=text, moment=moment) for v in value)
    if isinstance(value, str) and not isinstance(value, Enum):
        return text(value) if text else value
    if isinstance(value, date):
        return moment(value) if moment else value
    return value


def quantities(value: Any, path: str = "") -> Iterator[tuple[str, Quantity]]:
    if isinstance(value, Quantity):
        yield path, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from quantities(getattr(value, f.name), f"{path}/{f.name}")
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from quantities(item, f"{path}/{i}")


def _max_digits(amount: Decimal) -> Decimal:
    # One in the 34th significant digit: the sums the consistency rules check stay within tolerance.
    if not amount or len(amount.as_tuple().digits) > MAX_SIGNIFICANT_DIGITS - 1:
        return amount
    with localcontext() as exact:
        exact.prec = MAX_SIGNIFICANT_DIGITS
        value = amount + Decimal(1).scaleb(amount.adjusted() - (MAX_SIGNIFICANT_DIGITS - 1))
    assert len(value.as_tuple().digits) == MAX_SIGNIFICANT_DIGITS, value
    return value


def _scaled(decl: Declaration, exponent: Callable[[list[Decimal]], int]) -> Declaration:
    amounts = [q.amount for _, q in quantities(decl.results) if q.amount] + \
              [q.amount for _, q in quantities((decl.stages, decl.gases)) if q.amount]
    shift = exponent(amounts)
    return remap(decl, amount=lambda a: a.scaleb(shift))  # every amount by one power of ten: sums still hold


def _with_time(decl: Declaration, when: datetime) -> Declaration:
    return remap(decl, moment=lambda d: when if isinstance(d, datetime) else when.date())


VARIANTS: dict[str, Callable[[Declaration], Declaration]] = {
    "max-digits": lambda d: remap(d, amount=_max_digits),
    "max-exponent": lambda d: _scaled(d, lambda a: MAX_DECIMAL_EXPONENT - max(x.adjusted() for x in a)),
    "min-exponent": lambda d: _scaled(d, lambda a: -MAX_DECIMAL_EXPONENT - min(x.adjusted() for x in a)),
    "min-date": lambda d: _with_time(d, MIN_TIME),
    "max-date": lambda d: _with_time(d, MAX_TIME),
    "empty-strings": lambda d: remap(d, text=lambda s: ""),
}


@cache
def held(format_id: str) -> list[tuple[str, Declaration]]:
    """Every example declaration (and partner sample) the format writes and reads back."""
    out = []
    for path in [*examples.declarations(".json"), *sorted((examples.folder() / "partners").glob("*.json"))]:
        try:
            decl = read(path.read_bytes()).declaration  # a battery section alone carries no declaration id
            read(write(decl, format_id)[0], format_id)
        except GatewayError:
            continue
        out.append((path.stem, decl))
    return out


def _in_unit(q: Quantity, unit: str) -> Decimal | None:
    if q.unit == unit:
        return q.amount
    try:
        return convert_unit(q.amount, q.unit, unit)
    except (KeyError, ValueError):
        return None


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("format_id", FORMATS)
def test_the_writer_and_reader_take_each_bound_or_refuse_it_with_a_reason(format_id: str, variant: str) -> None:
    assert held(format_id), f"no example declaration can be written as {format_id}"
    for name, decl in held(format_id):
        sent_plain = dict(quantities(decl))
        # The paths the format carries exactly: some derive a value (per kWh, per kg) inexactly.
        exact = {path for path, q in quantities(read(write(decl, format_id)[0], format_id).declaration)
                 if path in sent_plain and q.amount == _in_unit(sent_plain[path], q.unit)}
        varied = VARIANTS[variant](decl)
        try:
            output, written = write(varied, format_id)
            reading = read(output, format_id)
        except GatewayError as error:
            assert error.reason and error.reason != "INTERNAL_ERROR" and str(error), (name, error)
            continue
        back, sent = reading.declaration, dict(quantities(varied))
        # A quotient that does not terminate is rounded, and the report says so (a rounded entry,
        # or a conversion whose detail says it).
        rounded = [e.source_path for e in (*written.entries, *reading.report.entries)
                   if e.source_path and (e.kind.value == "rounded" or "rounded" in e.detail)]
        for path, q in quantities(back):
            if path in exact and not any(path[1:].startswith(r) for r in rounded):
                assert q.amount == _in_unit(sent[path], q.unit), (name, path, "sent", sent[path], "read back", q)
        if variant in ("min-date", "max-date"):
            assert back.created.date() == (MIN_TIME if variant == "min-date" else MAX_TIME).date(), name


# --- the document, varied ----------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
DOCUMENT_NUMBERS = {
    "max-digits": "1." + "2" * (MAX_SIGNIFICANT_DIGITS - 1),
    "max-exponent": f"1E+{MAX_DECIMAL_EXPONENT}",
    "min-exponent": f"1E-{MAX_DECIMAL_EXPONENT}",
}


def _document(format_id: str) -> bytes:
    _, decl = held(format_id)[0]
    return write(decl, format_id)[0]


def _json_leaves(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _json_leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _json_leaves(value, (*path, i))
    else:
        yield path, node


def _json_set(tree: Any, path: tuple, value: Any) -> Any:
    copy = json.loads(json.dumps(tree))
    node = copy
    for token in path[:-1]:
        node = node[token]
    node[path[-1]] = value
    return copy


def json_variants(content: bytes) -> Iterator[tuple[str, bytes]]:
    """One leaf at a time: a number at each bound (as a number and as a string), a date at
    each end of the calendar, a string emptied."""
    tree = json.loads(content)
    for path, leaf in _json_leaves(tree):
        where = "/" + "/".join(map(str, path))
        if isinstance(leaf, bool) or leaf is None:
            continue
        if isinstance(leaf, (int, float)) or (isinstance(leaf, str) and re.fullmatch(r"-?\d+(\.\d+)?", leaf)):
            for bound, literal in DOCUMENT_NUMBERS.items():
                slot = "\u0000bound\u0000"
                text = json.dumps(_json_set(tree, path, slot)).replace(json.dumps(slot), literal if not isinstance(leaf, str) else json.dumps(literal))
                yield f"{where} {bound}", text.encode()
        elif isinstance(leaf, str) and _DATE.match(leaf):
            for bound, when in (("min-date", MIN_TIME), ("max-date", MAX_TIME)):
                moment = when.isoformat().replace("+00:00", "Z") if "T" in leaf else when.date().isoformat()
                yield f"{where} {bound}", json.dumps(_json_set(tree, path, moment)).encode()
        if isinstance(leaf, str):
            yield f"{where} empty-string", json.dumps(_json_set(tree, path, "")).encode()


def xml_variants(content: bytes) -> Iterator[tuple[str, bytes]]:
    root = etree.fromstring(content)
    for i, node in enumerate(root.iter()):
        text = (node.text or "").strip()
        if not isinstance(node.tag, str) or len(node) or not text:
            continue
        choices: list[tuple[str, str]] = [("empty-string", "")]
        if re.fullmatch(r"-?\d+(\.\d+)?", text):
            choices += list(DOCUMENT_NUMBERS.items())
        elif _DATE.match(text):
            choices += [(b, (w.isoformat().replace("+00:00", "Z") if "T" in text else w.date().isoformat()))
                        for b, w in (("min-date", MIN_TIME), ("max-date", MAX_TIME))]
        for bound, value in choices:
            copy = etree.fromstring(content)
            list(copy.iter())[i].text = value
            yield f"{root.getroottree().getpath(node)} {bound}", etree.tostring(copy, xml_declaration=True, encoding="UTF-8")


def _nested(format_id: str, depth: int) -> bytes:
    """The format's document with an extension nested to ``depth`` levels in all."""
    content = _document(format_id)
    if get_format(format_id).syntax == "xml":
        root = etree.fromstring(content)
        node = etree.SubElement(root, root.tag.split("}")[0] + "}nested" if "}" in root.tag else "nested")
        for _ in range(depth - 2):
            node = etree.SubElement(node, node.tag)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    tree = json.loads(content)
    inner: Any = {}
    for _ in range(depth - 2):
        inner = {"n": inner}
    tree["x-nested"] = inner
    return json.dumps(tree).encode()


@pytest.mark.parametrize("format_id", FORMATS)
def test_the_reader_takes_each_bound_in_the_document_or_refuses_it_with_a_reason(format_id: str) -> None:
    content = _document(format_id)
    variants = xml_variants(content) if get_format(format_id).syntax == "xml" else json_variants(content)
    tried = 0
    for name, data in variants:
        tried += 1
        try:
            read(data, format_id)
        except GatewayError as error:
            assert error.reason and error.reason != "INTERNAL_ERROR" and str(error), (name, error)
    assert tried > 10


@pytest.mark.parametrize("format_id", FORMATS)
def test_nesting_to_the_limit_is_read_and_beyond_it_refused(format_id: str) -> None:
    for depth in (MAX_DEPTH, MAX_DEPTH + 1, 10 * MAX_DEPTH):
        try:
            read(_nested(format_id, depth), format_id)
        except GatewayError as error:
            assert error.reason and error.reason != "INTERNAL_ERROR", (depth, error)
            if depth > MAX_DEPTH:
                continue
            assert error.reason != "DOCUMENT_TOO_LARGE", f"nesting of {depth} refused as too deep: {error}"
        else:
            assert depth <= MAX_DEPTH, f"nesting of {depth} was read"
