"""Signing, loading and editing trust lists.

A trust list is only ever read through :func:`load_trust_list`, which checks, in order: strict
JSON, a Data Integrity proof by the pinned root key (and no other), the schema, the sequence
number against the highest one already accepted (no rollback), and the issue/next-update
window (an expired list is refused unless the caller accepts it explicitly).

The editing helpers work on the unsigned JSON draft that ``fpgw trust`` keeps on disk.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from gateway.core.errors import (
    GatewayError,
    SchemaViolation,
    TrustListError,
    TrustListExpired,
    TrustListRollback,
    UnknownKey,
)
from gateway.core import schema_text
from gateway.core.i18n import N_

from . import jcs
from .dataintegrity import add_proof, verify_proof
from .keys import PrivateKey, PublicKey, load_public_key
from .timeutil import format_time, parse_time, utcnow
from .trustlist import KeyStatus, TrustList, entity_from_dict

__all__ = [
    "new_trust_list",
    "add_entity",
    "add_key",
    "set_key_status",
    "sign_trust_list",
    "load_trust_list",
]

_SCHEMA_PATH = Path(__file__).with_name("data") / "trust-list.schema.json"


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(_SCHEMA_PATH.read_text("utf-8")))


def new_trust_list(issuer: str) -> dict[str, Any]:
    """An empty draft; ``sign_trust_list`` sets the sequence, issue and next-update dates."""
    now = format_time(utcnow())
    return {
        "type": "JJJTrustList",
        "schemaVersion": 1,
        "issuer": issuer,
        "sequence": 1,
        "issued": now,
        "nextUpdate": now,
        "entities": [],
    }


def add_entity(draft: dict[str, Any], entity: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``draft`` with ``entity`` added (or replacing one with the same id)."""
    out = copy.deepcopy(draft)
    out["entities"] = [e for e in out["entities"] if e["id"] != entity["id"]] + [copy.deepcopy(entity)]
    return out


