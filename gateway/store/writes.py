"""One write transaction: its connection and the writers' counters, read and written once.

Every write takes the next feed cursor and appends to the audit chain. Read and updated by
each write itself, that cost four statements per write (lock the cursor row, read the audit
counter, read the chain's last hash, update both counters), each a round trip on PostgreSQL
and, in a group commit, repeated for every write of the batch. Here they are read once when
the transaction starts (the writers' lock taken first, so nobody else can move them until it
commits), kept in memory while its writes run, and written back once before the commit. A
write undone to its savepoint gets the counters back as they were before it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import audit

# The audit chain's last entry: its seq (the counter) and hash (none before the first entry).
_AUDIT_HEAD_SQL = (
    "SELECT counters.value, audit_log.hash FROM counters LEFT JOIN audit_log ON audit_log.seq = counters.value"
    " WHERE counters.name = 'audit'"
)
_SET_COUNTER_SQL = "UPDATE counters SET value = ? WHERE name = ?"

Run = Callable[[Any, str, tuple], Any]


class WriteTransaction:
    """Wraps the connection of an open write transaction; jobs ``execute`` on it as on the
    connection and take cursors and audit entries from it."""

    __slots__ = ("_held", "_run", "_saved", "audit_hash", "audit_seq", "conn", "cursor")

    def __init__(self, conn: Any, run: Run, lock_sql: str) -> None:
        self.conn, self._run = conn, run
        # Two statements, fetched only after both are sent (one round trip in PostgreSQL's
        # pipeline mode). The second starts once the first holds the lock, so at READ
        # COMMITTED it sees what the previous lock holder committed (one statement joining
        # them would read the audit head from a snapshot taken before the wait).
        locked = run(conn, lock_sql, ())
        head = run(conn, _AUDIT_HEAD_SQL, ())
        self.cursor = int(locked.fetchone()[0])
        seq, last_hash = head.fetchone()
        self.audit_seq, self.audit_hash = int(seq), last_hash or audit.GENESIS_HASH
        self._held = (self.cursor, self.audit_seq)
        self._saved: list[tuple[int, int, str]] = []

    def execute(self, sql: str, params: Any = None) -> Any:
        return self.conn.execute(sql) if params is None else self.conn.execute(sql, params)

    def append_audit(self, actor: str, action: str, subject: str, at: str) -> None:
        seq = self.audit_seq + 1
        digest = audit.entry_hash(seq, at, actor, action, subject, self.audit_hash)
        self._run(
            self.conn,
            "INSERT INTO audit_log (seq, at, actor, action, subject, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (seq, at, actor, action, subject, self.audit_hash, digest),
        )
        self.audit_seq, self.audit_hash = seq, digest

    def savepoint(self) -> None:
        self.conn.execute("SAVEPOINT job")
        self._saved.append((self.cursor, self.audit_seq, self.audit_hash))

    def rollback_to_savepoint(self) -> None:
        self.conn.execute("ROLLBACK TO SAVEPOINT job")
        self.cursor, self.audit_seq, self.audit_hash = self._saved[-1]

    def release_savepoint(self) -> None:
        self.conn.execute("RELEASE SAVEPOINT job")
        self._saved.pop()

    def write_back(self) -> None:
        """Store the counters the writes moved; called last, before the commit."""
        for name, value, held in (("cursor", self.cursor, self._held[0]), ("audit", self.audit_seq, self._held[1])):
            if value != held:
                self._run(self.conn, _SET_COUNTER_SQL, (value, name))
