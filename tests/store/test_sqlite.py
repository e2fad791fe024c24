"""SQLite-specific durability settings and migrations."""

from __future__ import annotations

import sqlite3

import pytest

from gateway.core.errors import ConfigurationError
from gateway.store import SqliteStore, open_store


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
