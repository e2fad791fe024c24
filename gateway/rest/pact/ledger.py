"""The PACT event ledger: requests we answer, requests we sent, and published notices.

A small SQLite file of its own (``[pact] events``), so that callbacks still owed survive a
restart (they are resumed at start) and ``fpgw pact requests`` can show every request with
its answer and every delivery attempt.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from ...core.errors import StoreError
from ...core.i18n import N_
from ...store.failures import store_failure

SCHEMA = """
CREATE TABLE IF NOT EXISTS inbound (
    event_id TEXT NOT NULL, source TEXT NOT NULL, spec TEXT NOT NULL, client_id TEXT NOT NULL,
    criteria TEXT NOT NULL, received_at TEXT NOT NULL, state TEXT NOT NULL, answer_type TEXT NOT NULL DEFAULT '',
    attempts TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (source, event_id));
CREATE TABLE IF NOT EXISTS outbound (
    event_id TEXT PRIMARY KEY, target TEXT NOT NULL, spec TEXT NOT NULL, criteria TEXT NOT NULL,
    sent_at TEXT NOT NULL, state TEXT NOT NULL, answer TEXT NOT NULL DEFAULT 'null',
    answered_at TEXT NOT NULL DEFAULT '', stored TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS published (
    event_id TEXT NOT NULL, source TEXT NOT NULL, received_at TEXT NOT NULL, pf_ids TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT '', PRIMARY KEY (source, event_id));
"""


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class InboundRequest:
    event_id: str
    source: str
    spec: str
    client_id: str
    criteria: dict[str, Any]
    received_at: str
    state: str
    answer_type: str
    attempts: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class OutboundRequest:
    event_id: str
    target: str
    spec: str
    criteria: dict[str, Any]
    sent_at: str
    state: str
    answer: Any
    answered_at: str
    stored: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"event_id": self.event_id, "target": self.target, "spec": self.spec, "criteria": self.criteria,
                "sent_at": self.sent_at, "state": self.state, "answered_at": self.answered_at or None,
                "answer": self.answer, "stored": self.stored}


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise StoreError(N_("cannot open the PACT event ledger {path}: {exc}", path=path, exc=exc)) from exc

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _run(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise store_failure(exc, f"PACT event ledger {self.path}") from exc

    # --- requests we answer ----------------------------------------------------------

    def add_inbound(self, event_id: str, source: str, spec: str, client_id: str, criteria: dict[str, Any]) -> bool:
        """Record a RequestCreated; False when the same (source, id) was already received."""
        rows = self._run("INSERT OR IGNORE INTO inbound (event_id, source, spec, client_id, criteria, received_at, state)"
                         " VALUES (?, ?, ?, ?, ?, ?, 'pending') RETURNING event_id",
                         (event_id, source, spec, client_id, orjson.dumps(criteria).decode(), now_text()))
        return bool(rows)

    def attempt(self, source: str, event_id: str, outcome: dict[str, Any], *, state: str | None = None,
                answer_type: str | None = None) -> None:
        rows = self._run("SELECT attempts FROM inbound WHERE source = ? AND event_id = ?", (source, event_id))
        attempts = orjson.loads(rows[0][0]) if rows else []
        attempts.append({"at": now_text(), **outcome})
        self._run("UPDATE inbound SET attempts = ?, state = COALESCE(?, state), answer_type = COALESCE(?, answer_type)"
                  " WHERE source = ? AND event_id = ?",
                  (orjson.dumps(attempts).decode(), state, answer_type, source, event_id))

    def inbound(self, state: str | None = None) -> list[InboundRequest]:
        where, params = (" WHERE state = ?", (state,)) if state else ("", ())
        rows = self._run("SELECT event_id, source, spec, client_id, criteria, received_at, state, answer_type, attempts"
                         f" FROM inbound{where} ORDER BY received_at", params)
        return [InboundRequest(r[0], r[1], r[2], r[3], orjson.loads(r[4]), r[5], r[6], r[7], orjson.loads(r[8]))
                for r in rows]

    # --- requests we sent ------------------------------------------------------------

    def add_outbound(self, event_id: str, target: str, spec: str, criteria: dict[str, Any]) -> None:
        self._run("INSERT INTO outbound (event_id, target, spec, criteria, sent_at, state) VALUES (?, ?, ?, ?, ?, 'waiting')",
                  (event_id, target, spec, orjson.dumps(criteria).decode(), now_text()))

    def answer_outbound(self, event_id: str, state: str, answer: Any, stored: list[dict[str, Any]]) -> bool:
        """Record the answer to a request we sent; False when we sent no such request."""
        rows = self._run("UPDATE outbound SET state = ?, answer = ?, answered_at = ?, stored = ? WHERE event_id = ?"
                         " RETURNING event_id",
                         (state, orjson.dumps(answer).decode(), now_text(), orjson.dumps(stored).decode(), event_id))
        return bool(rows)

    def outbound(self, event_id: str | None = None) -> list[OutboundRequest]:
        where, params = (" WHERE event_id = ?", (event_id,)) if event_id else ("", ())
        rows = self._run("SELECT event_id, target, spec, criteria, sent_at, state, answer, answered_at, stored"
                         f" FROM outbound{where} ORDER BY sent_at", params)
        return [OutboundRequest(r[0], r[1], r[2], orjson.loads(r[3]), r[4], r[5], orjson.loads(r[6]), r[7],
                                orjson.loads(r[8])) for r in rows]

    # --- published notices -----------------------------------------------------------

    def add_published(self, event_id: str, source: str, pf_ids: list[str]) -> bool:
        rows = self._run("INSERT OR IGNORE INTO published (event_id, source, received_at, pf_ids) VALUES (?, ?, ?, ?)"
                         " RETURNING event_id", (event_id, source, now_text(), orjson.dumps(pf_ids).decode()))
        return bool(rows)

    def published_outcome(self, source: str, event_id: str, outcome: str) -> None:
        self._run("UPDATE published SET outcome = ? WHERE source = ? AND event_id = ?", (outcome, source, event_id))

    def published(self) -> list[dict[str, Any]]:
        rows = self._run("SELECT event_id, source, received_at, pf_ids, outcome FROM published ORDER BY received_at")
        return [{"event_id": r[0], "source": r[1], "received_at": r[2], "pf_ids": orjson.loads(r[3]), "outcome": r[4]}
                for r in rows]
