"""docs/api.md carries the current reason table, and every reason is unique UPPER_SNAKE."""

from __future__ import annotations

import re
from pathlib import Path

from gateway.server.reasons import error_classes, reasons_markdown

API_PAGE = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_api_page_has_the_current_reason_table() -> None:
    assert reasons_markdown() in API_PAGE.read_text(encoding="utf-8"), (
        "docs/api.md is stale: replace its reasons block with `python -m gateway.server.reasons`"
    )


def test_reasons_are_unique_upper_snake() -> None:
    reasons = [cls.reason for cls in error_classes()]
    assert len(reasons) == len(set(reasons))
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*", r) for r in reasons)
    assert {"ALREADY_EXISTS", "AUDIT_CHAIN_BROKEN", "INVALID_REQUEST"} <= set(reasons)
