"""Group commit (issue 16 item 6), on SQLite and PostgreSQL: writes waiting together share
one transaction, each caller is answered only after the commit, and one bad write fails alone."""

from __future__ import annotations

import sqlite3
import threading
import uuid

import pytest

from gateway.core.errors import AlreadyExists, NotFound, StoreError
from gateway.store import SqliteStore
from gateway.store.group_commit import GroupCommitter

from .conftest import drop_schema, postgres_dsn
from .test_postgres_faults import _until
from .test_store import declaration


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def committer(request, tmp_path):
    """The store's own writer, on a table of the test's, and what another connection sees
    of that table (only committed rows)."""
    if request.param == "sqlite":
        path = tmp_path / "g.sqlite"
        store = SqliteStore(path)

        def held() -> list[int]:
            with sqlite3.connect(path) as conn:
                return [r[0] for r in conn.execute("SELECT n FROM t ORDER BY n")]
    else:
        import psycopg

        from gateway.store.postgres import PostgresStore

        dsn, schema = postgres_dsn(), f"t_{uuid.uuid4().hex[:16]}"
        store = PostgresStore(dsn, schema=schema, pool_size=2)

        def held() -> list[int]:
            with psycopg.connect(dsn) as conn:
                return [r[0] for r in conn.execute(f'SELECT n FROM "{schema}".t ORDER BY n')]
    with store._transaction(write=True) as conn:
        conn.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")
    yield store._writer, held
    store.close()
    if request.param == "postgres":
        drop_schema(dsn, schema)


def _insert(n: int):
    def job(conn):
        conn.execute(f"INSERT INTO t (n) VALUES ({int(n)})")
        return n
    return job


def _run_together(writer: GroupCommitter, jobs: list, first=None) -> dict[int, object]:
    """Queue ``jobs`` while the writer is held inside ``first``; then let it go."""
    release, results = threading.Event(), {}

    def hold(conn):
        release.wait(10)
        return first(conn) if first else None

    def call(i: int, job) -> None:
        try:
            results[i] = writer.run(job)
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            results[i] = exc

    holder = threading.Thread(target=call, args=(-1, hold))
    holder.start()
    _until(lambda: writer._queue.qsize() == 0, "the writer never took the first job")
    threads = [threading.Thread(target=call, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    _until(lambda: writer._queue.qsize() == len(jobs), "the jobs never queued")
    release.set()
    for t in [holder, *threads]:
        t.join(10)
    return results


def test_writes_waiting_together_commit_in_one_transaction(committer) -> None:
    writer, held = committer
    seen_by_others: dict[int, list[int]] = {}

    def insert_and_look(n: int):
        def job(conn):
            _insert(n)(conn)
            seen_by_others[n] = held()
            return n
        return job

    results = _run_together(writer, [insert_and_look(n) for n in range(1, 9)])
    assert sorted(v for k, v in results.items() if k >= 0) == list(range(1, 9))
    # Inside the batch no other connection saw any of its rows: they were one transaction.
    assert all(seen == [] for seen in seen_by_others.values())
    assert held() == list(range(1, 9))


def test_an_answer_means_committed(committer) -> None:
    writer, held = committer
    for n in range(1, 4):
        assert writer.run(_insert(n)) == n
        assert held()[-1] == n


def test_a_refused_write_undoes_only_itself(committer) -> None:
    writer, held = committer

    def refused(conn):
        _insert(100)(conn)
        raise NotFound("no such thing")

    results = _run_together(writer, [_insert(1), refused, _insert(2)])
    assert results[0] == 1 and results[2] == 2 and isinstance(results[1], NotFound)
    assert held() == [1, 2]


def test_a_failing_write_fails_alone_with_an_incident_id(committer) -> None:
    writer, held = committer
    results = _run_together(writer, [_insert(1), _insert(1), _insert(2)], first=_insert(0))
    failures = [v for v in results.values() if isinstance(v, Exception)]
    assert len(failures) == 1 and isinstance(failures[0], StoreError)
    assert failures[0].message == f"the store failed (incident {failures[0].metadata['incident']})"
    assert held() == [0, 1, 2]


def test_a_write_after_close_is_refused(committer) -> None:
    writer, _ = committer
    writer.close()
    with pytest.raises(StoreError):
        writer.run(_insert(1))


def test_concurrent_submissions_get_consecutive_cursors_and_one_receipt_per_declaration(store) -> None:
    receipts, refused, barrier = [], [], threading.Barrier(20)

    def submit(n: int) -> None:
        barrier.wait()
        for k in range(10):
            receipts.append(store.put_declaration(declaration(n * 100 + k), actor="a").receipt)
            receipts.append(store.put_declaration(declaration(n * 100 + k), actor="a").receipt)  # a repetition
            try:
                store.put_declaration(declaration(n * 100 + k, content=b"another"), actor="a")
            except AlreadyExists:
                refused.append(n)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(refused) == 200
    assert sorted({r.cursor for r in receipts}) == list(range(1, 201))
    assert len({(r.declaration_id, r.cursor) for r in receipts}) == 200
    assert store.verify_audit() == 200 and store.last_cursor() == 200


def test_writes_committed_together_read_and_write_the_counters_once(tmp_path) -> None:
    """A batch locks and reads the counters once and writes them back once; each Submit in it
    costs its savepoint, its insert, its audit entry and the release (issue 16: statements
    are most of the writer's time, and on PostgreSQL each one read a round trip)."""
    store = SqliteStore(tmp_path / "s.sqlite")
    statements: list[str] = []
    release = threading.Event()

    def hold(tx) -> None:  # holds the writer while the writes queue, and traces what follows
        tx.conn.set_trace_callback(statements.append)
        release.wait(10)

    holder = threading.Thread(target=store._writer.run, args=(hold,))
    holder.start()
    _until(lambda: store._writer._queue.qsize() == 0, "the writer never took the first job")
    threads = [threading.Thread(target=store.put_declaration, args=(declaration(n),), kwargs={"actor": "a"})
               for n in range(8)]
    for t in threads:
        t.start()
    _until(lambda: store._writer._queue.qsize() == 8, "the writes never queued")
    release.set()
    for t in [holder, *threads]:
        t.join(10)
    assert store.verify_audit() == 8 and store.last_cursor() == 8
    store.close()
    batch = statements[next(i for i, s in enumerate(statements) if s.startswith("BEGIN")):]
    kinds = [" ".join(s.split()[:3]) for s in batch]
    assert kinds.count("SAVEPOINT job") == 8 and kinds.count("INSERT INTO declarations") == 8
    assert kinds.count("INSERT INTO audit_log") == 8 and kinds.count("RELEASE SAVEPOINT job") == 8
    assert kinds.count("UPDATE counters SET") == 2 and kinds.count("COMMIT") == 1
    assert len(batch) == 8 * 4 + 6  # BEGIN, the lock, the audit head, two counters, COMMIT
