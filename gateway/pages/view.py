"""What the verification page says about one registered digest, verified now.

:func:`verification_view` reads the store and the trust list and returns the page as plain
data (the JSON form; the HTML form is drawn from it): the declaration summary, every
attestation held with its signer as the trust list names it and the result of verifying it
now, the translation chain back to the registered original, the stored recognition
decisions per region (verified when signed), the trust list's sequence and validity, and
whether the declaration was superseded or withdrawn. Fields the platform does not publish
are removed before anything is returned.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from gateway.core.errors import GatewayError, InvalidRequest, NotFound
from gateway.core.i18n import N_
from gateway.core.model import Declaration, Status, codelists
from gateway.recognition.signed import verify_decision
from gateway.store import Store, StoredDeclaration, StoredDecision
from gateway.translate import read
from signing import TrustList, VerifiedAttestation, loads, verify_attestation
from signing.timeutil import format_time, utcnow

DIGEST = re.compile(r"^(sha256:)?([0-9a-f]{64})$")


@cache
def default_withheld() -> frozenset[str]:
    data = tomllib.loads(resources.files(__package__).joinpath("publication.toml").read_text("utf-8"))
    return frozenset(data["withheld"])


@dataclass(frozen=True, slots=True)
class Publication:
    """Which fields the page shows: the defaults, less ``withhold``, plus ``publish``."""

    withhold: frozenset[str] = frozenset()
    publish: frozenset[str] = frozenset()

    def hidden(self) -> frozenset[str]:
        return (default_withheld() | self.withhold) - self.publish

    @classmethod
    def from_text(cls, withhold: str = "", publish: str = "") -> Publication:
        def split(text: str) -> frozenset[str]:
            return frozenset(p.strip() for p in text.split(",") if p.strip())

        return cls(split(withhold), split(publish))


def parse_page_digest(text: str) -> str:
    """``sha256:<hex>`` from the URL's digest (lowercase hex, optionally prefixed)."""
    match = DIGEST.match(text)
    if not match:
        raise InvalidRequest(N_("the digest must be 64 lowercase hex digits (SHA-256)"), path="digest")
    return "sha256:" + match.group(2)


def _time(moment: datetime | None) -> str | None:
    return format_time(moment) if moment else None


def _text(t: Any) -> dict[str, str | None] | None:
    return {"zh": t.zh, "en": t.en} if t is not None else None


def _summary(stored: StoredDeclaration, decl: Declaration) -> dict[str, Any]:
    total = decl.results.total_excluding_biogenic
    du = decl.declared_unit
    unit = codelists.units().get(du.unit)
    boundary = codelists.boundaries().get(decl.method.boundary.value) if decl.method.boundary else None
    region = codelists.regions().get(decl.region or stored.region)
    return {
        "id": stored.declaration_id,
        "version": stored.version,
        "format": stored.format_id,
        "status": decl.status.value,
        "region": {"code": region.gb2260, "zh": region.zh, "en": region.en} if region else None,
        "sector": stored.sector or None,
        "product": _text(decl.product.name),
        "organisation": {"name": _text(decl.organisation.name), "address": decl.organisation.address,
                         "contact": decl.organisation.contact},
        "footprint": {"value": format(total.amount, "f"), "unit": "kg CO2e"} if total else None,
        "declaredUnit": {"amount": format(du.amount, "f"), "unit": du.unit,
                         "zh": unit.zh if unit else du.unit, "en": unit.en if unit else du.unit},
        "boundary": {"code": boundary.code, "zh": boundary.zh, "en": boundary.en} if boundary else None,
        "standards": list(decl.method.standards),
        "productRules": [r.number or r.name for r in decl.method.product_rules],
        "validity": {"from": _time(decl.validity.start), "until": _time(decl.validity.end)} if decl.validity else None,
        "receivedAt": _time(stored.received_at),
        "sourcePeer": stored.source_peer or None,
    }


def _signer(trust_list: TrustList, issuer: str) -> dict[str, Any]:
    try:
        entity = trust_list.entity(issuer)
    except GatewayError:
        return {"id": issuer, "onTrustList": False}
    return {"id": entity.id, "onTrustList": True, "name": {"zh": entity.name_zh, "en": entity.name_en},
            "role": entity.role.value, "region": entity.region}


def _issuer_of(raw: bytes) -> str:
    try:
        vc = loads(raw)
    except GatewayError:
        return ""
    issuer = vc.get("issuer") if isinstance(vc, dict) else None
    return str(issuer.get("id") if isinstance(issuer, dict) else issuer or "")


def _checked(raw: bytes, trust_list: TrustList, now: datetime, expected: str | None) -> dict[str, Any]:
    """One attestation as verified now: its claim and signer, or the reason it fails."""
    try:
        v: VerifiedAttestation = verify_attestation(raw, trust_list, at=now, expected_digest=expected)
    except GatewayError as error:
        issuer = _issuer_of(raw)
        return {"result": "invalid", "reason": error.reason, "message": str(error),
                "signer": _signer(trust_list, issuer) if issuer else None}
    return {
        "result": "valid", "kind": v.claim.kind, "claim": v.claim.to_json(), "signer": _signer(trust_list, v.issuer.id),
        "key": v.key.id, "signedAt": _time(v.signed_at), "validUntil": _time(v.valid_until),
        "subjectDigest": v.subject_digest, "notes": list(v.notes),
    }


