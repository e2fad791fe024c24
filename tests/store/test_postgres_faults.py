"""PostgreSQL faults seen from a remote caller (issue 16): a database-side disconnect costs
at most the calls in flight, and the caller learns a reason and an incident id, never
PostgreSQL's own text."""

from __future__ import annotations

import logging
import uuid

import psycopg
import pytest

from gateway.core.errors import StoreError
from gateway.store.postgres import PostgresStore

from .conftest import drop_schema, postgres_dsn

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store():
    dsn, schema = postgres_dsn(), f"t_{uuid.uuid4().hex[:16]}"
    store = PostgresStore(dsn, schema=schema, pool_size=1)
    yield dsn, store
    store.close()
    drop_schema(dsn, schema)


def _terminate(dsn: str, store: PostgresStore) -> None:
    # Only this store's own idle connection: other tests share the database.
    [pid] = [conn.info.backend_pid for conn in store._pool._idle.queue]
    with psycopg.connect(dsn, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_a_terminated_connection_fails_one_call_with_an_incident_id_then_is_discarded(pg_store) -> None:
    dsn, store = pg_store
    kept, logger = _Kept(), logging.getLogger("gateway.store")
    logger.addHandler(kept)  # whatever another test's logging configuration did to propagation
    logger.disabled = False
    try:
        _fail_once(dsn, store, kept)
    finally:
        logger.removeHandler(kept)


def _fail_once(dsn: str, store: PostgresStore, kept: _Kept) -> None:
    assert store.last_cursor() == 0  # the pool's one connection is open and idle
    _terminate(dsn, store)
    with pytest.raises(StoreError) as err:
        store.last_cursor()
    incident = err.value.metadata["incident"]
    assert err.value.message == f"the store failed (incident {incident})"
    assert "terminat" not in err.value.message.lower()
    assert any(incident in m and "terminat" in m.lower() for m in kept.messages)
    assert store.last_cursor() == 0  # the dead connection was dropped, not handed out again
