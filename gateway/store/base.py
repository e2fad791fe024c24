"""The interface every store backend offers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, runtime_checkable

from .records import (
    AuditEntry,
    DeclarationFilter,
    FeedRecord,
    NewAttestation,
    NewDeclaration,
    NewDecision,
    Page,
    PutResult,
    StoredAttestation,
    StoredDeclaration,
    StoredDecision,
)


@runtime_checkable
class Store(Protocol):
    """Durable, append-only storage of declarations, attestations, decisions and audit.

    Every write returns only after its transaction is committed, appends one hash-chained
    audit entry in the same transaction, and takes the next position in the record feed
    (``cursor``) that :meth:`feed` serves to Watch and Sync.
    """

    def put_declaration(
        self, declaration: NewDeclaration, attestations: Iterable[NewAttestation] = (), *, actor: str
    ) -> PutResult:
        """Store a declaration with its attestations, atomically.

        The same id, version and digest again returns the first receipt (``duplicate``) and
        stores only attestations not yet held. The same id and version with another digest
        raises :class:`gateway.core.errors.AlreadyExists` with ``existing_digest`` in its metadata.
        """
        ...

    def get_declaration(self, declaration_id: str, version: int | None = None) -> StoredDeclaration:
        """The stored declaration (highest version when ``version`` is None) with every
        attestation held for it; raises NotFound."""
        ...

    def list_declarations(
        self, filter: DeclarationFilter = DeclarationFilter(), *, page_size: int = 50, page_token: str = ""
    ) -> Page:
        """One page of matching declarations, oldest first."""
        ...

    def put_attestation(
        self, declaration_digest: str, attestation: NewAttestation, *, actor: str, source_peer: str = ""
    ) -> StoredAttestation:
        """Store an attestation about a stored declaration; idempotent on its digest (a
        repetition returns the record stored first, with its original cursor)."""
        ...

    def put_decision(self, decision: NewDecision, *, actor: str) -> StoredDecision:
        """Store a recognition decision; idempotent on its digest (a repetition returns the
        record stored first, with its original cursor)."""
        ...

    def record_event(self, actor: str, action: str, subject: str) -> None:
        """Append an audit entry for something that changed no record (e.g. a refusal)."""
        ...

    def sync_cursor(self, peer: str) -> int:
        """The last cursor of ``peer``'s feed replicated here (0 when never)."""
        ...

    def set_sync_cursor(self, peer: str, cursor: int) -> None:
        """Remember how far ``peer``'s feed is replicated; never moves backwards."""
        ...

    def declaration_by_digest(self, digest: str) -> StoredDeclaration | None:
        """The declaration whose canonical digest is ``digest`` (``sha256:<hex>``), with every
        attestation held for it; None when none is held."""
        ...

    def decisions_for(self, declaration_digest: str) -> tuple[StoredDecision, ...]:
        ...

    def feed(
        self, after_cursor: int = 0, *, limit: int = 100, filter: DeclarationFilter | None = None
    ) -> tuple[FeedRecord, ...]:
        """Records after ``after_cursor`` in cursor order; ``filter`` applies to declarations.
        A declaration here carries only the attestations submitted with it: later ones are
        records of their own."""
        ...

    def last_cursor(self) -> int:
        ...

    def audit_entries(self, after_seq: int = 0, *, limit: int = 1000) -> Iterator[AuditEntry]:
        ...

    def verify_audit(self) -> int:
        """Check the whole audit chain; return the number of entries or raise AuditChainBroken."""
        ...

    def close(self) -> None:
        ...
