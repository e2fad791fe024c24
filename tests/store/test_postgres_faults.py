"""PostgreSQL faults (issue 16 item 5), with real ``pg_terminate_backend`` on the test
server: a database-side disconnect costs no read and no idempotent write, the pool never
hands out a dead connection, what still fails reaches the caller as a reason and an incident
id (PostgreSQL's text only in the log, under that id), and a follower of the feed misses
nothing while writers run."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
from psycopg import sql

from gateway.core.errors import StoreError
from gateway.store import NewAttestation, NewDecision
from gateway.store.postgres import PostgresStore

from .conftest import drop_schema, postgres_dsn
from .test_store import ATTESTATION, declaration

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg() -> Iterator[tuple[str, str, PostgresStore]]:
    dsn, schema = postgres_dsn(), f"t_{uuid.uuid4().hex[:16]}"
    store = PostgresStore(dsn, schema=schema, pool_size=4)
    yield dsn, schema, store
    store.close()
    drop_schema(dsn, schema)


@pytest.fixture
def kept() -> Iterator[list[logging.LogRecord]]:
    """What gateway.store logs, whatever another test's logging configuration did."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("gateway.store")
    logger.addHandler(handler)
    logger.disabled, level = False, logger.level
    logger.setLevel(logging.DEBUG)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)


def _backends(dsn: str, schema: str, *, waiting: bool = False) -> list[int]:
    """Backend pids of this store's connections (the pool names them ``fpgw:<schema>``);
    ``waiting``: only those blocked on a lock."""
    with psycopg.connect(dsn, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s"
            + (" AND wait_event_type = 'Lock'" if waiting else ""), (f"fpgw:{schema}",)).fetchall()
    return [r[0] for r in rows]


def _terminate(dsn: str, pids: list[int]) -> None:
    with psycopg.connect(dsn, autocommit=True) as admin:
        for pid in pids:
            assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]


def _until(condition: Callable[[], object], what: str, seconds: float = 10) -> object:
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, what
        time.sleep(0.02)
    return found


