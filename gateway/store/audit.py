"""The hash chain of the audit log.

Each entry's hash covers its own fields and the previous entry's hash, so changing,
removing or reordering any committed entry breaks every hash after it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import orjson

from ..core.errors import AuditChainBroken
from ..core.i18n import N_

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
            raise AuditChainBroken(N_("audit entry {expected_seq} is missing", expected_seq=expected_seq), seq=expected_seq)
        if prev_hash != prev:
            raise AuditChainBroken(N_("audit entry {seq} does not follow entry {value}", seq=seq, value=seq - 1), seq=seq)
        if entry_hash(seq, at, actor, action, subject, prev_hash) != stored:
            raise AuditChainBroken(N_("audit entry {seq} was altered", seq=seq), seq=seq)
        expected_seq, prev = seq + 1, stored
    return expected_seq - 1


# What each kind of record is audited as when it is stored (see _sql.SqlStore.put_*).
_SUBJECT_PREFIX = {"declaration.stored": "declaration/", "attestation.stored": "attestation/",
                   "decision.stored": "decision/"}


def audited_records(entries: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{subject: action}`` of every record-storing entry, from ``(action, subject)`` pairs."""
    return {subject: action for action, subject in entries if action in _SUBJECT_PREFIX}


def cross_check(audited: dict[str, str], stored: Iterable[tuple[str | None, str, str, bytes]]) -> int:
    """Every stored record ``(action, subject, digest, content)`` must be in the audit log
    under that subject (unless ``action`` is None: audited as part of another record), its
    content must still hash to its digest, and every audited record must still be stored. Returns the number of records; raises AuditChainBroken naming the
    first record that disagrees (changed, added behind the log's back, or deleted)."""
    unseen = dict(audited)
    count = 0
    for action, subject, digest, content in stored:
        count += 1
        if "sha256:" + hashlib.sha256(content).hexdigest() != digest:
            raise AuditChainBroken(N_("stored {subject} was changed: its content no longer has digest {digest}", subject=subject, digest=digest),
                                   record=subject)
        if action is not None and unseen.pop(subject, None) != action:
            raise AuditChainBroken(N_("stored {subject} has no {action} entry in the audit log", subject=subject, action=action), record=subject)
    if unseen:
        subject = sorted(unseen)[0]
        raise AuditChainBroken(N_("audited {subject} is no longer stored (deleted or changed)", subject=subject), record=subject)
    return count


__all__ = ["GENESIS_HASH", "audited_records", "cross_check", "entry_hash", "verify_chain"]
