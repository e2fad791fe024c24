"""The embedded default backend: one SQLite file in WAL mode with full fsync on commit."""

from __future__ import annotations

import fcntl
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from ..core.errors import ConfigurationError, StoreError
from ..core.i18n import N_
from ._sql import SqlStore
from .checkpoint import BACKSTOP_PAGES, Checkpointer
from .failures import store_failure


class SqliteStore(SqlStore):
    """A :class:`~gateway.store.Store` in one SQLite file.

    Each thread gets its own connection for reads (SQLite connections are not safe to
    share). Writes go to one writer thread that commits the writes waiting together in one
    transaction (:mod:`gateway.store.group_commit`); it takes the database lock up front
    with ``BEGIN IMMEDIATE`` (other processes on the file wait for it), and
    ``synchronous=FULL`` makes a commit return only once the WAL is on disk, so a receipt
    means durably stored. Writers of this file in every gateway process first take an
    exclusive ``flock`` on ``<file>-lock``: the kernel wakes a waiting writer as soon as the
    lock is free, where SQLite's busy handler would sleep and retry (1 ms growing to 100 ms)
    and let later writers overtake it (several server processes share one file). WAL
    checkpoints run on a thread of their own (:mod:`gateway.store.checkpoint`), not inside a
    commit.
    """

    dialect = "sqlite"
    _checkpointer: Checkpointer | None = None

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 30_000) -> None:
        if str(path) == ":memory:":
            raise ConfigurationError(N_("the SQLite store needs a file: every thread opens its own connection"))
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self._writers = threading.Lock()  # flock is per open file: threads of one process queue here
        self._writers_file = open(self.path.with_name(self.path.name + "-lock"), "ab")  # noqa: SIM115 - kept open until close
        with self._transaction(write=True) as conn:
            self._migrate(conn)
        self._checkpointer = Checkpointer(self._open, self._exclusive)
        self._start_writer()

    def _open(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES}")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise StoreError(N_("cannot open the SQLite store {path}: {exc}", path=str(self.path), exc=str(exc))) from exc
        return conn

    def _connect(self) -> sqlite3.Connection:
        if self._closed:
            raise StoreError(N_("the store is closed"))
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._open()
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """The writers' lock across every process using this file."""
        with self._writers:
            fcntl.flock(self._writers_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._writers_file, fcntl.LOCK_UN)

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        with self._exclusive() if write else nullcontext(), self._sqlite_transaction(conn, write) as conn:
            yield conn

    @contextmanager
    def _sqlite_transaction(self, conn: sqlite3.Connection, write: bool) -> Iterator[sqlite3.Connection]:
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            if write and self._checkpointer is not None:
                self._checkpointer.wrote()
        except sqlite3.Error as exc:
            roll_back(conn)
            raise store_failure(exc, "SQLite") from exc

    def _lock_counters_sql(self) -> str:
        return "SELECT value FROM counters WHERE name = 'cursor'"

    def close(self) -> None:
        self._stop_writer()
        if self._checkpointer is not None:
            self._checkpointer.close()
        with self._lock:
            self._closed = True
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._writers_file.close()
        self._local = threading.local()


def roll_back(conn: sqlite3.Connection) -> None:
    """End ``conn``'s transaction, if SQLite has not already ended it."""
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass  # SQLite rolled back itself (a full disk, an I/O error); nothing left to undo
