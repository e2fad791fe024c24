"""Durability under kill -9 (issue 16): ``fpgw serve`` killed with SIGKILL under Submit load,
N rounds, on SQLite and on PostgreSQL; on PostgreSQL the server's database connections are
also terminated mid-transaction (``pg_terminate_backend`` from another connection) while the
submissions run.

    python -m harness.durability --smoke               # 2 rounds each store (CI)
    python -m harness.durability --rounds 5 --clients 16 --seconds 8

Every client submits new declarations (a fresh id each) and keeps each receipt; a call that
failed is *in doubt* (the kill may have come after the commit). Each round starts the server
again, submits every in-doubt declaration once more and repeats a sample of acknowledged
ones, which must come back as duplicates with their first receipt. At the end the store is read
directly: every acknowledged declaration is there with its receipt's digest and cursor
(0 lost), each id and version is in the record feed once (0 duplicates), and
``fpgw audit verify`` finds the audit log and the stored records in agreement. Exits 1 when
any of these fails, or when a call failed on SQLite while the server was alive.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from gateway._proto import document_pb2, exchange_pb2, exchange_pb2_grpc
from gateway.store import open_store
from gateway.store.records import StoredDeclaration
from harness.serving import Served, write_setup

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/test"
REGION = "130000"
CALL_SECONDS = 30.0


def document(declaration_id: str) -> bytes:
    """A submission's bytes (the server stores Submit as declared without a trust list)."""
    return f'{{"id": "{declaration_id}", "harness": "durability", "padding": "{os.urandom(256).hex()}"}}'.encode()


@dataclass
class Ledger:
    """What the clients were told, shared by every client thread."""

    acknowledged: dict[str, tuple[str, int]] = field(default_factory=dict)  # id -> (digest, cursor)
    in_doubt: dict[str, bytes] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)
    failed_while_alive: int = 0
    repeats_wrong: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _request(declaration_id: str, content: bytes) -> exchange_pb2.SubmitRequest:
    return exchange_pb2.SubmitRequest(
        metadata=exchange_pb2.DeclarationMetadata(declaration_id=declaration_id, version=1, region=REGION),
        document=document_pb2.Document(format_id="cn-jjj-json", media_type="application/json", content=content))


def _submit(stub: exchange_pb2_grpc.ExchangeServiceStub, declaration_id: str, content: bytes) -> exchange_pb2.SubmitResponse:
    return stub.Submit(_request(declaration_id, content), timeout=CALL_SECONDS)


def settle(stub: exchange_pb2_grpc.ExchangeServiceStub, ledger: Ledger, repeats: int) -> int:
    """Submit every in-doubt declaration again, and repeat ``repeats`` acknowledged ones: each
    repetition must answer duplicate with the first receipt. The number settled."""
    for declaration_id, content in list(ledger.in_doubt.items()):
        answer = _submit(stub, declaration_id, content)
        ledger.acknowledged[declaration_id] = (answer.receipt.digest, answer.receipt.cursor)
        del ledger.in_doubt[declaration_id]
    sample = random.sample(sorted(ledger.acknowledged), min(repeats, len(ledger.acknowledged)))
    for declaration_id in sample:
        answer = _submit(stub, declaration_id, ledger.contents[declaration_id])
        if not answer.duplicate or (answer.receipt.digest, answer.receipt.cursor) != ledger.acknowledged[declaration_id]:
            ledger.repeats_wrong.append(declaration_id)
    return len(sample)


def client(target: str, ledger: Ledger, stop: threading.Event, killed: threading.Event) -> None:
    with grpc.insecure_channel(target) as channel:
        stub = exchange_pb2_grpc.ExchangeServiceStub(channel)
        while not stop.is_set():
            declaration_id = str(uuid.uuid4())
            content = document(declaration_id)
            with ledger.lock:
                ledger.contents[declaration_id] = content
            try:
                answer = _submit(stub, declaration_id, content)
            except grpc.RpcError:
                with ledger.lock:
                    ledger.in_doubt[declaration_id] = content
                    if not killed.is_set():
                        ledger.failed_while_alive += 1
                if killed.is_set():
                    return
                continue
            with ledger.lock:
                ledger.acknowledged[declaration_id] = (answer.receipt.digest, answer.receipt.cursor)


