"""The scale-out backend: PostgreSQL through psycopg 3, shared by stateless gateway replicas."""

from __future__ import annotations

import logging
import queue
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from ..core.errors import ConfigurationError, StoreError
from ..core.i18n import N_
from ._sql import SqlStore

log = logging.getLogger("gateway.store")
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class _ConnectionPool:
    """At most ``max_size`` autocommit connections, opened on demand and reused LIFO."""

    def __init__(self, dsn: str, schema: str, max_size: int, connect_timeout: int) -> None:
        self._dsn, self._schema = dsn, schema
        self._idle: queue.LifoQueue[psycopg.Connection] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(max_size)
        self._connect_timeout = connect_timeout
        self._closed = False

    def _open(self) -> psycopg.Connection:
        try:
            conn = psycopg.connect(self._dsn, autocommit=True, connect_timeout=self._connect_timeout)
        except psycopg.OperationalError as exc:
            raise StoreError(N_("cannot connect to PostgreSQL: {exc}", exc=str(exc).strip())) from exc
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self._schema)))
        return conn

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        if self._closed:
            raise StoreError(N_("the store is closed"))
        self._slots.acquire()
        try:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                conn = self._open()
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
    counter row (``SELECT ... FOR UPDATE``), migrations run under an advisory lock.
    """

    dialect = "postgres"

    def __init__(self, dsn: str, *, schema: str = "fpgw", pool_size: int = 8, connect_timeout: int = 5) -> None:
        if not _SCHEMA_NAME.match(schema):
            raise ConfigurationError(N_("invalid PostgreSQL schema name {schema!r}", schema=schema), path="store.schema")
        self.schema = schema
        self._pool = _ConnectionPool(dsn, schema, pool_size, connect_timeout)
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"fpgw-migrate:{schema}",))
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            self._migrate(conn)

    def _q(self, query: str) -> str:
        return query.replace("?", "%s")

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[psycopg.Connection]:
        with self._pool.connection() as conn:
            try:
                with conn.transaction():
                    yield conn
            except psycopg.OperationalError as exc:
                # Remote callers get the reason and an incident id; PostgreSQL's own text
                # (relations, tuples, hosts) goes to the server log only.
                incident = uuid.uuid4().hex[:12]
                log.error("PostgreSQL failed (incident %s): %s", incident, str(exc).strip())
                raise StoreError(N_("the store failed (incident {incident})", incident=incident), incident=incident) from exc

    def _lock_counters_sql(self) -> str:
        return "SELECT value FROM counters WHERE name = 'cursor' FOR UPDATE"

    def drop_schema(self) -> None:
        """Remove the schema and everything in it (tests and decommissioning only)."""
        with self._pool.connection() as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(self.schema)))

    def close(self) -> None:
        self._pool.close()
