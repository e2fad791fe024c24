"""Durable storage of declarations, attestations, recognition decisions and the audit log.

``open_store(url)`` picks the backend: a file path or ``sqlite:///path`` for the embedded
SQLite default, ``postgresql://...`` for PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from .base import Store
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
    content_digest,
)
from .sqlite import SqliteStore


def open_store(url: str | Path, *, schema: str = "fpgw", pool_size: int = 8) -> Store:
    """The store named by ``url``; PostgreSQL stores live in ``schema``."""
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore

        return PostgresStore(text, schema=schema, pool_size=pool_size)
    return SqliteStore(text.removeprefix("sqlite://"))


__all__ = [
    "AuditEntry",
    "DeclarationFilter",
    "FeedRecord",
    "NewAttestation",
    "NewDeclaration",
    "NewDecision",
    "Page",
    "PutResult",
    "Receipt",
    "SqliteStore",
    "Store",
    "StoredAttestation",
    "StoredDeclaration",
    "StoredDecision",
    "content_digest",
    "open_store",
]
