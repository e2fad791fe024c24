"""What the store holds and returns: frozen records, filters and pages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime


def content_digest(content: bytes) -> str:
    """``sha256:`` + lowercase hex of ``content``: how stored bytes are named."""
    return "sha256:" + hashlib.sha256(content).hexdigest()


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class NewAttestation:
    """An attestation to store, exactly as received."""

    media_type: str
    content: bytes

    @property
    def digest(self) -> str:
        return content_digest(self.content)


@dataclass(frozen=True, slots=True)
class NewDeclaration:
    """A declaration to store, exactly as received, with what it is indexed by.

    ``digest`` is given by the caller because what it covers (raw bytes or a canonical form)
    is the signing layer's decision, not the store's.
    """

    declaration_id: str
    version: int
    digest: str
    format_id: str
    media_type: str
    content: bytes
    region: str = ""
    sector: str = ""
    product_id: str = ""
    source_peer: str = ""


@dataclass(frozen=True, slots=True)
class StoredAttestation:
    cursor: int
    declaration_digest: str
    digest: str
    media_type: str
    content: bytes
    received_at: datetime
    source_peer: str


@dataclass(frozen=True, slots=True)
class StoredDeclaration:
    cursor: int
    declaration_id: str
    version: int
    digest: str
    format_id: str
    media_type: str
    content: bytes
    region: str
    sector: str
    product_id: str
    received_at: datetime
    source_peer: str
    attestations: tuple[StoredAttestation, ...] = ()


@dataclass(frozen=True, slots=True)
class NewDecision:
    """A recognition decision to store: its canonical JSON bytes and what it is about."""

    declaration_digest: str
    policy_id: str
    outcome: str
    content: bytes
    source_peer: str = ""

    @property
    def digest(self) -> str:
        return content_digest(self.content)


@dataclass(frozen=True, slots=True)
class StoredDecision:
    cursor: int
    declaration_digest: str
    digest: str
    policy_id: str
    outcome: str
    content: bytes
    received_at: datetime
    source_peer: str


FeedRecord = StoredDeclaration | StoredAttestation | StoredDecision


@dataclass(frozen=True, slots=True)
class Receipt:
    """Acknowledges a stored declaration; identical for every repetition of a submission."""

    declaration_id: str
    version: int
    digest: str
    cursor: int
    received_at: datetime


@dataclass(frozen=True, slots=True)
class PutResult:
    receipt: Receipt
    duplicate: bool


@dataclass(frozen=True, slots=True)
class DeclarationFilter:
    """Restricts listings; empty fields match everything. Times are compared as UTC."""

    region: str = ""
    sector: str = ""
    product_id: str = ""
    received_after: datetime | None = None
    received_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class Page:
    records: tuple[StoredDeclaration, ...]
    next_page_token: str = ""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    prev_hash: str
    hash: str = field(default="")
