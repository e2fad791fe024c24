"""Replay guards: a single-use proof (same issuer, same proof hash) is accepted once.

``verify_attestation(..., replay_guard=guard)`` records a proof only after everything else
about it has verified, so forged or expired submissions cannot fill the guard or lock out
the genuine one. Entries are kept until the proof's own expiry (``proof.expires`` or the
credential's ``validUntil``); proofs without one are kept for ``default_ttl``.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from gateway.core.errors import ReplayDetected
from gateway.core.i18n import N_

from .timeutil import utcnow

__all__ = ["ReplayGuard", "MemoryReplayGuard", "SqliteReplayGuard"]


class ReplayGuard(Protocol):
    def check_and_record(self, issuer: str, proof_hash: str, keep_until: datetime | None) -> None:
        """Record the proof; raise :class:`ReplayDetected` if it was recorded before."""


class MemoryReplayGuard:
    """In-process guard for one gateway replica (tests, CLI, single node)."""

    def __init__(self, default_ttl: timedelta = timedelta(days=400)) -> None:
        self._seen: dict[tuple[str, str], datetime] = {}
        self._lock = threading.Lock()
        self._ttl = default_ttl

    def check_and_record(self, issuer: str, proof_hash: str, keep_until: datetime | None) -> None:
        now = utcnow()
        with self._lock:
            self._seen = {k: t for k, t in self._seen.items() if t > now}
            if (issuer, proof_hash) in self._seen:
                raise ReplayDetected(N_("proof {proof_hash} from {issuer} was already used", proof_hash=proof_hash, issuer=issuer), issuer=issuer, proof=proof_hash)
            self._seen[(issuer, proof_hash)] = keep_until or now + self._ttl


class SqliteReplayGuard:
    """Durable guard shared by processes on one host (SQLite WAL, one row per proof)."""

    def __init__(self, path: str | Path, default_ttl: timedelta = timedelta(days=400)) -> None:
        self._path = str(path)
        self._ttl = default_ttl
        # closing(): a sqlite3 connection's own context manager ends a transaction, not the connection.
        with closing(self._connect()) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS used_proof ("
                " issuer TEXT NOT NULL, proof_hash TEXT NOT NULL, keep_until TEXT NOT NULL,"
                " PRIMARY KEY (issuer, proof_hash))"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=10, isolation_level=None)

    def check_and_record(self, issuer: str, proof_hash: str, keep_until: datetime | None) -> None:
        now = utcnow()
        until = (keep_until or now + self._ttl).isoformat()
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM used_proof WHERE keep_until <= ?", (now.isoformat(),))
            try:
                db.execute("INSERT INTO used_proof VALUES (?, ?, ?)", (issuer, proof_hash, until))
            except sqlite3.IntegrityError:
                db.execute("ROLLBACK")
                raise ReplayDetected(
                    N_("proof {proof_hash} from {issuer} was already used", proof_hash=proof_hash, issuer=issuer), issuer=issuer, proof=proof_hash
                ) from None
            db.execute("COMMIT")
