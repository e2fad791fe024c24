"""What a translation converted, defaulted, dropped, could not represent or re-characterised."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple


class EntryKind(StrEnum):
    CONVERTED = "converted"
    DEFAULTED = "defaulted"
    DROPPED = "dropped"
    UNREPRESENTABLE = "unrepresentable"
    RECHARACTERISED = "recharacterised"
    # Something about the input a reader should know that changed nothing: e.g. a foreign
    # document whose totals disagree with its stages, or a wrong identifier check digit (taken
    # as published, lenient at the border).
    WARNING = "warning"
    # A value rounded to the target's precision: the written value is not the exact one.
    ROUNDED = "rounded"
    # A value the caller supplied (``--set``, the Translate ``supplied`` map).
    SUPPLIED = "supplied"
    # A value the source lacks and the target could do with; nothing was invented for it.
    MISSING = "missing"


# Exact, reversible conversions (t -> kg, a renamed code) keep a translation lossless, and so
# do notes that change or lose no value: a warning, a value the caller supplied, a value absent
# on both sides.
_LOSSLESS_KINDS = frozenset({EntryKind.CONVERTED, EntryKind.WARNING, EntryKind.SUPPLIED, EntryKind.MISSING})


class ReportEntry(NamedTuple):
    """One entry; immutable. A named tuple, not a frozen dataclass: a translation makes dozens
    (one per dropped leaf) and a frozen dataclass's ``__init__`` costs several times a tuple's."""

    kind: EntryKind
    source_path: str | None
    target_path: str | None
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "sourcePath": self.source_path,
            "targetPath": self.target_path,
            "detail": self.detail,
        }


_entry = tuple.__new__  # a ReportEntry from its four fields, without the named tuple's own __new__


@dataclass(slots=True)
class TranslationReport:
    """Filled by the mapping on each leg; ``lossless`` is derived, never set by hand."""

    source_format: str | None = None
    target_format: str | None = None
    mapping_version: str | None = None
    entries: list[ReportEntry] = field(default_factory=list)

    @property
    def lossless(self) -> bool:
        return all(e.kind in _LOSSLESS_KINDS for e in self.entries)

    # Each kind's method appends its entry itself (tuple.__new__, no detour through ``add``):
    # these run once per reported leaf.
    def add(self, kind: EntryKind, source_path: str | None, target_path: str | None, detail: str) -> None:
        self.entries.append(_entry(ReportEntry, (kind, source_path, target_path, detail)))

    def converted(self, source: str | None, target: str | None, detail: str) -> None:
        self.entries.append(_entry(ReportEntry, (EntryKind.CONVERTED, source, target, detail)))

    def defaulted(self, source: str | None, target: str | None, detail: str) -> None:
        self.entries.append(_entry(ReportEntry, (EntryKind.DEFAULTED, source, target, detail)))

    def dropped(self, source: str | None, target: str | None, detail: str) -> None:
        self.entries.append(_entry(ReportEntry, (EntryKind.DROPPED, source, target, detail)))

    def dropped_values(self, values: Mapping[str, Any], why: str) -> None:
        """One ``dropped`` entry per ``{source path: value}``, its detail ``why`` followed by the
        value (its repr, cut at 60 characters): the leaves no rule consumed, in one list."""
        # The same text as f"{why} {value!r:.60}", at half the cost: a format spec's precision
        # on a repr goes the long way round, and this runs once per dropped leaf.
        head = why + " "
        self.entries.extend([_entry(ReportEntry, (EntryKind.DROPPED, path, None, head + repr(value)[:60]))
                             for path, value in values.items()])

    def unrepresentable(self, source: str | None, target: str | None, detail: str) -> None:
        self.entries.append(_entry(ReportEntry, (EntryKind.UNREPRESENTABLE, source, target, detail)))

    def recharacterised(self, source: str | None, target: str | None, detail: str) -> None:
        self.entries.append(_entry(ReportEntry, (EntryKind.RECHARACTERISED, source, target, detail)))

    def warning(self, source: str | None, detail: str) -> None:
        self.entries.append(_entry(ReportEntry, (EntryKind.WARNING, source, None, detail)))

    def rounded(self, source: str | None, target: str | None, detail: str) -> None:
        self.entries.append(_entry(ReportEntry, (EntryKind.ROUNDED, source, target, detail)))

    def supplied(self, target: str, detail: str) -> None:
        self.entries.append(_entry(ReportEntry, (EntryKind.SUPPLIED, None, target, detail)))

    def missing(self, target: str, detail: str) -> None:
        self.entries.append(_entry(ReportEntry, (EntryKind.MISSING, None, target, detail)))

    def extend(self, other: TranslationReport) -> None:
        self.entries.extend(other.entries)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.entries:
            out[e.kind.value] = out.get(e.kind.value, 0) + 1
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "sourceFormat": self.source_format,
            "targetFormat": self.target_format,
            "mappingVersion": self.mapping_version,
            "lossless": self.lossless,
            "counts": self.counts(),
            "entries": [e.as_dict() for e in self.entries],
        }
