"""Replay guards: single use per (issuer, proof hash), durable across guard instances."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from gateway.core.errors import ReplayDetected
from signing import MemoryReplayGuard, SqliteReplayGuard
from signing.timeutil import utcnow


@pytest.mark.parametrize("make", [lambda p: MemoryReplayGuard(), lambda p: SqliteReplayGuard(p / "replay.db")])
def test_single_use(tmp_path: Path, make) -> None:
    guard = make(tmp_path)
    guard.check_and_record("urn:a", "sha256:1", utcnow() + timedelta(days=1))
    guard.check_and_record("urn:b", "sha256:1", None)  # other issuer, other entry
    with pytest.raises(ReplayDetected):
        guard.check_and_record("urn:a", "sha256:1", None)


def test_sqlite_guard_is_durable_and_expires(tmp_path: Path) -> None:
    SqliteReplayGuard(tmp_path / "r.db").check_and_record("urn:a", "sha256:2", utcnow() + timedelta(days=1))
    with pytest.raises(ReplayDetected):
        SqliteReplayGuard(tmp_path / "r.db").check_and_record("urn:a", "sha256:2", None)
    guard = SqliteReplayGuard(tmp_path / "r.db")
    guard.check_and_record("urn:a", "sha256:3", utcnow() - timedelta(seconds=1))  # already past its expiry
    guard.check_and_record("urn:a", "sha256:3", None)  # pruned, so accepted again
