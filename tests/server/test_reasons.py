"""Every reason is unique UPPER_SNAKE (docs/api.md's table of them: tests/test_regenerate.py)."""

from __future__ import annotations

import re

from gateway.server.reasons import error_classes


def test_reasons_are_unique_upper_snake() -> None:
    reasons = [cls.reason for cls in error_classes()]
    assert len(reasons) == len(set(reasons))
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*", r) for r in reasons)
    assert {"ALREADY_EXISTS", "AUDIT_CHAIN_BROKEN", "INVALID_REQUEST"} <= set(reasons)
