"""Typed claims an attestation makes about a document.

Each kind is a frozen dataclass; on the wire it is ``credentialSubject.claim`` with a
``kind`` member and camelCase fields. Which VC type each kind is issued as, and which
trust-list roles may issue it, is data (``data/claims.json``).
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Union

from gateway.core.errors import MalformedProof
from gateway.core.i18n import N_

__all__ = [
    "Claim",
    "RegisteredClaim",
    "VerifiedClaim",
    "LossNote",
    "TranslatedClaim",
    "RecognisedClaim",
    "ConformanceClaim",
    "CLAIM_KINDS",
    "claim_from_json",
    "claim_policy",
]

_POLICY = json.loads((Path(__file__).with_name("data") / "claims.json").read_text("utf-8"))
ATTESTATION_CONTEXT: str = _POLICY["context"]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.capitalize() for p in rest)


_CAPITAL = re.compile(r"(?<!^)([A-Z])")


@lru_cache(maxsize=256)
def _snake(name: str) -> str:
    # Cached: every verified attestation spells the same few member names.
    return _CAPITAL.sub(r"_\1", name).lower()


@lru_cache(maxsize=None)
def _members(cls: type) -> tuple[frozenset[str], tuple[str, ...], dict[str, str]]:
    """A claim class's field names, the required ones, and each field by its wire (camelCase)
    name, read once per class."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    required = tuple(f.name for f in fields if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
    return frozenset(f.name for f in fields), required, {_camel(f.name): f.name for f in fields}


class _ClaimBase:
    kind: ClassVar[str]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, tuple):
                value = [v.to_json() if isinstance(v, LossNote) else v for v in value]
            out[_camel(f.name)] = value
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Any:
        known, required, by_wire_name = _members(cls)
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key == "kind":
                continue
            # The wire names directly; any other spelling as before (``_snake`` of it).
            name = by_wire_name.get(key) or _snake(key)
            if name not in known:
                raise MalformedProof(N_("{kind} claim has an unknown member {key!r}", kind=cls.kind, key=key), path=f"/credentialSubject/claim/{key}")
            if isinstance(value, list):
                value = tuple(LossNote.from_json(v) if name == "losses" else v for v in value)
            kwargs[name] = value
        missing = [name for name in required if name not in kwargs]
        if missing:
            raise MalformedProof(N_("{kind} claim lacks {value}", kind=cls.kind, value=_camel(missing[0])), path=f"/credentialSubject/claim/{_camel(missing[0])}")
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise MalformedProof(N_("{kind} claim: {exc}", kind=cls.kind, exc=exc), path="/credentialSubject/claim") from None

    def check_complete(self) -> None:
        """Raise MalformedProof naming a required field that is None: such a claim would be
        signed without it and refused by every verifier (:meth:`from_json`)."""
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required and getattr(self, f.name) is None:
                raise MalformedProof(N_("{kind} claim lacks {value}", kind=self.kind, value=_camel(f.name)),
                                     path=f"/credentialSubject/claim/{_camel(f.name)}")


@dataclass(frozen=True)
class RegisteredClaim(_ClaimBase):
    """A regional platform holds this declaration in its register."""

    kind: ClassVar[str] = "registered"
    format: str
    declaration_id: str
    version: int
    region: str
    sector: str | None = None
    record_id: str | None = None


@dataclass(frozen=True)
class VerifiedClaim(_ClaimBase):
    """An accredited verifier checked this declaration (ISO 14064-3 / ISO 14065)."""

    kind: ClassVar[str] = "verified"
    format: str
    declaration_id: str
    version: int
    sector: str
    accreditation_body: str
    accreditation_number: str
    scope: tuple[str, ...]
    level: str
    verified_on: str
    standard: str = "ISO 14064-3"


@dataclass(frozen=True)
class LossNote:
    """One line of a translation report carried in the claim, so it is signed too."""

    kind: str
    source_path: str
    message: str
    target_path: str | None = None

    def to_json(self) -> dict[str, str]:
        out = {"kind": self.kind, "sourcePath": self.source_path, "message": self.message}
        if self.target_path is not None:
            out["targetPath"] = self.target_path
        return out

    @classmethod
    def from_json(cls, d: Any) -> "LossNote":
        if not isinstance(d, dict):
            raise MalformedProof(N_("loss note must be an object"), path="/credentialSubject/claim/losses")
        try:
            return cls(d["kind"], d["sourcePath"], d["message"], d.get("targetPath"))
        except KeyError as exc:
            raise MalformedProof(N_("loss note lacks {exc}", exc=exc), path="/credentialSubject/claim/losses") from None


@dataclass(frozen=True)
class TranslatedClaim(_ClaimBase):
    """This output document came from that input document under this mapping version."""

    kind: ClassVar[str] = "translated"
    input_digest: str
    input_format: str
    output_format: str
    mapping_version: str
    library_version: str
    report_digest: str
    lossless: bool
    losses: tuple[LossNote, ...] = ()


@dataclass(frozen=True)
class RecognisedClaim(_ClaimBase):
    """A receiving region recognises the declaration under a policy (filled by recognition)."""

    kind: ClassVar[str] = "recognised"
    receiving_region: str
    policy_id: str
    policy_version: str
    decision: str
    declaration_id: str | None = None
    decision_digest: str | None = None


@dataclass(frozen=True)
class ConformanceClaim(_ClaimBase):
    """An implementation passed a conformance suite version at a level (filled by conformance)."""

    kind: ClassVar[str] = "conformance"
    suite_version: str
    level: str
    target: str
    passed: bool
    report_digest: str | None = None
    implementation: str | None = None
    """``NAME@VERSION`` of the implementation tested, as its operator named it."""
    run_at: str | None = None
    """When the suite ran (RFC 3339, UTC)."""


Claim = Union[RegisteredClaim, VerifiedClaim, TranslatedClaim, RecognisedClaim, ConformanceClaim]
CLAIM_KINDS: dict[str, type] = {
    c.kind: c for c in (RegisteredClaim, VerifiedClaim, TranslatedClaim, RecognisedClaim, ConformanceClaim)
}


def claim_from_json(data: Any) -> Claim:
    if not isinstance(data, dict) or data.get("kind") not in CLAIM_KINDS:
        raise MalformedProof(N_("credentialSubject.claim must name a known kind"), path="/credentialSubject/claim/kind")
    return CLAIM_KINDS[data["kind"]].from_json(data)


def claim_policy(kind: str) -> dict[str, Any]:
    """``{"type": VC type, "roles": [...], "scoped": bool}`` for a claim kind."""
    return _POLICY["kinds"][kind]
