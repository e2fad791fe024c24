"""The store logic shared by the SQL backends.

Backends supply connections (:meth:`SqlStore._transaction`), the SQL that locks the counter
row, and the placeholder style; the queries here use ``?`` placeholders and portable SQL.
Every write transaction first locks the ``cursor`` counter row, which serialises writers so
cursors and audit entries become visible in the order they were allocated: a Watch that has
seen cursor N will never later find a record below N appear. Every read runs in one
transaction that sees one snapshot (REPEATABLE READ on PostgreSQL), so a feed page merged
from several tables never holds a record while missing one committed before it.

Each operation is a job handed to :meth:`SqlStore._read` (``job(connection)``) or
:meth:`SqlStore._write` (``job(transaction)``, a :class:`~gateway.store.writes.WriteTransaction`
holding the counters), so that a backend can run it again after a lost connection (when it is
safe to repeat) or commit several together.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from importlib import resources
from typing import Any, TypeVar

from ..core.errors import AlreadyExists, AuditChainBroken, NotFound
from ..core.i18n import N_
from . import audit
from .group_commit import GroupCommitter
from .paging import decode_token, encode_token
from .records import (
    AuditEntry,
    DeclarationFilter,
    FeedRecord,
    NewAttestation,
    NewDeclaration,
    NewDecision,
    Page,
    PutResult,
    Receipt,
    StoredAttestation,
    StoredDeclaration,
    StoredDecision,
    utc_now,
)
from .writes import WriteTransaction

T = TypeVar("T")
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50

_DECLARATION_COLUMNS = (
    "cursor, declaration_id, version, digest, format_id, media_type, content, region, sector,"
    " product_id, received_at, source_peer"
)
_ATTESTATION_COLUMNS = "cursor, declaration_digest, digest, media_type, content, received_at, source_peer"
_DECISION_COLUMNS = "cursor, declaration_digest, digest, policy_id, outcome, content, received_at, source_peer"


def format_time(moment: datetime) -> str:
    """Fixed-width UTC text (``2026-12-03T18:10:00.123456Z``), so that string order is time
    order in every backend. isoformat, not strftime: a fifth of the cost (every write formats
    one), and the year always four digits."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"


def parse_time(text: str) -> datetime:
    """The moment :func:`format_time` wrote (fromisoformat: strptime cost 60 times as much)."""
    return datetime.fromisoformat(text)


def migration_scripts(dialect: str) -> list[tuple[int, str, list[str]]]:
    """(version, name, statements) of the shipped migrations for ``dialect``, in order."""
    folder = resources.files(__package__) / "migrations" / dialect
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".sql"):
            continue
        text = "\n".join(
            line for line in entry.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("--")
        )
        statements = [s.strip() for s in text.split(";") if s.strip()]
        out.append((int(entry.name.split("_", 1)[0]), entry.name, statements))
    return out


