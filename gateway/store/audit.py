"""The hash chain of the audit log.

Each entry's hash covers its own fields and the previous entry's hash, so changing,
removing or reordering any committed entry breaks every hash after it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import orjson

from ..core.errors import AuditChainBroken

GENESIS_HASH = "0" * 64


def entry_hash(seq: int, at: str, actor: str, action: str, subject: str, prev_hash: str) -> str:
    """SHA-256 hex over the sorted-key JSON of the entry's fields."""
    body = {"seq": seq, "at": at, "actor": actor, "action": action, "subject": subject, "prev": prev_hash}
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def verify_chain(entries: Iterable[tuple[int, str, str, str, str, str, str]]) -> int:
    """Check rows ``(seq, at, actor, action, subject, prev_hash, hash)`` in seq order.

    Returns the number of entries; raises AuditChainBroken naming the first bad seq.
    """
    expected_seq, prev = 1, GENESIS_HASH
    for seq, at, actor, action, subject, prev_hash, stored in entries:
        if seq != expected_seq:
            raise AuditChainBroken(f"audit entry {expected_seq} is missing", seq=expected_seq)
        if prev_hash != prev:
            raise AuditChainBroken(f"audit entry {seq} does not follow entry {seq - 1}", seq=seq)
        if entry_hash(seq, at, actor, action, subject, prev_hash) != stored:
            raise AuditChainBroken(f"audit entry {seq} was altered", seq=seq)
        expected_seq, prev = seq + 1, stored
    return expected_seq - 1


__all__ = ["GENESIS_HASH", "entry_hash", "verify_chain"]