class Terminator(threading.Thread):
    """Terminates the server's PostgreSQL connections from another connection, preferring one
    inside a transaction (``xact_start`` set), every ``every`` seconds."""

    def __init__(self, dsn: str, application: str, every: float, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.dsn, self.application, self.every, self.stop = dsn, application, every, stop
        self.mid_transaction = self.idle = 0

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as admin:
            while not self.stop.wait(self.every):
                deadline = time.monotonic() + self.every
                while time.monotonic() < deadline and not self.stop.is_set():
                    row = admin.execute(
                        "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND xact_start IS NOT NULL "
                        "AND pid <> pg_backend_pid() LIMIT 1", (self.application,)).fetchone()
                    if row and admin.execute("SELECT pg_terminate_backend(%s)", row).fetchone()[0]:
                        self.mid_transaction += 1
                        break
                    time.sleep(0.002)
                else:
                    row = admin.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s LIMIT 1",
                                        (self.application,)).fetchone()
                    if row and admin.execute("SELECT pg_terminate_backend(%s)", row).fetchone()[0]:
                        self.idle += 1


@dataclass
class Outcome:
    store: str
    rounds: int
    acknowledged: int = 0
    lost: int = 0
    wrong_receipt: int = 0
    duplicates: int = 0
    repeats: int = 0
    repeats_wrong: int = 0
    failed_while_alive: int = 0
    terminated_mid_transaction: int = 0
    terminated_idle: int = 0
    audit: str = ""
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        pg = (f", {self.terminated_mid_transaction} connections terminated mid-transaction "
              f"(+{self.terminated_idle} idle), {self.failed_while_alive} calls failed by them"
              if self.store == "postgres" else f", {self.failed_while_alive} calls failed while the server was up")
        return (f"durability {self.store}: {self.rounds} kill -9 rounds, {self.acknowledged} acknowledged, "
                f"{self.lost} lost, {self.wrong_receipt} with another digest or cursor, {self.duplicates} duplicates, "
                f"{self.repeats} repeats ({self.repeats_wrong} not answered as the first receipt){pg}; "
                f"audit: {self.audit}")


def check_store(url: str, schema: str, ledger: Ledger, outcome: Outcome) -> None:
    store = open_store(url, schema=schema)
    try:
        seen: Counter[tuple[str, int]] = Counter()
        stored: dict[str, tuple[str, int]] = {}
        after = 0
        while batch := store.feed(after, limit=1000):
            for record in batch:
                if isinstance(record, StoredDeclaration):
                    seen[(record.declaration_id, record.version)] += 1
                    stored[record.declaration_id] = (record.digest, record.cursor)
            after = batch[-1].cursor
    finally:
        store.close()
    outcome.acknowledged = len(ledger.acknowledged)
    outcome.lost = sum(1 for i in ledger.acknowledged if i not in stored)
    outcome.wrong_receipt = sum(1 for i, r in ledger.acknowledged.items() if i in stored and stored[i] != r)
    outcome.duplicates = sum(n - 1 for n in seen.values())


def audit_verify(url: str, schema: str) -> tuple[bool, str]:
    proc = subprocess.run([sys.executable, "-m", "gateway.cli", "audit", "verify", "--store", url, "--schema", schema,
                           "--json"], capture_output=True, text=True, check=False)
    return proc.returncode == 0, (proc.stdout or proc.stderr).strip()