def _translation_chain(digest: str, attestations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Verified ``translated`` links held for this declaration, each followed back (by its
    input digest) to the registered original: the page's digest."""
    translated = [a for a in attestations if a.get("kind") == "translated"]
    by_output = {a["subjectDigest"]: a for a in translated}
    chains = []
    for start in [a for a in translated if not any(b["claim"]["inputDigest"] == a["subjectDigest"] for b in translated)]:
        links, current, seen = [], start, set()
        while current is not None and current["subjectDigest"] not in seen:
            seen.add(current["subjectDigest"])
            c = current["claim"]
            links.append({"from": c["inputFormat"], "to": c["outputFormat"], "outputDigest": current["subjectDigest"],
                          "inputDigest": c["inputDigest"], "mappingVersion": c["mappingVersion"],
                          "lossless": c["lossless"], "losses": c.get("losses", []), "signer": current["signer"]})
            current = by_output.get(c["inputDigest"])
        chains.append({"links": links, "reachesOriginal": links[-1]["inputDigest"] == digest})
    return chains


def _decision(stored: StoredDecision, trust_list: TrustList, now: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {"policyId": stored.policy_id, "outcome": stored.outcome, "storedAt": _time(stored.received_at)}
    try:
        document = loads(stored.content)
    except GatewayError as error:
        return {**out, "signed": False, "result": "invalid", "reason": error.reason, "message": str(error)}
    if not isinstance(document, dict) or "proof" not in document:
        policy = document.get("policy", {}) if isinstance(document, dict) else {}
        return {**out, "signed": False, "result": "unsigned", "region": policy.get("region"),
                "policyVersion": policy.get("version"),
                "criteria": document.get("criteria") if isinstance(document, dict) else None}
    try:
        verified = verify_decision(document, trust_list, at=now)
    except GatewayError as error:
        return {**out, "signed": True, "result": "invalid", "reason": error.reason, "message": str(error),
                "signer": _signer(trust_list, _issuer_of(stored.content))}
    claim = verified.attestation.claim
    return {**out, "signed": True, "result": "valid", "region": claim.receiving_region,  # type: ignore[union-attr]
            "policyVersion": claim.policy_version, "decision": claim.decision,  # type: ignore[union-attr]
            "signer": _signer(trust_list, verified.attestation.issuer.id),
            "signedAt": _time(verified.attestation.signed_at), "criteria": verified.decision.get("criteria")}


def _standing(store: Store, stored: StoredDeclaration, decl: Declaration) -> dict[str, Any]:
    """active, superseded (a later version is held) or withdrawn (deprecated)."""
    latest = store.get_declaration(stored.declaration_id)
    newest = decl if latest.version == stored.version else read(latest.content, latest.format_id).declaration
    if Status.DEPRECATED in (decl.status, newest.status):
        return {"state": "withdrawn", "comment": newest.status_comment or decl.status_comment,
                "byVersion": latest.version}
    if latest.version > stored.version:
        return {"state": "superseded", "byVersion": latest.version, "byDigest": latest.digest.removeprefix("sha256:")}
    return {"state": "active"}


def _withhold(view: dict[str, Any], hidden: Iterable[str]) -> dict[str, Any]:
    for path in hidden:
        *parents, leaf = path.split(".")
        nodes: list[Any] = [view]
        for part in parents:
            nodes = [n.get(part) if isinstance(n, dict) else None for n in _flatten(nodes)]
        for node in _flatten(nodes):
            if isinstance(node, dict):
                node.pop(leaf, None)
    return view


def _flatten(nodes: list[Any]) -> list[Any]:
    out = []
    for n in nodes:
        out.extend(n if isinstance(n, list) else [n])
    return out


def verification_view(store: Store, trust_list: Callable[[], TrustList], digest_text: str,
                      publication: Publication = Publication()) -> dict[str, Any]:
    """The page for ``digest_text`` as data; NotFound when no declaration has that digest."""
    digest = parse_page_digest(digest_text)
    stored = store.declaration_by_digest(digest)
    if stored is None:
        raise NotFound(N_("this platform holds no declaration with digest {digest}", digest=digest), digest=digest)
    decl = read(stored.content, stored.format_id).declaration
    now = utcnow()
    trusted = trust_list()
    attestations = [_checked(a.content, trusted, now, None) for a in stored.attestations]
    for a in attestations:
        if a["result"] == "valid" and a["kind"] != "translated" and a["subjectDigest"] != digest:
            a.update(result="invalid", reason="DIGEST_MISMATCH", message=f"about {a['subjectDigest']}, not this declaration")
    view = {
        "digest": digest.removeprefix("sha256:"),
        "checkedAt": format_time(now),
        "standing": _standing(store, stored, decl),
        "declaration": _summary(stored, decl),
        "attestations": attestations,
        "translations": _translation_chain(digest, attestations),
        "recognition": [_decision(d, trusted, now) for d in store.decisions_for(digest)],
        "trustList": {"sequence": trusted.sequence, "issuer": trusted.issuer, "issued": _time(trusted.issued),
                      "nextUpdate": _time(trusted.next_update), "valid": now <= trusted.next_update},
    }
    return _withhold(view, publication.hidden())
