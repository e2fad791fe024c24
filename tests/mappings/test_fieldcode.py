"""The generated field-table functions do what the rows say, read one by one with
:class:`mappings.fieldmap.Path`: the same output (values, types, member order), consumed paths,
report lines and errors, for every shipped table on every example and for drawn tables whose
paths overlap, select list items and hold every kind of row."""

from __future__ import annotations

import gc
import importlib
import pkgutil
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway import examples
from gateway.core.errors import GatewayError, MissingRequiredValue
from gateway.core.model import declaration_to_data
from gateway.core.parsing import read_number
from gateway.core.report import TranslationReport
from gateway.translate import read, write
import mappings
from mappings import available, fieldcode, get_format
from mappings.pact import profile as pact_profile
from mappings.cn_jjj import FIELDS as cn_jjj_fields
from mappings.fieldmap import (ABSENT, FieldMap, FieldRule, _decimal_text, _unknown_native_code, compile_path, put,
                              unconsumed)
from tests.test_matrix import OPTIONS

# -- the rows read one by one: what the generated code must equal ------------------------------


def _found(path: Any, tree: Any, consumed: set[str]) -> Any:
    if not path.selective:
        value = path.get(tree)
        if value is not ABSENT:
            consumed.add(path.text)
        return value
    located = path.locate(tree)
    if located is None:
        return ABSENT
    consumed.update(located[1])
    return located[0]


def _reference_to_canonical(table: FieldMap, native: Any) -> tuple[dict[str, Any], set[str]]:
    canonical: dict[str, Any] = {}
    consumed: set[str] = set()
    for c in table._compiled:
        value = _found(c.native, native, consumed)
        if value is ABSENT or c.kind == "const" or c.canonical is None:
            continue
        if c.kind in ("number", "decimal"):
            value = _decimal_text(value, c.rule.native)
        elif c.kind in ("quantity-number", "quantity-decimal"):
            value = {"amount": _decimal_text(value, c.rule.native), "unit": c.arg}
        elif c.kind == "code":
            reverse = table._reverse_codes[c.arg]
            if value not in reverse:
                _unknown_native_code(c.rule, value)
            value = reverse[value]
        c.canonical.put(canonical, value)
    return canonical, consumed


def _reference_to_native(table: FieldMap, canonical: Any, report: TranslationReport, allow_defaults: bool,
                         supplied: frozenset[str]) -> tuple[dict[str, Any], set[str]]:
    native: dict[str, Any] = {}
    consumed: set[str] = set()
    for c in table._compiled:
        rule = c.rule
        if c.kind == "const":
            c.native.put(native, rule.default)
            continue
        value = _found(c.canonical, canonical, consumed) if c.canonical else ABSENT
        if value is ABSENT:
            if rule.required and not (c.canonical and rule.native in supplied):
                c.native.put(native, table._default(rule, allow_defaults))
                report.defaulted(rule.canonical, rule.native, f"absent; documented default {rule.default!r} used")
            continue
        if c.kind == "number":
            value = Decimal(value)
        elif c.kind in ("quantity-number", "quantity-decimal"):
            value = table._amount(rule, value, c.arg)
            value = Decimal(value) if c.kind == "quantity-number" else value
        elif c.kind == "code":
            codes = table.codes[c.arg]
            if value not in codes:
                table._unknown_code(rule, codes, value)
            value = codes[value]
        c.native.put(native, value)
    return native, consumed


def _outcome(run: Any) -> tuple[Any, ...]:
    report = TranslationReport()
    try:
        tree, consumed = run(report)
    except Exception as exc:  # noqa: BLE001 - a type error from a malformed tree must be the same error too
        return ("raised", type(exc), str(exc), getattr(exc, "path", None), getattr(exc, "metadata", None), report.entries)
    return ("returned", repr(tree), consumed, report.entries)


def assert_same(table: FieldMap, tree: Any, *, allow_defaults: bool = False, supplied: frozenset[str] = frozenset()) -> None:
    read = _outcome(lambda _: table.to_canonical(tree, TranslationReport()))
    assert read == _outcome(lambda _: _reference_to_canonical(table, tree))
    # The reader that records nothing builds the same data, or raises the same error.
    assert _outcome(lambda _: (table.values_reader(tree), set())) == (
        read[:2] + (set(), read[3]) if read[0] == "returned" else read)
    assert _outcome(lambda r: table.to_native(tree, r, allow_defaults=allow_defaults, supplied=supplied)) == _outcome(
        lambda r: _reference_to_native(table, tree, r, allow_defaults, supplied))


# -- every shipped table on every example ------------------------------------------------------


