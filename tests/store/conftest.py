"""One store fixture, parametrised over both backends; the same tests run against each.

PostgreSQL comes from FPGW_TEST_POSTGRES_DSN (``.ci/run`` sets it); each test gets its own
schema, dropped afterwards. Without the variable or the server, PostgreSQL cases are
skipped with the reason in the pytest summary.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gateway.store import SqliteStore, Store

DSN_VARIABLE = "FPGW_TEST_POSTGRES_DSN"


def postgres_dsn() -> str:
    """The test DSN, or pytest.skip saying loudly why PostgreSQL tests cannot run."""
    dsn = os.environ.get(DSN_VARIABLE)
    if not dsn:
        pytest.skip(f"POSTGRESQL STORE TESTS SKIPPED: {DSN_VARIABLE} is not set")
    import psycopg

    try:
        psycopg.connect(dsn, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"POSTGRESQL STORE TESTS SKIPPED: cannot reach {dsn}: {exc}".strip())
    return dsn


StoreFactory = Callable[[], Store]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Opens stores on one shared database: every call is another replica of the same data."""
    opened: list[Store] = []
    if request.param == "sqlite":
        def factory() -> Store:
            opened.append(SqliteStore(tmp_path / "gateway.sqlite"))
            return opened[-1]
    else:
        from gateway.store.postgres import PostgresStore

        dsn, schema = postgres_dsn(), f"t_{uuid.uuid4().hex[:16]}"

        def factory() -> Store:
            opened.append(PostgresStore(dsn, schema=schema, pool_size=4))
            return opened[-1]
    yield factory
    for store in opened:
        store.close()
    if request.param == "postgres":
        drop_schema(dsn, schema)


def drop_schema(dsn: str, schema: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def store(store_factory: StoreFactory) -> Store:
    return store_factory()