def run_store(kind: str, *, rounds: int, clients: int, seconds: float, terminate_every: float, dsn: str,
              folder: Path) -> Outcome:
    application = f"fpgw-durability-{uuid.uuid4().hex[:8]}"
    if kind == "sqlite":
        url, schema = str(folder / "durability.sqlite"), "fpgw"
    else:
        url, schema = f"{dsn}{'&' if '?' in dsn else '?'}application_name={application}", f"durability_{uuid.uuid4().hex[:8]}"
    setup = write_setup(folder / kind, store_url=url, schema=schema)
    log = folder / f"{kind}-serve.log"
    ledger, outcome = Ledger(), Outcome(kind, rounds)
    served: Served | None = None
    try:
        for n in range(rounds):
            served = Served(setup, log)
            with grpc.insecure_channel(served.target) as channel:
                outcome.repeats += settle(exchange_pb2_grpc.ExchangeServiceStub(channel), ledger, repeats=20)
            stop, killed = threading.Event(), threading.Event()
            threads = [threading.Thread(target=client, args=(served.target, ledger, stop, killed), daemon=True)
                       for _ in range(clients)]
            terminator = Terminator(dsn, application, terminate_every, stop) if kind == "postgres" else None
            for thread in threads:
                thread.start()
            if terminator:
                terminator.start()
            time.sleep(random.uniform(seconds / 2, seconds))
            before = len(ledger.acknowledged)
            killed.set()
            served.kill()
            stop.set()
            for thread in threads:
                thread.join()
            if terminator:
                terminator.join()
                outcome.terminated_mid_transaction += terminator.mid_transaction
                outcome.terminated_idle += terminator.idle
            print(f"  {kind} round {n + 1}: killed -9 at {before} acknowledged, {len(ledger.in_doubt)} in doubt",
                  flush=True)
        served = Served(setup, log)
        with grpc.insecure_channel(served.target) as channel:
            outcome.repeats += settle(exchange_pb2_grpc.ExchangeServiceStub(channel), ledger, repeats=100)
        served.stop()
        outcome.failed_while_alive = ledger.failed_while_alive
        outcome.repeats_wrong = len(ledger.repeats_wrong)
        check_store(url, schema, ledger, outcome)
        ok, outcome.audit = audit_verify(url, schema)
        if not ok:
            outcome.problems.append("fpgw audit verify failed")
    finally:
        if served is not None and served.proc.poll() is None:  # interrupted: leave no server behind
            served.kill()
        if kind == "postgres":
            import psycopg

            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    for name in ("lost", "wrong_receipt", "duplicates", "repeats_wrong"):
        if getattr(outcome, name):
            outcome.problems.append(f"{getattr(outcome, name)} {name.replace('_', ' ')}")
    if kind == "sqlite" and outcome.failed_while_alive:
        outcome.problems.append(f"{outcome.failed_while_alive} calls failed while the server was up")
    if outcome.acknowledged == 0:
        outcome.problems.append("nothing was acknowledged: the load did not run")
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=5, help="kill -9 rounds per store")
    parser.add_argument("--clients", type=int, default=16, help="concurrent submitting clients")
    parser.add_argument("--seconds", type=float, default=8.0, help="a round's load lasts between half this and this")
    parser.add_argument("--terminate-every", type=float, default=0.5,
                        help="PostgreSQL: seconds between terminating one of the server's connections")
    parser.add_argument("--dsn", default=os.environ.get("FPGW_TEST_POSTGRES_DSN", DEFAULT_DSN))
    parser.add_argument("--smoke", action="store_true", help="2 rounds of 3 s, 8 clients (CI)")
    ns = parser.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the server started is stopped and scratch data removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if ns.smoke:
        ns.rounds, ns.seconds, ns.clients = 2, 3.0, 8
    kinds = ["sqlite", "postgres"] if ns.store == "both" else [ns.store]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="fpgw-durability-") as tmp:
        for kind in kinds:
            outcome = run_store(kind, rounds=ns.rounds, clients=ns.clients, seconds=ns.seconds,
                                terminate_every=ns.terminate_every, dsn=ns.dsn, folder=Path(tmp))
            print(outcome.line(), flush=True)
            for problem in outcome.problems:
                print(f"  FAIL {problem}", flush=True)
            failed += bool(outcome.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