def _shipped_tables() -> list[FieldMap]:
    """Every table the mappings made when imported (cn-jjj's per-item tables among them)."""
    for module in pkgutil.walk_packages(mappings.__path__, "mappings."):
        importlib.import_module(module.name)
    for profile in ("fields_v2.toml", "fields_v3.toml"):
        pact_profile.load(profile)
    return list({id(t): t for t in gc.get_objects() if isinstance(t, FieldMap)}.values())


def _example_trees() -> list[Any]:
    decls = [read(p.read_bytes()).declaration for p in examples.declarations(".json")]
    trees: list[Any] = [declaration_to_data(d) for d in decls]
    for decl in decls:
        for format_id in available():
            try:
                trees.append(get_format(format_id).parse(write(decl, format_id, OPTIONS)[0]))
            except GatewayError:
                continue
    # List items too: the cn-jjj item tables read one item each.
    trees += [item for tree in list(trees) for value in tree.values() if isinstance(value, list)
              for item in value if isinstance(item, dict)]
    return trees


def test_every_shipped_table_is_generated_as_its_rows_read() -> None:
    tables, trees = _shipped_tables(), _example_trees()
    assert len(tables) >= 10 and len(trees) >= 100
    for table in tables:
        for tree in trees:
            assert_same(table, tree)
            assert_same(table, tree, allow_defaults=True, supplied=frozenset(r.native for r in table.rules[::2]))


# -- drawn tables and trees --------------------------------------------------------------------

_SEGMENTS = ["a", "b", "ids", "scheme", "ids[scheme=x]", "ids[scheme=y]", "ids[kind=x]", "a[b=c]"]
_path = st.lists(st.sampled_from(_SEGMENTS), min_size=1, max_size=3).map("/".join)
_KINDS = ["string", "strings", "number", "decimal", "quantity-number:kg", "quantity-decimal:kg", "code:k", "const"]
_rule = st.builds(FieldRule, canonical=st.one_of(st.none(), _path), native=_path, type=st.sampled_from(_KINDS),
                  required=st.booleans(), default=st.sampled_from([None, "p", "1"]), allow_default=st.booleans())
_leaf = st.sampled_from([None, "", "x", "p", "q", "P", "1.5", "1e999", 0, 7, True, Decimal("2.5"), 2.5, [], {}, ["a"],
                         {"amount": "1", "unit": "kg"}, {"amount": "2", "unit": "t"}])


@st.composite
def _trees(draw: st.DrawFn) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path, value in draw(st.lists(st.tuples(_path, _leaf), max_size=8)):
        try:
            put(tree, path, value)
        except (AttributeError, TypeError):
            continue  # a path through a leaf put before: the tree keeps what it had
    return tree


@given(rules=st.lists(_rule, min_size=1, max_size=8), trees=st.lists(_trees(), min_size=1, max_size=4),
       allow_defaults=st.booleans(), supplied=st.frozensets(_path, max_size=3))
def test_drawn_tables_are_generated_as_their_rows_read(rules: list[FieldRule], trees: list[Any], allow_defaults: bool,
                                                       supplied: frozenset[str]) -> None:
    table = FieldMap("drawn", tuple(rules), {"k": {"p": "P", "q": "Q"}})
    for tree in trees:
        assert_same(table, tree, allow_defaults=allow_defaults, supplied=supplied)


def test_overlapping_output_paths_are_written_row_by_row() -> None:
    """A row writing a value where another makes an object: the generated code cannot hold the
    object in a local, so it writes as the rows do."""
    table = FieldMap("overlap", (FieldRule("a", "x", "string"), FieldRule("b", "x/y", "string")), {})
    assert not fieldcode.writes_do_not_overlap(compile_path(r.native) for r in table.rules)
    for tree in ({"a": {"k": 1}, "b": "v"}, {"a": "text", "b": "v"}, {"b": "v"}):
        assert_same(table, tree)


def test_one_selector_field_per_list_or_row_by_row() -> None:
    paths = [compile_path(p) for p in ("ids[scheme=x]/value", "ids[kind=y]/value")]
    assert not fieldcode.writes_do_not_overlap(paths)
    assert not fieldcode.writes_do_not_overlap([compile_path("ids[scheme=x]/value"), compile_path("ids[scheme=y]/scheme")])
    assert fieldcode.writes_do_not_overlap([compile_path("ids[scheme=x]/value"), compile_path("ids[scheme=y]/value")])


def test_a_required_row_without_its_value_refuses_from_generated_code_with_both_paths() -> None:
    table = FieldMap("demo", (FieldRule("results/total", "total", "number", required=True),), {})
    with pytest.raises(MissingRequiredValue) as exc:
        table.to_native({}, TranslationReport())
    assert (exc.value.path, exc.value.metadata["target"]) == ("results/total", "total")


