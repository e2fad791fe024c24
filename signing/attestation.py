"""Attestations: W3C Verifiable Credentials 2.0 secured with a Data Integrity proof.

An attestation says, under a trust-list key, something typed (a :mod:`claim <signing.claims>`)
about one document, identified by the SHA-256 of its canonical form (JCS for JSON,
exclusive C14N for XML); the document may also be embedded. ``verify_attestation`` raises
a specific :class:`~gateway.core.errors.SigningError` subclass or returns a frozen
:class:`VerifiedAttestation` holding only what it verified.

Verification order (each step's failure has its own reason): strict JSON → structure →
key on the trust list (UNKNOWN_KEY) → cryptosuite matches the key (UNSUPPORTED_ALGORITHM)
→ signature (INVALID_SIGNATURE) → key belongs to the issuer (SIGNER_MISMATCH) → key usable
at the signing time (KEY_REVOKED / KEY_SUSPENDED / KEY_OUT_OF_VALIDITY) → issuer's role and
scope (SIGNER_NOT_AUTHORISED) → validity window at ``at`` (ATTESTATION_EXPIRED /
ATTESTATION_NOT_YET_VALID) → challenge/domain and single use (REPLAY_DETECTED) → digests
(DIGEST_MISMATCH).
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from gateway.core.errors import (
    AttestationNotYetValid,
    DigestMismatch,
    ExpiredAttestation,
    MalformedProof,
    ReplayDetected,
    SignerMismatch,
    SignerNotAuthorised,
)
from gateway.core.i18n import N_

from . import jcs
from .claims import ATTESTATION_CONTEXT, CLAIM_KINDS, Claim, claim_from_json, claim_policy
from .dataintegrity import add_proof, split_proof, verify_parts
from .digest import Media, canonical_bytes, digest_multibase, parse_digest
from .keys import PrivateKey
from .replay import ReplayGuard
from .timeutil import format_time, parse_time, utcnow
from .trustlist import Entity, StatusChange, TrustedKey, TrustList

__all__ = ["VC_CONTEXT", "VerifiedAttestation", "issue_attestation", "verify_attestation", "proof_hash"]

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
_MEDIA_TYPES = {"json": "application/json", "xml": "application/xml"}
_CANONICALIZATION = {"json": "https://www.rfc-editor.org/rfc/rfc8785", "xml": "http://www.w3.org/2001/10/xml-exc-c14n#"}
# A signer's clock may run slightly ahead of the verifier's.
CLOCK_SKEW = timedelta(minutes=5)


def issue_attestation(
    claim: Claim,
    subject_digest: str,
    *,
    key: PrivateKey,
    issuer_id: str,
    verification_method: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
    embed: bytes | None = None,
    media: Media = "json",
    challenge: str | None = None,
    domain: str | None = None,
    created: datetime | None = None,
    expires: datetime | None = None,
    credential_id: str | None = None,
) -> dict[str, Any]:
    """Issue a VC 2.0 attestation with an eddsa-jcs-2022 / ecdsa-jcs-2019 proof (per key).

    ``subject_digest`` is ``sha256:<hex>`` of the attested document's canonical form.
    ``embed`` (the document bytes) is checked against it and carried in the credential: JSON
    as its parsed value, XML as its exclusive-C14N text. A claim missing a field the
    verifier requires is refused (``MalformedProof``): signed, it would verify nowhere.
    """
    claim.check_complete()
    hex_digest = parse_digest(subject_digest)
    policy = claim_policy(claim.kind)
    subject: dict[str, Any] = {
        "type": "FootprintDocument",
        "digest": "sha256:" + hex_digest,
        "digestMultibase": digest_multibase("sha256:" + hex_digest),
        "mediaType": _MEDIA_TYPES[media],
        "canonicalization": _CANONICALIZATION[media],
        "claim": claim.to_json(),
    }
    if embed is not None:
        canonical = canonical_bytes(embed, media)
        if hashlib.sha256(canonical).hexdigest() != hex_digest:
            raise DigestMismatch(N_("embedded document does not have the subject digest"))
        subject["document"] = jcs.loads(canonical) if media == "json" else canonical.decode("utf-8")
    vc: dict[str, Any] = {
        "@context": [VC_CONTEXT, ATTESTATION_CONTEXT],
        "id": credential_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", policy["type"]],
        "issuer": issuer_id,
        "validFrom": format_time(valid_from),
    }
    if valid_until is not None:
        vc["validUntil"] = format_time(valid_until)
    vc["credentialSubject"] = subject
    options: dict[str, Any] = {
        "created": format_time(created or utcnow()),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    if expires is not None:
        options["expires"] = format_time(expires)
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    return add_proof(vc, key, options)


@dataclass(frozen=True)
class VerifiedAttestation:
    """What a verified attestation establishes — nothing that was not checked."""

    credential_id: str
    claim: Claim
    subject_digest: str
    media: Media
    issuer: Entity
    key: TrustedKey
    signed_at: datetime
    valid_from: datetime
    valid_until: datetime | None
    cryptosuite: str
    proof_hash: str
    embedded: Any = None
    notes: tuple[str, ...] = ()
    later_status: tuple[StatusChange, ...] = ()


def proof_hash(vc: dict[str, Any]) -> str:
    """``sha256:`` of the JCS form of the proof (with its proofValue): the replay key."""
    return "sha256:" + hashlib.sha256(jcs.canonicalize(vc.get("proof"))).hexdigest()


def verify_attestation(
    vc: dict[str, Any] | bytes,
    trust_list: TrustList,
    *,
    at: datetime | None = None,
    replay_guard: ReplayGuard | None = None,
    expected_digest: str | None = None,
    challenge: str | None = None,
    domain: str | None = None,
) -> VerifiedAttestation:
    """Verify an attestation against ``trust_list`` at time ``at`` (default now).

    Raises the specific :class:`~gateway.core.errors.SigningError` (or InvalidDocument for bad
    JSON) subclass named in the module docstring. With ``replay_guard`` the proof is
    single-use; with ``challenge``/``domain`` the proof must carry exactly those values.
    """
    # A dict is only read, never changed: split_proof builds new objects.
    doc = jcs.loads(vc) if isinstance(vc, (bytes, bytearray, str)) else vc
    now = at or utcnow()
    parts = split_proof(doc)
    proof = parts.proof_config
    _check_structure(doc)
    key = trust_list.key(proof["verificationMethod"])
    verify_parts(parts, key.public_key)

    issuer_id = doc["issuer"] if isinstance(doc["issuer"], str) else doc["issuer"].get("id")
    if key.entity_id != issuer_id:
        raise SignerMismatch(
            N_("key {id} belongs to {entity_id}, but the attestation names {issuer_id} as issuer", id=key.id, entity_id=key.entity_id, issuer_id=issuer_id),
            key=key.id,
            issuer=issuer_id,
        )
    signed_at = parse_time(proof.get("created"), field="/proof/created")
    if signed_at > now + CLOCK_SKEW:
        raise AttestationNotYetValid(N_("proof created in the future ({created})", created=proof['created']), path="/proof/created")
    key.check_usable(signed_at)
    entity = trust_list.entity(issuer_id)

    subject = doc["credentialSubject"]
    claim = claim_from_json(subject.get("claim"))
    _check_authorised(entity, claim, doc)

    valid_from = parse_time(doc["validFrom"], field="/validFrom")
    valid_until = parse_time(doc["validUntil"], field="/validUntil") if "validUntil" in doc else None
    proof_expires = parse_time(proof["expires"], field="/proof/expires") if "expires" in proof else None
    if now < valid_from:
        raise AttestationNotYetValid(N_("attestation is valid from {valid_from}", valid_from=doc['validFrom']), path="/validFrom")
    for limit, path in ((valid_until, "/validUntil"), (proof_expires, "/proof/expires")):
        if limit is not None and now >= limit:
            raise ExpiredAttestation(N_("attestation expired at {value}", value=format_time(limit)), path=path)

    for name, expected in (("challenge", challenge), ("domain", domain)):
        if expected is not None and proof.get(name) != expected:
            raise ReplayDetected(N_("proof {name} {value!r} is not the expected {expected!r}", name=name, value=proof.get(name), expected=expected), path=f"/proof/{name}")

    digest = "sha256:" + parse_digest(subject.get("digest"))
    media = _media_of(subject)
    embedded = subject.get("document")
    if embedded is not None:
        canonical = jcs.canonicalize(embedded) if media == "json" else canonical_bytes(_xml_text(embedded), "xml")
        if "sha256:" + hashlib.sha256(canonical).hexdigest() != digest:
            raise DigestMismatch(N_("embedded document does not match the subject digest"), path="/credentialSubject/document")
    # An expected digest spelled as the subject's (the usual case) is not parsed again.
    if expected_digest is not None and expected_digest != digest and "sha256:" + parse_digest(expected_digest) != digest:
        raise DigestMismatch(
            N_("attestation is about {digest}, not {expected_digest}", digest=digest, expected_digest=expected_digest), path="/credentialSubject/digest", attested=digest
        )

    phash = proof_hash(doc)
    if replay_guard is not None:
        limits = [t for t in (valid_until, proof_expires) if t is not None]
        replay_guard.check_and_record(issuer_id, phash, min(limits) if limits else None)

    later = key.later_changes(signed_at)
    # What the frozen constructor would make, as its fields' dict (it calls object.__setattr__
    # once per field, 14 of them, and an assessment verifies one or two attestations).
    verified = object.__new__(VerifiedAttestation)
    verified.__dict__.update(
        credential_id=doc.get("id", ""),
        claim=claim,
        subject_digest=digest,
        media=media,
        issuer=entity,
        key=key,
        signed_at=signed_at,
        valid_from=valid_from,
        valid_until=valid_until,
        cryptosuite=proof["cryptosuite"],
        proof_hash=phash,
        embedded=copy.deepcopy(embedded) if embedded is not None else None,
        notes=tuple(c.note_after_signature(key.id) for c in later) if later else (),
        later_status=later,
    )
    return verified


_ATTESTATION_TYPES = frozenset(claim_policy(k)["type"] for k in CLAIM_KINDS)


def _check_structure(doc: dict[str, Any]) -> None:
    ctx = doc.get("@context")
    if not isinstance(ctx, list) or not ctx or ctx[0] != VC_CONTEXT:
        raise MalformedProof(N_("@context must start with the VC 2.0 context"), path="/@context")
    types = doc.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types or not _ATTESTATION_TYPES.intersection(types):
        raise MalformedProof(N_("type must name VerifiableCredential and an attestation type"), path="/type")
    issuer = doc.get("issuer")
    if not (isinstance(issuer, str) or (isinstance(issuer, dict) and isinstance(issuer.get("id"), str))):
        raise MalformedProof(N_("issuer must be an id"), path="/issuer")
    if not isinstance(doc.get("credentialSubject"), dict):
        raise MalformedProof(N_("credentialSubject must be an object"), path="/credentialSubject")
    if "validFrom" not in doc:
        raise MalformedProof(N_("validFrom is required"), path="/validFrom")
    if "created" not in doc["proof"]:
        raise MalformedProof(N_("proof.created is required: it is the signing time checked against the trust list"), path="/proof/created")


def _check_authorised(entity: Entity, claim: Claim, doc: dict[str, Any]) -> None:
    policy = claim_policy(claim.kind)
    if policy["type"] not in doc["type"]:
        raise MalformedProof(N_("a {kind} claim must be issued as {type}", kind=claim.kind, type=policy['type']), path="/type")
    if entity.role.value not in policy["roles"]:
        raise SignerNotAuthorised(
            N_("{id} is a {value}; {kind} attestations come from {items}", id=entity.id, value=entity.role.value, kind=claim.kind, items=', '.join(policy['roles'])),
            entity=entity.id,
        )
    number = getattr(claim, "accreditation_number", None)
    if number is not None and (entity.accreditation is None or entity.accreditation.number != number):
        raise SignerNotAuthorised(
            N_("{id} does not hold accreditation {number!r} on the trust list", id=entity.id, number=number), entity=entity.id
        )
    sector = getattr(claim, "sector", None)
    if policy["scoped"] and sector not in entity.scopes:
        raise SignerNotAuthorised(
            N_("{id} is not accredited for sector {sector!r} (scopes: {value})", id=entity.id, sector=sector, value=', '.join(entity.scopes) or 'none'),
            entity=entity.id,
        )


def _media_of(subject: dict[str, Any]) -> Media:
    for media, mt in _MEDIA_TYPES.items():
        if subject.get("mediaType") == mt:
            return media  # type: ignore[return-value]
    raise MalformedProof(N_("credentialSubject.mediaType must be application/json or application/xml"), path="/credentialSubject/mediaType")


def _xml_text(embedded: Any) -> bytes:
    if not isinstance(embedded, str):
        raise MalformedProof(N_("an embedded XML document must be a string"), path="/credentialSubject/document")
    return embedded.encode("utf-8")
