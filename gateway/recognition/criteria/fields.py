"""``required-fields``: every path the policy names (canonical data form) has a value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from gateway.recognition.context import Context
from gateway.recognition.criteria._common import FAIL, PASS, en_list, ev_text, zh_list
from gateway.recognition.equivalence import EquivalenceTable
from gateway.recognition.outcome import Evidence, Finding
from gateway.recognition.paths import Step, present_by, steps


class Prepared(NamedTuple):
    # Per path: its text, its parsed steps, and its two possible evidence items (present, absent),
    # which depend on the policy alone.
    paths: tuple[tuple[str, tuple[Step, ...] | None, Evidence, Evidence], ...]
    passed: tuple[str, str]


def prepare(params: Mapping[str, Any], sector: str | None, tables: Mapping[str, EquivalenceTable]) -> Prepared:
    paths = params["paths"]
    return Prepared(
        tuple((p, steps(p), ev_text(p, "present"), ev_text(p, None)) for p in paths),
        (f"{len(paths)} 项必填信息齐全。", f"All {len(paths)} required fields are present."),
    )


def evaluate(p: Prepared, ctx: Context) -> Finding:
    declaration = ctx.declaration
    missing = []
    evidence = []
    for path, parsed, present, absent in p.paths:
        if present_by(declaration, parsed):
            evidence.append(present)
        else:
            evidence.append(absent)
            missing.append(path)
    if not missing:
        return PASS, *p.passed, tuple(evidence), None
    return FAIL, f"缺少必填信息：{zh_list(missing)}。", f"Required fields missing: {en_list(missing)}.", tuple(evidence), None