@given(text=st.one_of(st.text(alphabet="0123456789.-+eE _", max_size=40), st.sampled_from(
    ["Infinity", "-NaN", "sNaN", "1e999", "0." + "0" * 40 + "1", "1" * 34, "1" * 35, " 2.5 ", "1_000", "١٢"])))
def test_a_decimal_text_is_refused_exactly_when_the_number_rule_refuses_it(text: str) -> None:
    """The short path of ``_decimal_text`` (short texts with no exponent) asks only whether the
    text is a finite number; every text is still accepted or refused as ``read_number`` does."""
    try:
        read_number(text, "/pcf/x", ijson=False)
    except GatewayError as exc:
        with pytest.raises(type(exc)) as raised:
            _decimal_text(text, "pcf/x")
        assert (str(raised.value), raised.value.path) == (str(exc), exc.path)
    else:
        assert _decimal_text(text, "pcf/x") == text


# -- a table's shape check: True only when no leaf is left unconsumed ---------------------------


def _consumed_by_rows(paths: list[str], tree: Any) -> set[str]:
    """The concrete paths rows on ``paths`` consume in ``tree``, a ``key[]`` segment applied to
    every item of the list (as the cn-jjj mapping reads its item rows): a present member's path."""
    out: set[str] = set()

    def walk(node: Any, segments: list[str], done: str) -> None:
        if not segments:
            out.add(done)
            return
        head, rest = segments[0], segments[1:]
        key = head[:-2] if head.endswith("[]") else head
        if not isinstance(node, dict) or key not in node:
            return
        here = f"{done}/{key}" if done else key
        if not head.endswith("[]"):
            walk(node[key], rest, here)
        elif isinstance(node[key], list):
            for index, item in enumerate(node[key]):
                walk(item, rest, f"{here}/{index}")

    for path in paths:
        walk(tree, [s for s in path.split("/") if s], "")
    return out


_SHAPE_SEGMENTS = ["a", "b", "c", "l[]", "m[]"]
_shape_path = st.lists(st.sampled_from(_SHAPE_SEGMENTS), min_size=1, max_size=4).map("/".join)
_shape_leaf = st.sampled_from([None, "", "x", 0, 1.5, True, [], {}, ["a"], {"z": 1}, [{}], [{"a": 1}], [{"z": 2}, 3]])
_shape_key = st.sampled_from(["a", "b", "c", "l", "m", "z", "", "a/b"])
_shape_tree = st.recursive(_shape_leaf, lambda kids: st.one_of(
    st.lists(kids, max_size=3), st.dictionaries(_shape_key, kids, max_size=4)), max_leaves=12)


@given(paths=st.lists(_shape_path, min_size=1, max_size=6), trees=st.lists(_shape_tree, min_size=1, max_size=4))
def test_a_tree_the_shape_check_passes_has_no_unconsumed_leaf(paths: list[str], trees: list[Any]) -> None:
    check = fieldcode.covered(paths)
    assert check is not None
    for tree in trees:
        if check(tree):
            assert unconsumed(tree, _consumed_by_rows(paths, tree)) == {}


def test_the_shape_check_doubts_what_the_rows_leave() -> None:
    table = FieldMap("shape", (FieldRule("x", "a/b", "string"), FieldRule("y", "l[]/c", "string"),
                               FieldRule(None, "l[]/d", "string"), FieldRule("z", "w", "strings")), {})
    assert table.covers({"a": {"b": "v"}, "l": [{"c": "1"}, {"c": "2", "d": "3"}], "w": ["p", {"q": 1}]})
    assert table.covers({}) and table.covers({"a": {}, "l": []})
    for tree in ({"a": {"b": "v", "e": 1}}, {"a": "v"}, {"a": None}, {"l": [{"c": "1"}, "2"]}, {"l": {"c": "1"}},
                 {"l": [{"e": 1}]}, {"e": {}}, {"a/b": "v"}, {"": 1}, ["a"]):
        assert not table.covers(tree)
    selective = FieldMap("selective", (FieldRule("x", "ids[scheme=a]/value", "string"),), {})
    assert fieldcode.covered(r.native for r in selective.rules) is None
    assert not selective.covers({})


def test_every_cn_jjj_example_is_read_without_a_leaf_walk() -> None:
    """The shape check proves every example wholly consumed (the schema closes every object)."""
    cn_jjj = get_format("cn-jjj-json")
    trees = [cn_jjj.parse(p.read_bytes()) for p in examples.declarations(".json")]
    assert trees and all(cn_jjj_fields.covers(tree) for tree in trees)
    for tree in trees:
        assert unconsumed(tree, _consumed_by_rows([r.native for r in cn_jjj_fields.rules], tree)) == {}