def add_key(
    draft: dict[str, Any],
    entity_id: str,
    key_id: str,
    public_key: PublicKey,
    *,
    valid_from: datetime,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    out = copy.deepcopy(draft)
    ent = _find_entity(out, entity_id)
    entry: dict[str, Any] = {
        "id": key_id,
        "publicKeyMultibase": public_key.multikey,
        "validFrom": format_time(valid_from),
        "status": [{"status": "active", "since": format_time(valid_from)}],
    }
    if valid_until is not None:
        entry["validUntil"] = format_time(valid_until)
    ent["keys"] = [k for k in ent["keys"] if k["id"] != key_id] + [entry]
    _check_keys_unique(out)
    return out


def _check_keys_unique(body: dict[str, Any]) -> None:
    """One public key, one entry: a key listed under two ids (or two entities) would make the
    signer of an attestation ambiguous, so the list that carries it is refused when edited and
    when signed, not only when a verifier loads it."""
    holders: dict[str, str] = {}
    for i, ent in enumerate(body.get("entities", [])):
        for j, key in enumerate(ent.get("keys", [])):
            multikey, key_id = key.get("publicKeyMultibase"), key.get("id")
            if multikey in holders:
                raise SchemaViolation(
                    N_("key {key_id} is the public key {value} already lists; each key belongs to one entry", key_id=key_id, value=holders[multikey]),
                    path=f"/entities/{i}/keys/{j}/publicKeyMultibase", key=key_id, listed_as=holders[multikey],
                )
            holders[multikey] = key_id


def set_key_status(
    draft: dict[str, Any], key_id: str, status: KeyStatus | str, *, since: datetime, reason: str | None = None
) -> dict[str, Any]:
    """Append a status change (revoke, suspend, re-activate) to a key's history."""
    out = copy.deepcopy(draft)
    for ent in out["entities"]:
        for key in ent["keys"]:
            if key["id"] == key_id:
                change: dict[str, Any] = {"status": KeyStatus(status).value, "since": format_time(since)}
                if reason:
                    change["reason"] = reason
                key["status"].append(change)
                return out
    raise UnknownKey(N_("key {key_id} is not in the draft", key_id=key_id), key=key_id)


def _find_entity(draft: dict[str, Any], entity_id: str) -> dict[str, Any]:
    for ent in draft["entities"]:
        if ent["id"] == entity_id:
            return ent
    raise UnknownKey(N_("entity {entity_id} is not in the draft", entity_id=entity_id), entity=entity_id)


def sign_trust_list(
    draft: dict[str, Any],
    root_key: PrivateKey,
    *,
    sequence: int | None = None,
    issued: datetime | None = None,
    next_update: datetime | None = None,
    validity: timedelta = timedelta(days=30),
) -> dict[str, Any]:
    """Sign a draft with the coordination body's root key (Data Integrity, JCS suite)."""
    body = {k: v for k, v in copy.deepcopy(draft).items() if k != "proof"}
    issued = issued or utcnow()
    body["issued"] = format_time(issued)
    body["nextUpdate"] = format_time(next_update or issued + validity)
    if sequence is not None:
        body["sequence"] = sequence
    _validate(body)
    _check_keys_unique(body)
    options = {
        "created": body["issued"],
        "verificationMethod": root_key.public_key.did_key,
        "proofPurpose": "assertionMethod",
    }
    return add_proof(body, root_key, options)


def _validate(body: dict[str, Any]) -> None:
    errors = sorted(_validator().iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        path = "/" + "/".join(str(p) for p in first.absolute_path)
        raise SchemaViolation(N_("trust list: {message}", message=schema_text.marked(first.message)), path=path)


def load_trust_list(
    data: bytes | str | dict[str, Any],
    root_public_key: PublicKey | str,
    *,
    min_sequence: int | None = None,
    at: datetime | None = None,
    accept_expired: bool = False,
) -> TrustList:
    """Verify and read a signed trust list.

    ``root_public_key`` is the pinned coordination-body key (a PublicKey, Multikey text or
    PEM). ``min_sequence`` is the highest sequence number already accepted: a lower one is
    refused with :class:`TrustListRollback`. A list past its ``nextUpdate`` at ``at``
    (default now) is refused with :class:`TrustListExpired` unless ``accept_expired``.
    """
    root = root_public_key if isinstance(root_public_key, PublicKey) else load_public_key(root_public_key)
    try:
        doc = data if isinstance(data, dict) else jcs.loads(data.encode("utf-8") if isinstance(data, str) else data)
    except GatewayError as exc:
        raise TrustListError(N_("trust list is not strict JSON: {reason}: {exc}", reason=exc.reason, exc=exc)) from None
    proof = doc.get("proof") if isinstance(doc, dict) else None
    if not isinstance(proof, dict):
        raise TrustListError(N_("trust list is unsigned"))
    method = proof.get("verificationMethod")
    try:
        signer = load_public_key(method) if isinstance(method, str) and method.startswith("did:key:") else None
    except GatewayError:
        signer = None
    if signer != root:
        raise TrustListError(N_("trust list is signed by {method!r}, not by the pinned root key", method=method), signer=method)
    try:
        verify_proof(doc, root)
    except GatewayError as exc:
        raise TrustListError(N_("trust list signature: {reason}: {exc}", reason=exc.reason, exc=exc)) from None
    body = {k: v for k, v in doc.items() if k != "proof"}
    _validate(body)
    sequence = body["sequence"]
    if min_sequence is not None and sequence < min_sequence:
        raise TrustListRollback(
            N_("trust list sequence {sequence} is lower than {min_sequence} already accepted", sequence=sequence, min_sequence=min_sequence),
            sequence=sequence,
            min_sequence=min_sequence,
        )
    issued = parse_time(body["issued"], field="issued")
    next_update = parse_time(body["nextUpdate"], field="nextUpdate")
    now = at or utcnow()
    if now < issued:
        raise TrustListError(N_("trust list #{sequence} is issued in the future ({issued})", sequence=sequence, issued=body['issued']))
    if now > next_update and not accept_expired:
        raise TrustListExpired(
            N_("trust list #{sequence} expired at {next_update}; fetch a newer one or accept it explicitly", sequence=sequence, next_update=body['nextUpdate']),
            next_update=body["nextUpdate"],
        )
    return TrustList(
        issuer=body["issuer"],
        sequence=sequence,
        issued=issued,
        next_update=next_update,
        entities=tuple(entity_from_dict(e) for e in body["entities"]),
        digest="sha256:" + hashlib.sha256(jcs.canonicalize(doc)).hexdigest(),
    )
