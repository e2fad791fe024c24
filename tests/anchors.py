"""The official schemas and test vectors under ``../shared/anchors/`` (beside the checkout;
where each set comes from: tests/PROVENANCE.md).

A test that needs one calls :func:`require` (or :func:`available` while collecting
parameters): on a developer's machine without the anchors the test is skipped with the path
it looked for; where ``CI`` is set (CI sets ``CI=true``) it fails, so a CI run can never pass
by silently skipping the official checks.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ANCHORS = (ROOT / ".." / "shared" / "anchors").resolve()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _missing(path: Path) -> str:
    return f"official data not found at {path} (../shared/anchors/ beside the checkout; see tests/PROVENANCE.md)"


def require(path: Path) -> Path:
    """``path`` when it exists; otherwise skip the test, or fail it under CI."""
    if path.exists():
        return path
    if in_ci():
        pytest.fail(f"{_missing(path)}; CI is set, so this is a failure, not a skip", pytrace=False)
    pytest.skip(_missing(path))


def available(path: Path) -> bool:
    """For parameters built at collection time: whether ``path`` exists; under CI an absent
    path is a collection error instead of ``False``."""
    if path.exists():
        return True
    if in_ci():
        pytest.fail(f"{_missing(path)}; CI is set, so this is a failure, not a skip", pytrace=False)
    return False


def skipped_param(path: Path, arity: int) -> object:
    """The one parameter set standing for vectors that are absent (outside CI)."""
    return pytest.param(*([None] * arity), marks=pytest.mark.skip(reason=_missing(path)))
