"""The trust list: who may sign what, with which keys, and since/until when.

Modelled on the EU trusted lists (ETSI TS 119 612): one issuer (the coordination body,
whose root key every verifier pins in configuration), a sequence number that only grows,
an issue date and a next-update date, and entities — the Beijing, Tianjin and Hebei
platforms, verification bodies, accreditation bodies, gateways — each with its region
(GB/T 2260), role, accreditation scope (sector codes), keys with validity windows and a
status history (active / suspended / revoked, with time and reason), and optionally X.509
CA or pinned certificates for XML signatures and mutual TLS.

This module holds the verified, immutable model and its lookups. Reading a signed list is
:func:`signing.trustsign.load_trust_list`; nothing here trusts unsigned input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm as CryptoUnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import verification as x509v

from gateway.core.errors import (
    KeyNotValid,
    KeyRevoked,
    KeySuspended,
    MalformedProof,
    SchemaViolation,
    UnknownKey,
    UnsupportedAlgorithm,
    UntrustedSigner,
)
from gateway.core.i18n import N_
from gateway.core.model import codelists

from .keys import PublicKey, load_public_key
from .timeutil import format_time, parse_time

__all__ = [
    "Role",
    "KeyStatus",
    "StatusChange",
    "TrustedKey",
    "Accreditation",
    "Entity",
    "TrustList",
    "SECTORS",
]

SECTORS = frozenset(codelists.sectors())
REGIONS = frozenset(codelists.regions())


class Role(str, Enum):
    COORDINATION_BODY = "coordination-body"
    PLATFORM = "platform"
    VERIFIER = "verifier"
    ACCREDITATION_BODY = "accreditation-body"
    GATEWAY = "gateway"


class KeyStatus(str, Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


@dataclass(frozen=True)
class StatusChange:
    status: KeyStatus
    since: datetime
    reason: str | None = None

    def note_after_signature(self, key_id: str) -> str:
        """How a verification result reports this change when it came after the signature."""
        return (
            f"key {key_id} {self.status.value} at {format_time(self.since)} ({self.reason or 'no reason given'}),"
            " after this signature"
        )

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status.value, "since": format_time(self.since)}
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class TrustedKey:
    """A public key the trust list names, with its window and status history."""

    id: str
    entity_id: str
    public_key: PublicKey
    valid_from: datetime
    valid_until: datetime | None
    history: tuple[StatusChange, ...]

    def status_at(self, moment: datetime) -> StatusChange | None:
        """The status change in force at ``moment`` (None before the first entry)."""
        current = None
        for change in self.history:
            if change.since <= moment:
                current = change
        return current

    def later_changes(self, moment: datetime) -> tuple[StatusChange, ...]:
        """Status changes after ``moment`` (e.g. a revocation after the signing time)."""
        return tuple(c for c in self.history if c.since > moment and c.status is not KeyStatus.ACTIVE)

    def check_usable(self, moment: datetime) -> None:
        """Raise the named UntrustedSigner subclass unless the key was usable at ``moment``."""
        if moment < self.valid_from or (self.valid_until is not None and moment >= self.valid_until):
            until = format_time(self.valid_until) if self.valid_until is not None else "open-ended"
            raise KeyNotValid(
                N_("key {id} is valid from {value} until {until};"
                " it was used at {value2}, outside that window", id=self.id, value=format_time(self.valid_from), until=until, value2=format_time(moment)),
                key=self.id, valid_from=format_time(self.valid_from),
                valid_until=format_time(self.valid_until) if self.valid_until is not None else None,
                used_at=format_time(moment),
            )
        change = self.status_at(moment)
        if change is None:
            raise KeyNotValid(N_("key {id} had no status at {value}", id=self.id, value=format_time(moment)), key=self.id)
        if change.status is KeyStatus.REVOKED:
            raise KeyRevoked(
                N_("key {id} was revoked at {value} ({value2})", id=self.id, value=format_time(change.since), value2=change.reason or 'no reason given'),
                key=self.id,
                revoked_at=format_time(change.since),
                revocation_reason=change.reason,
            )
        if change.status is KeyStatus.SUSPENDED:
            raise KeySuspended(
                N_("key {id} was suspended at {value} ({value2})", id=self.id, value=format_time(change.since), value2=change.reason or 'no reason given'),
                key=self.id,
                suspended_at=format_time(change.since),
            )

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "publicKeyMultibase": self.public_key.multikey,
            "validFrom": format_time(self.valid_from),
        }
        if self.valid_until is not None:
            out["validUntil"] = format_time(self.valid_until)
        out["status"] = [c.as_dict() for c in self.history]
        return out


@dataclass(frozen=True)
class Accreditation:
    body: str
    number: str
    valid_until: datetime | None = None


@dataclass(frozen=True)
class Entity:
    id: str
    name_zh: str
    name_en: str
    region: str
    role: Role
    scopes: tuple[str, ...] = ()
    accreditation: Accreditation | None = None
    keys: tuple[TrustedKey, ...] = ()
    x509_ca: tuple[x509.Certificate, ...] = field(default=(), repr=False)
    x509_certificates: tuple[x509.Certificate, ...] = field(default=(), repr=False)

    @property
    def label(self) -> str:
        return f"{self.name_en} ({self.name_zh}, {self.id})"


@dataclass(frozen=True)
class TrustList:
    """A verified trust list. Build it with :func:`signing.load_trust_list`."""

    issuer: str
    sequence: int
    issued: datetime
    next_update: datetime
    entities: tuple[Entity, ...]
    digest: str = ""

    def __post_init__(self) -> None:
        by_id: dict[str, Entity] = {}
        by_key: dict[str, TrustedKey] = {}
        by_multikey: dict[str, TrustedKey] = {}
        by_accreditation: dict[str, Entity] = {}
        for ent in self.entities:
            if ent.id in by_id:
                raise SchemaViolation(N_("entity {id} listed twice", id=ent.id), path="/entities")
            by_id[ent.id] = ent
            if ent.role is Role.VERIFIER and ent.accreditation is not None:
                by_accreditation.setdefault(ent.accreditation.number, ent)
            for key in ent.keys:
                mk = key.public_key.multikey
                if key.id in by_key:
                    raise SchemaViolation(N_("key {id} listed twice", id=key.id), path="/entities")
                if mk in by_multikey:
                    raise SchemaViolation(
                        N_("key {id} is the public key {id2} already lists; each key belongs to one entry", id=key.id, id2=by_multikey[mk].id),
                        path="/entities",
                    )
                by_key[key.id] = key
                by_multikey[mk] = key
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_by_multikey", by_multikey)
        object.__setattr__(self, "_by_accreditation", by_accreditation)

    def lists(self, entity_id: str | None) -> bool:
        """Whether the list names an entity with this id."""
        return entity_id in self._by_id  # type: ignore[attr-defined]

    def verifier_accredited_as(self, number: str) -> Entity | None:
        """The first listed verifier holding accreditation ``number``, if any."""
        return self._by_accreditation.get(number)  # type: ignore[attr-defined]

    def entity(self, entity_id: str) -> Entity:
        """The entity with this id; :class:`UntrustedSigner` when the list does not name it."""
        ent = self._by_id.get(entity_id)  # type: ignore[attr-defined]
        if ent is None:
            raise UntrustedSigner(N_("{entity_id} is not on trust list #{sequence}", entity_id=entity_id, sequence=self.sequence), entity=entity_id)
        return ent

    def key(self, key_id: str) -> TrustedKey:
        """Look a key up by its id or by a ``did:key`` id of the same public key."""
        key = self._by_key.get(key_id)  # type: ignore[attr-defined]
        if key is None and key_id.startswith("did:key:"):
            key = self._by_multikey.get(key_id[len("did:key:"):].split("#", 1)[0])  # type: ignore[attr-defined]
        if key is None:
            raise UnknownKey(N_("key {key_id} is not on trust list #{sequence}", key_id=key_id, sequence=self.sequence), key=key_id)
        return key

    def key_for_public_key(self, public_key: PublicKey) -> TrustedKey | None:
        return self._by_multikey.get(public_key.multikey)  # type: ignore[attr-defined]

    def key_status(self, key_id: str, at: datetime) -> KeyStatus | None:
        """Status of a key at ``at`` (None outside its window or before its first status)."""
        key = self.key(key_id)
        if at < key.valid_from or (key.valid_until is not None and at >= key.valid_until):
            return None
        change = key.status_at(at)
        return change.status if change else None

    def entity_for_certificate(
        self,
        certificate: x509.Certificate | bytes,
        intermediates: list[x509.Certificate] | tuple[x509.Certificate, ...] = (),
        *,
        at: datetime,
    ) -> Entity:
        """The entity a client or signing certificate belongs to.

        The certificate must be pinned for an entity, or chain (at ``at``) to an entity's CA
        and carry that entity's id as a SAN URI — the rule for mutual TLS peers and XML
        signers. A certificate whose public key is also a trust-list key must have that key
        usable at ``at``. Raises an :class:`UntrustedSigner` subclass otherwise.
        """
        cert = certificate if isinstance(certificate, x509.Certificate) else _load_cert(certificate)
        entity = self._entity_by_pinned(cert) or self._entity_by_ca(cert, list(intermediates), at)
        if not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
            raise KeyNotValid(N_("certificate for {id} is not valid at {value}", id=entity.id, value=format_time(at)), entity=entity.id)
        tk = self.key_for_certificate(cert)
        if tk is not None:
            if tk.entity_id != entity.id:
                raise UntrustedSigner(N_("certificate key belongs to {entity_id}, not {id}", entity_id=tk.entity_id, id=entity.id))
            tk.check_usable(at)
        return entity

    def key_for_certificate(self, cert: x509.Certificate) -> TrustedKey | None:
        """The listed key whose public key the certificate carries (with its status history)."""
        try:
            return self.key_for_public_key(load_public_key(cert.public_key().public_bytes(*_SPKI_PEM)))
        # A key type we never list (or one cryptography cannot load) cannot be a listed key.
        except (UnsupportedAlgorithm, MalformedProof, CryptoUnsupportedAlgorithm, ValueError):
            return None

    def _entity_by_pinned(self, cert: x509.Certificate) -> Entity | None:
        for ent in self.entities:
            if any(c == cert for c in ent.x509_certificates):
                return ent
        return None

    def _entity_by_ca(self, cert: x509.Certificate, intermediates: list[x509.Certificate], at: datetime) -> Entity:
        uris = _san_uris(cert)
        for uri in uris:
            ent = self._by_id.get(uri)  # type: ignore[attr-defined]
            if ent is None or not ent.x509_ca:
                continue
            verifier = (
                x509v.PolicyBuilder().store(x509v.Store(list(ent.x509_ca))).time(at).build_client_verifier()
            )
            try:
                verifier.verify(cert, intermediates)
            except x509v.VerificationError as exc:
                raise UntrustedSigner(N_("certificate for {uri} does not chain to its CA: {exc}", uri=uri, exc=exc), entity=uri) from None
            return ent
        raise UntrustedSigner(
            N_("certificate (SAN URIs {value}) names no trust-list entity with a CA", value=sorted(uris) or 'none'),
        )


def _san_uris(cert: x509.Certificate) -> set[str]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set()
    return set(san.get_values_for_type(x509.UniformResourceIdentifier))


def _load_cert(data: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(data) if data.lstrip().startswith(b"-----") else x509.load_der_x509_certificate(data)


_SPKI_PEM = (serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def entity_from_dict(d: dict[str, Any]) -> Entity:
    """Build an Entity from its (schema-valid) trust-list JSON."""
    if d["region"] not in REGIONS:
        raise SchemaViolation(N_("region {region} is not a GB/T 2260 province code", region=d['region']), path=f"/entities/{d['id']}/region")
    unknown = set(d.get("scopes", ())) - SECTORS
    if unknown:
        raise SchemaViolation(N_("unknown sector scopes {value}", value=sorted(unknown)), path=f"/entities/{d['id']}/scopes")
    acc = d.get("accreditation")
    keys = []
    for k in d["keys"]:
        history = tuple(
            sorted(
                (StatusChange(KeyStatus(s["status"]), parse_time(s["since"], field="since"), s.get("reason")) for s in k["status"]),
                key=lambda c: c.since,
            )
        )
        keys.append(
            TrustedKey(
                id=k["id"],
                entity_id=d["id"],
                public_key=load_public_key(k["publicKeyMultibase"]),
                valid_from=parse_time(k["validFrom"], field="validFrom"),
                valid_until=parse_time(k["validUntil"], field="validUntil") if "validUntil" in k else None,
                history=history,
            )
        )
    x = d.get("x509", {})
    return Entity(
        id=d["id"],
        name_zh=d["name"]["zh"],
        name_en=d["name"]["en"],
        region=d["region"],
        role=Role(d["role"]),
        scopes=tuple(d.get("scopes", ())),
        accreditation=Accreditation(
            acc["body"], acc["number"], parse_time(acc["validUntil"]) if "validUntil" in acc else None
        )
        if acc
        else None,
        keys=tuple(keys),
        x509_ca=tuple(x509.load_pem_x509_certificate(p.encode("ascii")) for p in x.get("ca", ())),
        x509_certificates=tuple(x509.load_pem_x509_certificate(p.encode("ascii")) for p in x.get("certificates", ())),
    )
