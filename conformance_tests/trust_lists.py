"""TEST-ONLY: the signed trust lists of the suite, made from the suite's own list (or, in
process, from a test PKI's: see keyring.py).

* The list servers under test are configured with (``keys/TEST-ONLY-trust-list.json``) is
  re-signed at :data:`SUITE_SEQUENCE`, so that a client can supply an older one (rollback).
* Cases that need another list name one in ``input.trust_list``; the generator makes it from
  the suite's list with the edits the case lists — ``status`` (every key of an entity gets a
  status change), ``accreditation_until``, ``scopes``, ``remove`` — and signs it as ``made``
  says: ``sequence`` (default :data:`EDITED_SEQUENCE`, above the server's), ``key`` (a TEST-ONLY
  key file stem; default the root key), ``issued`` and ``next_update``.

Ed25519 signatures are deterministic, so running the generator again rewrites the same bytes.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from gateway.core.model.serde import parse_datetime
from gateway.core.parsing import dump_json
from signing import KeyStatus, load_trust_list, set_key_status, sign_trust_list

from .keyring import Keyring, SuiteKeys

SUITE_SEQUENCE = 2
EDITED_SEQUENCE = 3
ISSUED = "2024-01-01T00:00:00Z"
NEXT_UPDATE = "2045-01-01T00:00:00Z"


class TrustLists:
    """Signs trust lists with the keys of ``keys`` (the suite's TEST-ONLY files, or a test PKI's)."""

    def __init__(self, keys: Keyring) -> None:
        self.keys = keys

    def sign(self, draft: dict[str, Any], *, sequence: int, key: str = "root-key", issued: str = ISSUED,
             next_update: str = NEXT_UPDATE) -> dict[str, Any]:
        return sign_trust_list(draft, self.keys.private_key(key), sequence=sequence, issued=_time(issued),
                               next_update=_time(next_update))

    def supplied(self, spec: dict[str, Any]) -> bytes:
        """A list a case supplies with its request: the suite list with the spec's edits."""
        made = spec.get("made", {})
        draft = edited(self.keys.draft(), spec)
        return dump_json(self.sign(draft, sequence=made.get("sequence", EDITED_SEQUENCE), key=made.get("key", "root-key"),
                                   issued=made.get("issued", ISSUED), next_update=made.get("next_update", NEXT_UPDATE)))


def resign_suite_list(keys: SuiteKeys) -> bytes:
    """The server's list at SUITE_SEQUENCE, checked to load with the pinned root key."""
    document = TrustLists(keys).sign(keys.draft(), sequence=SUITE_SEQUENCE)
    load_trust_list(document, keys.root_public, at=_time(ISSUED))
    data = dump_json(document)
    keys.list_path.write_bytes(data)
    return data


def edited(draft: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """Apply a case's trust-list edits."""
    out = copy.deepcopy(draft)
    for change in spec.get("status", ()):
        ent = next(e for e in out["entities"] if e["id"] == change["entity"])
        for key in ent["keys"]:
            out = set_key_status(out, key["id"], KeyStatus(change["status"]), since=_time(change["since"]),
                                 reason=change.get("reason"))
    for ent in out["entities"]:
        if ent["id"] in spec.get("accreditation_until", {}):
            ent["accreditation"]["validUntil"] = spec["accreditation_until"][ent["id"]]
        if ent["id"] in spec.get("scopes", {}):
            ent["scopes"] = spec["scopes"][ent["id"]]
    out["entities"] = [e for e in out["entities"] if e["id"] not in spec.get("remove", ())]
    return out


def _time(text: str) -> datetime:
    return parse_datetime(text)