def _open_every_pooled_connection(store: PostgresStore, n: int) -> None:
    """Make ``n`` connections idle in the pool: ``n`` reads at once."""
    barrier = threading.Barrier(n)

    def read() -> None:
        barrier.wait()
        for _ in range(5):
            store.last_cursor()

    threads = [threading.Thread(target=read) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_terminated_idle_connections_are_discarded_without_failing_a_call(pg, kept) -> None:
    dsn, schema, store = pg
    store.put_declaration(declaration(1), actor="a")
    _open_every_pooled_connection(store, 4)
    before = _backends(dsn, schema)
    assert len(before) >= 2
    _terminate(dsn, before)
    _until(lambda: not set(before) & set(_backends(dsn, schema)), "the backends did not end")
    # Every pooled connection is dead: each call must get a live one, reads and Submit alike.
    for n in range(2, 10):
        assert store.get_declaration("d1").cursor == 1
        assert store.put_declaration(declaration(n), actor="a").receipt.cursor == n
    assert store.last_cursor() == 9
    assert not set(before) & set(_backends(dsn, schema))
    # Found dead before use (no query sent on them), not failed and retried.
    assert not [r for r in kept if "connection lost" in r.getMessage()]


@pytest.fixture
def locked_counters(pg) -> Iterator[Callable[[], None]]:
    """Hold the writers' lock (the counter row) from outside the store until released."""
    dsn, schema, _ = pg
    admin = psycopg.connect(dsn)
    admin.execute(sql.SQL("SELECT value FROM {}.counters WHERE name = 'cursor' FOR UPDATE").format(
        sql.Identifier(schema)))
    yield admin.rollback
    admin.close()


def _in_flight(dsn: str, schema: str, call: Callable[[], object]) -> tuple[threading.Thread, dict]:
    """Start ``call`` in a thread; return once its connection waits on the held lock."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    outcome["pids"] = _until(lambda: _backends(dsn, schema, waiting=True), "the call never reached the lock")
    return thread, outcome


def test_a_submit_whose_connection_is_terminated_mid_transaction_is_retried_and_stored_once(
        pg, locked_counters, kept) -> None:
    dsn, schema, store = pg
    thread, outcome = _in_flight(dsn, schema, lambda: store.put_declaration(declaration(1), [ATTESTATION], actor="a"))
    _terminate(dsn, outcome["pids"])
    locked_counters()
    thread.join(10)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["value"].receipt.cursor == 1 and not outcome["value"].duplicate
    assert store.last_cursor() == 1 and store.verify_audit() == 1
    assert [a.content for a in store.get_declaration("d1").attestations] == [ATTESTATION.content]
    assert [r for r in kept if "connection lost" in r.getMessage() and r.levelno == logging.WARNING]


def test_a_read_whose_connection_is_terminated_mid_query_is_retried(pg) -> None:
    dsn, schema, store = pg
    store.put_declaration(declaration(1), actor="a")
    admin = psycopg.connect(dsn)
    admin.execute(sql.SQL("LOCK TABLE {}.declarations IN ACCESS EXCLUSIVE MODE").format(sql.Identifier(schema)))
    try:
        thread, outcome = _in_flight(dsn, schema, lambda: store.get_declaration("d1"))
        _terminate(dsn, outcome["pids"])
    finally:
        admin.rollback()
        admin.close()
    thread.join(10)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["value"].cursor == 1


def test_a_call_not_safe_to_repeat_fails_with_a_reason_and_an_incident_id_only(pg, locked_counters, kept) -> None:
    dsn, schema, store = pg
    thread, outcome = _in_flight(dsn, schema, lambda: store.record_event("a", "replication.refused", "x"))
    _terminate(dsn, outcome["pids"])
    locked_counters()
    thread.join(10)
    error = outcome["error"]
    assert isinstance(error, StoreError) and error.reason == "STORE_ERROR"
    incident = error.metadata["incident"]
    assert error.message == f"the store failed (incident {incident})"
    logged = [r.getMessage() for r in kept if r.levelno == logging.ERROR and incident in r.getMessage()]
    assert logged and "terminating connection" in logged[0]
    assert store.last_cursor() == 0 and store.verify_audit() == 0  # not half-written, store still usable


def test_a_database_error_reaches_the_caller_without_postgresql_text(pg, kept) -> None:
    dsn, schema, store = pg
    drop_schema(dsn, schema)  # every query now names a relation that does not exist
    with pytest.raises(StoreError) as err:
        store.get_declaration("d1")
    incident = err.value.metadata["incident"]
    assert err.value.message == f"the store failed (incident {incident})"
    assert "declarations" not in str(err.value.as_dict()) and schema not in str(err.value.as_dict())
    logged = [r.getMessage() for r in kept if incident in r.getMessage()]
    assert logged and "does not exist" in logged[0]


def test_a_follower_of_the_head_misses_no_record_under_concurrent_writes(pg) -> None:
    """Declarations, attestations and decisions from several writers at once; a follower
    reads the feed after its last cursor as fast as it can. It must see every cursor: a
    record seen above a gap makes it move past the gap for good."""
    store = pg[2]
    writers, rounds = 6, 40
    stop, seen, gaps = threading.Event(), [], []

    def write(w: int) -> None:
        for n in range(rounds):
            stored = store.put_declaration(declaration(w * 1000 + n), actor="a").receipt
            store.put_attestation(stored.digest, NewAttestation("application/json", f"a{w}-{n}".encode()), actor="a")
            store.put_decision(NewDecision(stored.digest, "p", "recognised", f"d{w}-{n}".encode()), actor="a")

    def follow() -> None:
        cursor = 0
        while True:
            done = stop.is_set()
            for record in store.feed(cursor, limit=7):
                if record.cursor != cursor + 1:
                    gaps.append((cursor, record.cursor))
                cursor = record.cursor
                seen.append(cursor)
            if done and cursor == store.last_cursor():
                return

    follower = threading.Thread(target=follow)
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    follower.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    follower.join(60)
    assert not gaps, f"the follower skipped cursors: {gaps[:5]}"
    assert seen == list(range(1, writers * rounds * 3 + 1))


def test_a_remote_caller_gets_store_error_with_an_incident_id_and_no_postgresql_text(pg, kept) -> None:
    import grpc

    from gateway._proto import exchange_pb2, exchange_pb2_grpc
    from gateway.server import ServerConfig, StoreConfig, create_server
    from gateway.server.status import error_details

    dsn, schema, store = pg
    server, port = create_server(ServerConfig(address="127.0.0.1:0", store=StoreConfig(url=dsn, schema=schema)),
                                 store=store)
    server.start()
    try:
        drop_schema(dsn, schema)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel, pytest.raises(grpc.RpcError) as err:
            exchange_pb2_grpc.ExchangeServiceStub(channel).Get(exchange_pb2.GetRequest(declaration_id="d1"), timeout=30)
    finally:
        server.stop(0)
    got = error_details(err.value)
    incident = got["metadata"]["incident"]
    assert (got["code"], got["reason"]) == ("UNAVAILABLE", "STORE_ERROR")
    assert got["message"] == f"the store failed (incident {incident})" and got["metadata"] == {"incident": incident}
    logged = [r.getMessage() for r in kept if incident in r.getMessage()]
    assert logged and 'relation "declarations" does not exist' in logged[0]


def test_connections_keep_an_application_name_the_dsn_gives() -> None:
    dsn, schema = postgres_dsn(), f"t_{uuid.uuid4().hex[:16]}"
    name = f"named-{schema}"
    store = PostgresStore(f"{dsn}{'&' if '?' in dsn else '?'}application_name={name}", schema=schema, pool_size=1)
    try:
        store.last_cursor()
        with psycopg.connect(dsn, autocommit=True) as admin:
            names = [r[0] for r in admin.execute("SELECT application_name FROM pg_stat_activity "
                                                 "WHERE application_name IN (%s, %s)", (name, f"fpgw:{schema}"))]
        assert names == [name]
    finally:
        store.close()
        drop_schema(dsn, schema)
