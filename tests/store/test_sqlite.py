"""SQLite-specific durability settings and migrations."""

from __future__ import annotations

import sqlite3

import pytest

from gateway.core.errors import ConfigurationError
from gateway.store import NewDeclaration, SqliteStore, content_digest, open_store
from gateway.store.checkpoint import Checkpointer

from .test_postgres_faults import _until


def test_wal_and_full_sync_are_on(tmp_path) -> None:
    store = SqliteStore(tmp_path / "g.sqlite")
    with store._transaction(write=False) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    store.close()


def test_migrations_apply_once(tmp_path) -> None:
    path = tmp_path / "g.sqlite"
    SqliteStore(path).close()
    SqliteStore(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version, name FROM schema_migrations").fetchall() == [
            (1, "0001_initial.sql"), (2, "0002_sync_cursors.sql"),
        ]


def test_open_store_picks_the_backend(tmp_path) -> None:
    store = open_store(f"sqlite://{tmp_path / 'a.sqlite'}")
    assert isinstance(store, SqliteStore) and store.path == tmp_path / "a.sqlite"
    store.close()
    with pytest.raises(ConfigurationError):
        SqliteStore(":memory:")


def _big(n: int) -> NewDeclaration:
    body = b"x" * 16_000 + str(n).encode()
    return NewDeclaration(f"big{n}", 1, content_digest(body), "cn-jjj-json", "application/json", body)


def test_commits_leave_the_checkpoint_to_the_checkpointer_which_lets_the_wal_start_again(tmp_path) -> None:
    """SQLite's own checkpoint would run inside the commit passing 1000 WAL pages, holding up
    every write of the group commit (issue 16 item 6); the store's commits leave it to a
    thread of its own, after which the WAL starts from the beginning again."""
    path = tmp_path / "g.sqlite"
    store = SqliteStore(path)
    store._checkpointer.close()  # stopped, to see what the commits alone do
    store._checkpointer = None
    for n in range(300):  # ~1,200 pages through the WAL
        store.put_declaration(_big(n), actor="a")
    wal = path.with_name(path.name + "-wal")
    assert wal.stat().st_size > 4_000_000 and path.stat().st_size < 1_000_000  # no commit checkpointed

    store._checkpointer = checkpointer = Checkpointer(store._open, store._exclusive, period=0)
    checkpointer.wrote()
    _until(lambda: checkpointer.completed, "the checkpointer never copied the whole WAL", seconds=30)
    assert path.stat().st_size > 4_000_000
    store.put_declaration(_big(300), actor="a")
    with sqlite3.connect(path) as conn:
        _, frames, _ = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert frames < 50  # the last commit's frames only: it wrote the WAL from its start
    store.close()
    reopened = SqliteStore(path)
    assert reopened.verify_audit() == 301
    reopened.close()
