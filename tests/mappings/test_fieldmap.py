from __future__ import annotations

from decimal import Decimal

import pytest

from gateway.core.errors import MissingRequiredValue, Unrepresentable
from gateway.core.report import TranslationReport
from mappings.base import unique
from mappings.fieldmap import FieldMap, FieldRule, compile_path, get, put, resolve, unconsumed

TABLE = FieldMap(
    "demo",
    (
        FieldRule("id", "productId", "string", required=True),
        FieldRule("organisation/ids[scheme=uscc]/value", "company/uscc", "string"),
        FieldRule("results/fossil", "pcf/fossil", "quantity-number:kgCO2e"),
        FieldRule("method/boundary", "boundary", "code:boundary"),
        FieldRule("method/exempted_share", "exempted", "decimal", required=True, default="0", allow_default=False),
        FieldRule(None, "specVersion", "const", default="1.0"),
    ),
    {"boundary": {"cradle-to-gate": "Cradle-to-Gate"}},
)

CANONICAL = {
    "id": "x",
    "organisation": {"ids": [{"scheme": "lei", "value": "L"}, {"scheme": "uscc", "value": "U"}]},
    "results": {"fossil": {"amount": "1.50", "unit": "kgCO2e"}},
    "method": {"boundary": "cradle-to-gate", "exempted_share": "0.5"},
}


def test_both_directions_from_one_table() -> None:
    native, consumed = TABLE.to_native(CANONICAL, TranslationReport())
    assert native == {
        "productId": "x", "company": {"uscc": "U"}, "pcf": {"fossil": Decimal("1.50")},
        "boundary": "Cradle-to-Gate", "exempted": "0.5", "specVersion": "1.0",
    }
    assert unconsumed(CANONICAL, consumed) == {"organisation/ids/0/scheme": "lei", "organisation/ids/0/value": "L"}
    back, used = TABLE.to_canonical(native, TranslationReport())
    assert back["results"]["fossil"] == {"amount": "1.50", "unit": "kgCO2e"}
    assert back["organisation"]["ids"] == [{"scheme": "uscc", "value": "U"}]
    assert unconsumed(native, used) == {}


def test_missing_required_value_names_both_paths() -> None:
    data = {k: v for k, v in CANONICAL.items() if k != "method"}
    with pytest.raises(MissingRequiredValue) as exc:
        TABLE.to_native(data, TranslationReport())
    assert exc.value.path == "method/exempted_share"
    assert exc.value.metadata["target"] == "exempted"
    report = TranslationReport()
    native, _ = TABLE.to_native(data, report, allow_defaults=True)
    assert native["exempted"] == "0"
    assert [e.kind.value for e in report.entries] == ["defaulted"]


def test_unknown_code_and_wrong_unit_are_unrepresentable() -> None:
    with pytest.raises(Unrepresentable):
        TABLE.to_native({**CANONICAL, "method": {"boundary": "cradle-to-grave", "exempted_share": "0"}}, TranslationReport())
    with pytest.raises(Unrepresentable):
        TABLE.to_native({**CANONICAL, "results": {"fossil": {"amount": "1", "unit": "kgC"}}}, TranslationReport())


def test_paths_with_selectors() -> None:
    tree: dict = {}
    put(tree, "ids[scheme=gtin]/value", "123")
    assert tree == {"ids": [{"scheme": "gtin", "value": "123"}]}
    assert get(tree, "ids[scheme=gtin]/value") == "123"
    assert resolve(tree, "ids[scheme=gtin]/value") == ["ids/0/value", "ids/0/scheme"]


def test_unconsumed_is_the_leaves_no_consumed_path_covers() -> None:
    tree = {"a": {"b": 1, "c": [2, 3]}, "d": 4}
    assert unconsumed(tree, {"a/b", "a/c/0"}) == {"a/c/1": 3, "d": 4}
    assert unconsumed(tree, {"a", "d"}) == {}


def test_unique_keeps_first_occurrences_and_compares_objects_by_content() -> None:
    values = [{"name": "db", "version": "1"}, "urn:a", {"version": "1", "name": "db"}, "urn:a", ["x", {"k": 1}],
              ["x", {"k": 1}], {"name": "db", "version": "2"}]
    assert unique(values) == [{"name": "db", "version": "1"}, "urn:a", ["x", {"k": 1}], {"name": "db", "version": "2"}]
    assert unique([f"s{i % 997}" for i in range(10_000)]) == [f"s{i}" for i in range(997)]


def test_a_required_row_left_to_supplied_native_fields_is_neither_defaulted_nor_refused() -> None:
    data = {k: v for k, v in CANONICAL.items() if k != "method"}
    report = TranslationReport()
    native, _ = TABLE.to_native(data, report, supplied={"exempted"})
    assert "exempted" not in native
    assert report.entries == []
    with pytest.raises(MissingRequiredValue):
        TABLE.to_native(data, TranslationReport(), supplied={"boundary"})


def test_consumed_paths_are_recorded_by_the_walk_that_reads_them() -> None:
    _, consumed = TABLE.to_native(CANONICAL, TranslationReport())
    assert consumed == {"id", "organisation/ids/1/value", "organisation/ids/1/scheme", "results/fossil",
                        "method/boundary", "method/exempted_share"}
    _, used = TABLE.to_canonical({"productId": "x", "company": {"uscc": "U"}, "specVersion": "1.0"}, TranslationReport())
    assert used == {"productId", "company/uscc", "specVersion"}


def test_member_names_that_are_not_one_path_segment_are_covered_by_their_text() -> None:
    tree = {"a/b": {"c": 1}, "": {"d": 2}, "e": {"f/g": 3, "h": 4}}
    assert unconsumed(tree, {"a"}) == {"d": 2, "e/f/g": 3, "e/h": 4}
    assert unconsumed(tree, {"a/b/c", "d", "e/f"}) == {"e/h": 4}


def test_unknown_codes_are_left_out_of_a_copy_that_shares_the_rest() -> None:
    view = {**CANONICAL, "method": {"boundary": "cradle-to-grave", "exempted_share": "0.5"}}
    out = TABLE.without_unknown_codes(view)
    assert out["method"] == {"exempted_share": "0.5"}
    assert view["method"] == {"boundary": "cradle-to-grave", "exempted_share": "0.5"}
    assert out["results"] is view["results"]
    assert TABLE.without_unknown_codes(CANONICAL) is CANONICAL


def test_without_copies_the_list_item_a_selector_passes_through() -> None:
    tree = {"ids": [{"scheme": "lei", "value": "L"}, {"scheme": "uscc", "value": "U"}], "other": {"k": 1}}
    out = compile_path("ids[scheme=uscc]/value").without(tree)
    assert out == {"ids": [{"scheme": "lei", "value": "L"}, {"scheme": "uscc"}], "other": {"k": 1}}
    assert tree["ids"][1] == {"scheme": "uscc", "value": "U"}
    assert out["ids"][0] is tree["ids"][0] and out["other"] is tree["other"]