class SqlStore(abc.ABC):
    """Implements :class:`gateway.store.Store` over a DB-API connection."""

    dialect: str
    _writer: GroupCommitter | None = None  # until the backend is ready to group-commit

    @abc.abstractmethod
    def _transaction(self, *, write: bool) -> AbstractContextManager[Any]:
        """A connection inside a transaction, committed on normal exit, rolled back on error."""

    @abc.abstractmethod
    def _lock_counters_sql(self) -> str:
        """SQL that takes the writers' lock and returns the current cursor."""

    def _read(self, job: Callable[[Any], T]) -> T:
        """``job(connection)`` in one read-only transaction (one snapshot)."""
        with self._transaction(write=False) as conn:
            return job(conn)

    def _write_now(self, job: Callable[[Any], T], *, idempotent: bool) -> T:
        """``job(connection)`` in a write transaction of its own; returns once committed."""
        with self._transaction(write=True) as conn:
            return job(conn)

    def _start_writer(self) -> None:
        """Writes safe to repeat from now on go through one group-committing writer thread."""
        self._writer = GroupCommitter(lambda batch: self._write_now(self._counted(batch), idempotent=True),
                                      name=f"fpgw-store-writer-{self.dialect}")

    def _counted(self, job: Callable[[WriteTransaction], T]) -> Callable[[Any], T]:
        """``job`` on a :class:`WriteTransaction` over the connection (the writers' lock taken
        and the counters read first, written back after it)."""
        def run(conn: Any) -> T:
            transaction = WriteTransaction(conn, self._run, self._lock_counters_sql())
            result = job(transaction)
            transaction.write_back()
            return result
        return run

    def _write(self, job: Callable[[WriteTransaction], T], *, idempotent: bool) -> T:
        """``job(transaction)`` in a write transaction; returns once it is committed.
        ``idempotent``: running it again after an unknown outcome changes nothing more, so
        it may share a group commit (and be retried); other writes commit on their own."""
        if idempotent and self._writer is not None:
            return self._writer.run(job)
        return self._write_now(self._counted(job), idempotent=idempotent)

    def _stop_writer(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def _q(self, sql: str) -> str:
        return sql

    def _run(self, conn: Any, sql: str, params: tuple = ()) -> Any:
        return conn.execute(self._q(sql), params)

    # --- migrations --------------------------------------------------------------------

    def _migrate(self, conn: Any) -> None:
        self._run(
            conn,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL)",
        )
        done = {row[0] for row in self._run(conn, "SELECT version FROM schema_migrations").fetchall()}
        for version, name, statements in migration_scripts(self.dialect):
            if version in done:
                continue
            for statement in statements:
                self._run(conn, statement)
            self._run(
                conn,
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, format_time(utc_now())),
            )

    # --- writes ------------------------------------------------------------------------

    def _insert_attestation(
        self, conn: Any, cursor: int, bundled: bool, declaration_digest: str, attestation: NewAttestation,
        received_at: str, source_peer: str,
    ) -> None:
        self._run(
            conn,
            "INSERT INTO attestations (digest, cursor, bundled, declaration_digest, media_type, content,"
            " received_at, source_peer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (attestation.digest, cursor, bundled, declaration_digest, attestation.media_type,
             attestation.content, received_at, source_peer),
        )

    def put_declaration(
        self, declaration: NewDeclaration, attestations: Iterable[NewAttestation] = (), *, actor: str
    ) -> PutResult:
        attestations = list({a.digest: a for a in attestations}.values())
        d = declaration

        def job(tx: WriteTransaction) -> PutResult:
            moment = utc_now()
            now, cursor = format_time(moment), tx.cursor + 1
            # Inserted unless the id and version are held: one statement where a look first took two.
            inserted = self._run(
                tx,
                f"INSERT INTO declarations ({_DECLARATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (declaration_id, version) DO NOTHING RETURNING cursor",
                (cursor, d.declaration_id, d.version, d.digest, d.format_id, d.media_type, d.content,
                 d.region, d.sector, d.product_id, now, d.source_peer),
            ).fetchone()
            if inserted is None:
                row = self._run(
                    tx,
                    "SELECT digest, cursor, received_at FROM declarations WHERE declaration_id = ? AND version = ?",
                    (d.declaration_id, d.version),
                ).fetchone()
                if row[0] != d.digest:
                    raise AlreadyExists(
                        N_("declaration {declaration_id} version {version} is already stored with another digest", declaration_id=d.declaration_id, version=d.version),
                        existing_digest=row[0], declaration_id=d.declaration_id, version=d.version,
                    )
                receipt = Receipt(d.declaration_id, d.version, d.digest, row[1], parse_time(row[2]))
                self._add_missing_attestations(tx, d.digest, attestations, d.source_peer, actor)
                return PutResult(receipt, duplicate=True)
            tx.cursor = cursor
            for attestation in attestations:
                if not self._has_attestation(tx, attestation.digest):
                    self._insert_attestation(tx, cursor, True, d.digest, attestation, now, d.source_peer)
            tx.append_audit(actor, "declaration.stored", f"declaration/{d.declaration_id}/{d.version}@{d.digest}", now)
            return PutResult(Receipt(d.declaration_id, d.version, d.digest, cursor, moment), False)

        # A repetition returns the first receipt, so a lost commit acknowledgement can be retried.
        return self._write(job, idempotent=True)

    def _has_attestation(self, conn: Any, digest: str) -> bool:
        return self._run(conn, "SELECT 1 FROM attestations WHERE digest = ?", (digest,)).fetchone() is not None

    def _add_missing_attestations(
        self, tx: WriteTransaction, declaration_digest: str, attestations: list[NewAttestation],
        source_peer: str, actor: str,
    ) -> None:
        """Attestations new in a repeated submission become records of their own, at the
        next cursors; none new consumes no cursor."""
        fresh = [a for a in attestations if not self._has_attestation(tx, a.digest)]
        if not fresh:
            return
        now = format_time(utc_now())
        for attestation in fresh:
            tx.cursor += 1
            self._insert_attestation(tx, tx.cursor, False, declaration_digest, attestation, now, source_peer)
            tx.append_audit(actor, "attestation.stored", f"attestation/{attestation.digest}", now)

    def put_attestation(
        self, declaration_digest: str, attestation: NewAttestation, *, actor: str, source_peer: str = ""
    ) -> StoredAttestation:
        def job(tx: WriteTransaction) -> StoredAttestation:
            if self._run(tx, "SELECT 1 FROM declarations WHERE digest = ?", (declaration_digest,)).fetchone() is None:
                raise NotFound(N_("no declaration with digest {declaration_digest}", declaration_digest=declaration_digest), digest=declaration_digest)
            self._add_missing_attestations(tx, declaration_digest, [attestation], source_peer, actor)
            return _attestation(self._run(
                tx, f"SELECT {_ATTESTATION_COLUMNS} FROM attestations WHERE digest = ?", (attestation.digest,)
            ).fetchone())

        return self._write(job, idempotent=True)

    def put_decision(self, decision: NewDecision, *, actor: str) -> StoredDecision:
        def job(tx: WriteTransaction) -> StoredDecision:
            row = self._run(tx, f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE digest = ?",
                            (decision.digest,)).fetchone()
            if row is not None:
                return _decision(row)
            tx.cursor += 1
            moment = utc_now()
            now = format_time(moment)
            self._run(
                tx,
                f"INSERT INTO decisions ({_DECISION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (tx.cursor, decision.declaration_digest, decision.digest, decision.policy_id, decision.outcome,
                 decision.content, now, decision.source_peer),
            )
            tx.append_audit(actor, "decision.stored", f"decision/{decision.digest}", now)
            return StoredDecision(tx.cursor, decision.declaration_digest, decision.digest, decision.policy_id,
                                  decision.outcome, decision.content, moment, decision.source_peer)

        return self._write(job, idempotent=True)

    def record_event(self, actor: str, action: str, subject: str) -> None:
        """Append an audit entry for something that changed no record (e.g. a refusal)."""
        def job(tx: WriteTransaction) -> None:
            tx.append_audit(actor, action, subject, format_time(utc_now()))

        # Not repeated: a second entry for one event would misstate the log.
        self._write(job, idempotent=False)

    def sync_cursor(self, peer: str) -> int:
        row = self._read(lambda conn: self._run(conn, "SELECT cursor FROM sync_cursors WHERE peer = ?",
                                                (peer,)).fetchone())
        return int(row[0]) if row else 0

    def set_sync_cursor(self, peer: str, cursor: int) -> None:
        """Remember how far ``peer``'s feed is replicated; never moves backwards."""
        def job(tx: WriteTransaction) -> None:
            row = self._run(tx, "SELECT cursor FROM sync_cursors WHERE peer = ?", (peer,)).fetchone()
            if row is None:
                self._run(tx, "INSERT INTO sync_cursors (peer, cursor) VALUES (?, ?)", (peer, cursor))
            elif cursor > row[0]:
                self._run(tx, "UPDATE sync_cursors SET cursor = ? WHERE peer = ?", (cursor, peer))

        self._write(job, idempotent=True)

    # --- reads -------------------------------------------------------------------------

    def _load_declaration(self, conn: Any, row: tuple, *, bundled_only: bool = False) -> StoredDeclaration:
        """The declaration with every attestation held for it, or in the feed (where later
        attestations are records of their own) only those submitted with it."""
        only = " AND bundled = ?" if bundled_only else ""
        rows = self._run(
            conn,
            f"SELECT {_ATTESTATION_COLUMNS} FROM attestations WHERE declaration_digest = ?{only}"
            " ORDER BY cursor, digest",
            (row[3], True) if bundled_only else (row[3],),
        ).fetchall()
        return _declaration(row, tuple(_attestation(r) for r in rows))

    def get_declaration(self, declaration_id: str, version: int | None = None) -> StoredDeclaration:
        def job(conn: Any) -> StoredDeclaration:
            if version:
                sql, params = "WHERE declaration_id = ? AND version = ?", (declaration_id, version)
            else:
                sql, params = "WHERE declaration_id = ? ORDER BY version DESC LIMIT 1", (declaration_id,)
            row = self._run(conn, f"SELECT {_DECLARATION_COLUMNS} FROM declarations {sql}", params).fetchone()
            if row is None:
                raise NotFound(N_("no declaration {declaration_id} version {value}", declaration_id=declaration_id, value=version or 'any'),
                               declaration_id=declaration_id, version=version or None)
            return self._load_declaration(conn, row)

        return self._read(job)

    def declaration_by_digest(self, digest: str) -> StoredDeclaration | None:
        def job(conn: Any) -> StoredDeclaration | None:
            row = self._run(conn, f"SELECT {_DECLARATION_COLUMNS} FROM declarations WHERE digest = ?"
                            " ORDER BY cursor LIMIT 1", (digest,)).fetchone()
            return self._load_declaration(conn, row) if row is not None else None

        return self._read(job)

    def decisions_for(self, declaration_digest: str) -> tuple[StoredDecision, ...]:
        rows = self._read(lambda conn: self._run(
            conn, f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE declaration_digest = ? ORDER BY cursor",
            (declaration_digest,),
        ).fetchall())
        return tuple(_decision(r) for r in rows)

    @staticmethod
    def _filter_sql(filter: DeclarationFilter) -> tuple[str, tuple]:
        clauses, params = [], []
        for column in ("region", "sector", "product_id"):
            if value := getattr(filter, column):
                clauses.append(f"{column} = ?")
                params.append(value)
        if filter.received_after is not None:
            clauses.append("received_at >= ?")
            params.append(format_time(filter.received_after))
        if filter.received_before is not None:
            clauses.append("received_at < ?")
            params.append(format_time(filter.received_before))
        return "".join(f" AND {c}" for c in clauses), tuple(params)

    def list_declarations(
        self, filter: DeclarationFilter = DeclarationFilter(), *, page_size: int = DEFAULT_PAGE_SIZE,
        page_token: str = "",
    ) -> Page:
        after = decode_token(page_token, filter)
        size = min(page_size if page_size > 0 else DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        where, params = self._filter_sql(filter)

        def job(conn: Any) -> tuple[list, tuple[StoredDeclaration, ...]]:
            rows = self._run(
                conn,
                f"SELECT {_DECLARATION_COLUMNS} FROM declarations WHERE cursor > ?{where} ORDER BY cursor LIMIT ?",
                (after, *params, size + 1),
            ).fetchall()
            return rows, tuple(self._load_declaration(conn, r) for r in rows[:size])

        rows, records = self._read(job)
        token = encode_token(records[-1].cursor, filter) if len(rows) > size else ""
        return Page(records, token)

    def feed(
        self, after_cursor: int = 0, *, limit: int = 100, filter: DeclarationFilter | None = None
    ) -> tuple[FeedRecord, ...]:
        where, params = self._filter_sql(filter or DeclarationFilter())

        def job(conn: Any) -> list[FeedRecord]:
            declarations = [
                self._load_declaration(conn, r, bundled_only=True)
                for r in self._run(
                    conn,
                    f"SELECT {_DECLARATION_COLUMNS} FROM declarations WHERE cursor > ?{where} ORDER BY cursor LIMIT ?",
                    (after_cursor, *params, limit),
                ).fetchall()
            ]
            attestations = [
                _attestation(r)
                for r in self._run(
                    conn,
                    f"SELECT {_ATTESTATION_COLUMNS} FROM attestations WHERE cursor > ? AND bundled = ?"
                    " ORDER BY cursor LIMIT ?",
                    (after_cursor, False, limit),
                ).fetchall()
            ]
            decisions = [
                _decision(r)
                for r in self._run(
                    conn, f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE cursor > ? ORDER BY cursor LIMIT ?",
                    (after_cursor, limit),
                ).fetchall()
            ]
            return sorted([*declarations, *attestations, *decisions], key=lambda r: r.cursor)

        # One snapshot for the three queries: a record committed between two of them could
        # otherwise appear above a lower cursor that is missing, and a follower would skip it.
        return tuple(self._read(job)[:limit])

    def last_cursor(self) -> int:
        return int(self._read(
            lambda conn: self._run(conn, "SELECT value FROM counters WHERE name = 'cursor'").fetchone()[0]))

    def audit_entries(self, after_seq: int = 0, *, limit: int = 1000) -> Iterator[AuditEntry]:
        rows = self._read(lambda conn: self._run(
            conn,
            "SELECT seq, at, actor, action, subject, prev_hash, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
            (after_seq, limit),
        ).fetchall())
        return iter([AuditEntry(seq, parse_time(at), actor, action, subject, prev_hash, digest)
                     for seq, at, actor, action, subject, prev_hash, digest in rows])

    def verify_audit(self) -> int:
        def job(conn: Any) -> int:
            rows = self._run(
                conn, "SELECT seq, at, actor, action, subject, prev_hash, hash FROM audit_log ORDER BY seq"
            ).fetchall()
            appended = int(self._run(conn, "SELECT value FROM counters WHERE name = 'audit'").fetchone()[0])
            count = audit.verify_chain(tuple(r) for r in rows)
            if count != appended:
                raise AuditChainBroken(N_("audit entry {value} is missing", value=count + 1), seq=count + 1)
            # The chain proves the log; the records must agree with it (same transaction, one snapshot).
            audit.cross_check(audit.audited_records((r[3], r[4]) for r in rows), self._stored_records(conn))
            return count

        return self._read(job)

    def _stored_records(self, conn: Any) -> Iterator[tuple[str | None, str, str, bytes]]:
        queries = (
            ("declaration.stored", "SELECT declaration_id, version, digest, content FROM declarations",
             lambda r: f"declaration/{r[0]}/{r[1]}@{r[2]}"),
            # Attestations bundled with their declaration are audited by its entry, the rest on their own.
            ("attestation.stored", "SELECT digest, bundled, digest, content FROM attestations",
             lambda r: f"attestation/{r[0]}"),
            ("decision.stored", "SELECT digest, digest, digest, content FROM decisions", lambda r: f"decision/{r[0]}"),
        )
        for action, sql, subject in queries:
            for row in self._run(conn, sql).fetchall():
                bundled = action == "attestation.stored" and bool(row[1])
                yield None if bundled else action, subject(row), row[2], bytes(row[3])


def _declaration(row: tuple, attestations: tuple[StoredAttestation, ...]) -> StoredDeclaration:
    (cursor, declaration_id, version, digest, format_id, media_type, content, region, sector,
     product_id, received_at, source_peer) = row
    return StoredDeclaration(
        int(cursor), declaration_id, int(version), digest, format_id, media_type, bytes(content), region,
        sector, product_id, parse_time(received_at), source_peer, attestations,
    )


def _attestation(row: tuple) -> StoredAttestation:
    cursor, declaration_digest, digest, media_type, content, received_at, source_peer = row
    return StoredAttestation(int(cursor), declaration_digest, digest, media_type, bytes(content),
                             parse_time(received_at), source_peer)


def _decision(row: tuple) -> StoredDecision:
    cursor, declaration_digest, digest, policy_id, outcome, content, received_at, source_peer = row
    return StoredDecision(int(cursor), declaration_digest, digest, policy_id, outcome, bytes(content),
                          parse_time(received_at), source_peer)
