"""The scale-out backend: PostgreSQL through psycopg 3, shared by stateless gateway replicas."""

from __future__ import annotations

import logging
import queue
import re
import select
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import TypeVar

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus

from ..core.errors import ConfigurationError, StoreError
from ..core.i18n import N_
from ._sql import SqlStore
from .failures import ConnectionLost, store_failure

T = TypeVar("T")
log = logging.getLogger("gateway.store")
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Pauses before the second and third attempt of an operation safe to repeat: the second
# opens a fresh connection at once, the third gives a restarting server a moment.
_RETRY_PAUSES = (0.0, 0.5)


def _usable(conn: psycopg.Connection) -> bool:
    """Whether an idle pooled connection can take a query. A server that ended the session
    (pg_terminate_backend, shutdown, failover) has sent its last message and closed the
    socket, so an idle connection with anything to read is dead: found without a round trip."""
    if conn.closed or conn.broken or conn.info.transaction_status != TransactionStatus.IDLE:
        return False
    try:
        readable, _, _ = select.select([conn.fileno()], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return False
    return not readable


class _ConnectionPool:
    """At most ``max_size`` autocommit connections, opened on demand and reused LIFO; a
    connection found dead is closed and replaced, never handed out."""

    def __init__(self, dsn: str, schema: str, max_size: int, connect_timeout: int) -> None:
        if max_size < 1:
            raise ConfigurationError(N_("store.pool_size must be at least 1"), path="store.pool_size")
        self._dsn, self._schema = dsn, schema
        # Named in pg_stat_activity by their schema, unless the DSN names them itself.
        named = "application_name" in conninfo_to_dict(dsn)
        self._name = {} if named else {"application_name": f"fpgw:{schema}"}
        self._idle: queue.LifoQueue[psycopg.Connection] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(max_size)
        self._connect_timeout = connect_timeout
        self._closed = False

    def _open(self) -> psycopg.Connection:
        try:
            conn = psycopg.connect(self._dsn, autocommit=True, connect_timeout=self._connect_timeout, **self._name)
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self._schema)))
        except psycopg.OperationalError as exc:
            raise ConnectionLost from exc
        return conn

    def _idle_connection(self) -> psycopg.Connection | None:
        while True:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                return None
            if _usable(conn):
                return conn
            conn.close()

    @contextmanager
    def connection(self, *, fresh: bool = False) -> Iterator[psycopg.Connection]:
        """A connection for one transaction; ``fresh``: a new one, not one from the pool."""
        if self._closed:
            raise StoreError(N_("the store is closed"))
        self._slots.acquire()
        try:
            conn = (None if fresh else self._idle_connection()) or self._open()
            try:
                yield conn
            finally:
                if conn.closed or conn.broken or self._closed:
                    conn.close()
                else:
                    self._idle.put(conn)
        finally:
            self._slots.release()

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


class PostgresStore(SqlStore):
    """A :class:`~gateway.store.Store` in one PostgreSQL schema.

    Several gateway processes may share the schema: writers serialise on the ``cursor``
    counter row (``SELECT ... FOR UPDATE``), migrations run under an advisory lock. In each
    process the writes safe to repeat are group-committed by one writer thread
    (:mod:`gateway.store.group_commit`), which holds that lock once per batch.
    """

    dialect = "postgres"

    def __init__(self, dsn: str, *, schema: str = "fpgw", pool_size: int = 8, connect_timeout: int = 5) -> None:
        if not _SCHEMA_NAME.match(schema):
            raise ConfigurationError(N_("invalid PostgreSQL schema name {schema!r}", schema=schema), path="store.schema")
        self.schema = schema
        self._pool = _ConnectionPool(dsn, schema, pool_size, connect_timeout)
        try:
            with self._pool.connection() as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"fpgw-migrate:{schema}",))
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
                self._migrate(conn)
        except (ConnectionLost, psycopg.OperationalError) as exc:
            # The operator starting the gateway, not a remote caller: the cause is theirs to read.
            cause = exc.__cause__ if isinstance(exc, ConnectionLost) else exc
            raise StoreError(N_("cannot open the PostgreSQL store: {cause}", cause=str(cause).strip())) from exc
        self._start_writer()

    def _q(self, query: str) -> str:
        return query.replace("?", "%s")

    @contextmanager
    def _transaction(self, *, write: bool, fresh: bool = False) -> Iterator[psycopg.Connection]:
        """Writes at READ COMMITTED (they serialise on the counter row lock), in pipeline
        mode so that statements whose results nothing reads (savepoints, inserts, updates)
        cost no round trip each; reads in one REPEATABLE READ snapshot. A broken connection
        raises ConnectionLost; any other database error a StoreError with an incident id."""
        with self._pool.connection(fresh=fresh) as conn:
            try:
                with conn.pipeline() if write else nullcontext(), conn.transaction():
                    if not write:
                        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    yield conn
            except psycopg.Error as exc:
                if conn.closed or conn.broken:
                    raise ConnectionLost from exc
                raise store_failure(exc, "PostgreSQL") from exc

    def _attempts(self, job: Callable[[psycopg.Connection], T], *, write: bool, repeatable: bool) -> T:
        pauses, fresh = iter(_RETRY_PAUSES if repeatable else ()), False
        while True:
            try:
                with self._transaction(write=write, fresh=fresh) as conn:
                    return job(conn)
            except ConnectionLost as lost:
                pause = next(pauses, None)
                if pause is None:
                    raise store_failure(lost, "PostgreSQL") from lost.__cause__
                log.warning("PostgreSQL connection lost (%s); trying again on a new connection",
                            str(lost.__cause__).strip())
                time.sleep(pause)
                fresh = True

    def _read(self, job: Callable[[psycopg.Connection], T]) -> T:
        return self._attempts(job, write=False, repeatable=True)

    def _write_now(self, job: Callable[[psycopg.Connection], T], *, idempotent: bool) -> T:
        return self._attempts(job, write=True, repeatable=idempotent)

    def _lock_counters_sql(self) -> str:
        return "SELECT value FROM counters WHERE name = 'cursor' FOR UPDATE"

    def drop_schema(self) -> None:
        """Remove the schema and everything in it (tests and decommissioning only)."""
        with self._pool.connection() as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(self.schema)))

    def close(self) -> None:
        self._stop_writer()
        self._pool.close()
