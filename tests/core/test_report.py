"""The translation report (gateway/core/report.py): its entries, their kinds, losslessness."""

from __future__ import annotations

import pytest

from gateway.core.report import EntryKind, ReportEntry, TranslationReport


def test_each_kind_method_makes_the_entry_add_makes() -> None:
    by_method, by_add = TranslationReport(), TranslationReport()
    for kind in ("converted", "defaulted", "dropped", "unrepresentable", "recharacterised", "rounded"):
        getattr(by_method, kind)("a/b", "c", f"{kind} detail")
        by_add.add(EntryKind(kind), "a/b", "c", f"{kind} detail")
    by_method.warning("a/b", "warning detail")
    by_add.add(EntryKind.WARNING, "a/b", None, "warning detail")
    by_method.supplied("c", "supplied detail")
    by_add.add(EntryKind.SUPPLIED, None, "c", "supplied detail")
    by_method.missing("c", "missing detail")
    by_add.add(EntryKind.MISSING, None, "c", "missing detail")
    assert by_method.entries == by_add.entries
    assert all(type(e) is ReportEntry for e in by_method.entries)
    assert by_method.counts() == {k.value: 1 for k in EntryKind}


def test_an_entry_is_immutable_and_reads_by_name() -> None:
    report = TranslationReport()
    report.dropped("x/0", None, "no place")
    (entry,) = report.entries
    assert (entry.kind, entry.source_path, entry.target_path, entry.detail) == (EntryKind.DROPPED, "x/0", None, "no place")
    assert entry.as_dict() == {"kind": "dropped", "sourcePath": "x/0", "targetPath": None, "detail": "no place"}
    with pytest.raises(AttributeError):
        entry.detail = "changed"  # type: ignore[misc]
    assert hash(entry) == hash(ReportEntry(EntryKind.DROPPED, "x/0", None, "no place"))


def test_dropped_values_names_each_leaf_as_dropped_would() -> None:
    values = {"a": "short", "b/0": "x" * 100, "c": 7}
    one_by_one, at_once = TranslationReport(), TranslationReport()
    for path, value in values.items():
        one_by_one.dropped(path, None, f"no place for {value!r:.60}")
    at_once.dropped_values(values, "no place for")
    assert at_once.entries == one_by_one.entries
    assert len(at_once.entries[1].detail) == len("no place for ") + 60
    assert not at_once.lossless


def test_lossless_only_with_lossless_kinds() -> None:
    report = TranslationReport()
    report.converted("a", "b", "t -> kg")
    report.warning("a", "check digit")
    assert report.lossless
    report.rounded("a", "b", "6 digits")
    assert not report.lossless
