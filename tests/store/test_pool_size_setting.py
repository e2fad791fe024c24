"""store.pool_size: the number of PostgreSQL connections a server process holds, a setting
that --check-config validates and the server obeys."""

from __future__ import annotations

import threading
import uuid

import grpc
import psycopg
import pytest
from click.testing import CliRunner
from psycopg import sql

from gateway._proto import exchange_pb2, exchange_pb2_grpc
from gateway.cli import main
from gateway.server import ServerConfig, StoreConfig, create_server, load_config

from .conftest import drop_schema, postgres_dsn
from .test_postgres_faults import _backends, _until
from .test_store import declaration


def _check(tmp_path, text: str, **env: str):
    path = tmp_path / "gateway.toml"
    path.write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["serve", "--check-config", str(path), "--no-files"],
                              env={"LANG": "C", "LC_ALL": None, "FPGW_LANG": None, **env})


def test_check_config_accepts_a_pool_size_and_refuses_one_below_1(tmp_path) -> None:
    assert _check(tmp_path, "[store]\npool_size = 3\n").exit_code == 0
    refused = _check(tmp_path, "[store]\npool_size = 0\n")
    assert refused.exit_code == 1 and "store.pool_size must be at least 1" in refused.output
    not_a_number = _check(tmp_path, "[store]\n", FPGW_STORE_POOL_SIZE="many")
    assert not_a_number.exit_code == 1 and "store.pool_size" in not_a_number.output


def test_the_pool_size_comes_from_the_file_or_the_environment(tmp_path) -> None:
    path = tmp_path / "gateway.toml"
    path.write_text("[store]\npool_size = 3\n", encoding="utf-8")
    assert load_config(env={}).store.pool_size == 8
    assert load_config(path, env={}).store.pool_size == 3
    assert load_config(path, env={"FPGW_STORE_POOL_SIZE": "12"}).store.pool_size == 12


@pytest.mark.postgres
def test_the_server_holds_at_most_pool_size_connections(tmp_path) -> None:
    dsn, schema = postgres_dsn(), f"t_{uuid.uuid4().hex[:16]}"
    config = ServerConfig(address="127.0.0.1:0", max_workers=8, max_concurrent_rpcs=16,
                          store=StoreConfig(url=dsn, schema=schema, pool_size=2))
    server, port = create_server(config)
    server.start()
    admin = psycopg.connect(dsn)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = exchange_pb2_grpc.ExchangeServiceStub(channel)
            stub.Submit(exchange_pb2.SubmitRequest(
                metadata=exchange_pb2.DeclarationMetadata(declaration_id="d1", version=1, region="130000"),
                document={"format_id": "cn-jjj-json", "media_type": "application/json",
                          "content": declaration(1).content}))
            # Six Gets at once against a locked table: all that hold a connection wait on the lock.
            admin.execute(sql.SQL("LOCK TABLE {}.declarations IN ACCESS EXCLUSIVE MODE").format(
                sql.Identifier(schema)))
            answers: list[int] = []
            calls = [threading.Thread(target=lambda: answers.append(
                stub.Get(exchange_pb2.GetRequest(declaration_id="d1"), timeout=30).record.metadata.version))
                for _ in range(6)]
            for t in calls:
                t.start()
            _until(lambda: len(_backends(dsn, schema, waiting=True)) == 2, "two Gets never held a connection")
            threading.Event().wait(0.5)  # the other four are queued for a connection, not opening more
            assert len(_backends(dsn, schema)) == 2
            admin.rollback()
            for t in calls:
                t.join(30)
            assert answers == [1] * 6
    finally:
        admin.close()
        server.stop(0)
        drop_schema(dsn, schema)
