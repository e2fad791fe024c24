"""``required-fields``: every path the policy names (canonical data form) has a value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.recognition.context import Context
from gateway.recognition.criteria._common import en_list, ev_text, failed, passed, zh_list
from gateway.recognition.outcome import Finding
from gateway.recognition.paths import present_at


def evaluate(params: Mapping[str, Any], ctx: Context) -> Finding:
    missing = []
    evidence = []
    for path in params["paths"]:
        ok = present_at(ctx.declaration, path)
        evidence.append(ev_text(path, "present" if ok else None))
        if not ok:
            missing.append(path)
    if not missing:
        return passed(f"{len(params['paths'])} 项必填信息齐全。", f"All {len(params['paths'])} required fields are present.", evidence)
    return failed(f"缺少必填信息：{zh_list(missing)}。", f"Required fields missing: {en_list(missing)}.", evidence)
