"""Chains of attestations: from a translated document back to its signed original.

Given a document and attestations, :func:`verify_chain` verifies every attestation against
the trust list, then walks from the document's digest: each ``translated`` attestation
whose subject is the current digest names its input digest, which becomes the current
digest, until a digest is reached that a ``registered`` or ``verified`` attestation covers (or, for a
document that was not translated, such as a conformance report, a ``conformance`` attestation).
Every attestation given must sit on that walk; a missing, ambiguous or looping link is
``CHAIN_BROKEN``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.core.errors import ChainBroken
from gateway.core.i18n import N_

from .attestation import VerifiedAttestation, verify_attestation
from .claims import LossNote, TranslatedClaim
from .digest import Media, document_digest, parse_digest
from .trustlist import TrustList

__all__ = ["VerifiedChain", "verify_chain"]

# Claims that end a chain: the original is registered by a platform or checked by a verifier.
ORIGINAL_KINDS = ("registered", "verified")


@dataclass(frozen=True)
class VerifiedChain:
    """A verified chain: translation steps (newest first) and the original's attestations."""

    document_digest: str
    translations: tuple[VerifiedAttestation, ...]
    original_digest: str
    original: tuple[VerifiedAttestation, ...]

    @property
    def lossless(self) -> bool:
        return all(t.claim.lossless for t in self.translations)  # type: ignore[union-attr]

    @property
    def losses(self) -> tuple[LossNote, ...]:
        return tuple(n for t in self.translations for n in t.claim.losses)  # type: ignore[union-attr]

    def describe(self) -> list[str]:
        """The chain in words, newest link first (marked text: ``localize`` shows it in the
        operator's language)."""
        lines = [N_("document {digest}", digest=self.document_digest)]
        for t in self.translations:
            c: TranslatedClaim = t.claim  # type: ignore[assignment]
            facts = {"source": c.input_format, "target": c.output_format, "issuer": t.issuer.label,
                     "mapping": c.mapping_version, "at": t.signed_at}
            lines.append(N_("  ← translated from {source} to {target} by {issuer} with mapping {mapping} on "
                            "{at:%Y-%m-%d %H:%M}Z (lossless)", **facts) if c.lossless else
                         N_("  ← translated from {source} to {target} by {issuer} with mapping {mapping} on "
                            "{at:%Y-%m-%d %H:%M}Z ({count} loss(es))", **facts, count=len(c.losses)))
            lines.extend(f"      {n.kind}: {n.source_path} → {n.target_path or '—'}: {n.message}" for n in c.losses)
            lines.append(N_("  input {digest}", digest=c.input_digest))
        for o in self.original:
            lines.append(N_("  ✓ {kind} by {issuer} on {at:%Y-%m-%d %H:%M}Z", kind=o.claim.kind, issuer=o.issuer.label,
                            at=o.signed_at))
            lines.extend(N_("      note: {note}", note=n) for n in o.notes)
        return lines

    def as_dict(self) -> dict[str, Any]:
        def link(a: VerifiedAttestation) -> dict[str, Any]:
            return {
                "credentialId": a.credential_id,
                "claim": a.claim.to_json(),
                "subjectDigest": a.subject_digest,
                "issuer": a.issuer.id,
                "key": a.key.id,
                "signedAt": a.signed_at.isoformat().replace("+00:00", "Z"),
                "cryptosuite": a.cryptosuite,
                "notes": list(a.notes),
            }

        return {
            "documentDigest": self.document_digest,
            "translations": [link(t) for t in self.translations],
            "originalDigest": self.original_digest,
            "original": [link(o) for o in self.original],
            "lossless": self.lossless,
            "losses": [n.to_json() for n in self.losses],
        }


def verify_chain(
    document: bytes,
    media: Media,
    attestations: list[dict[str, Any] | bytes],
    trust_list: TrustList,
    at: datetime | None = None,
    *,
    document_format: str | None = None,
) -> VerifiedChain:
    """Verify ``document`` back to a registered or verified original through ``attestations``."""
    verified = [verify_attestation(a, trust_list, at=at) for a in attestations]
    start = document_digest(document, media)
    current = start
    translations: list[VerifiedAttestation] = []
    seen = {current}
    used: set[int] = set()
    expected_format = document_format
    while True:
        steps = [
            i for i, v in enumerate(verified) if v.claim.kind == "translated" and v.subject_digest == current
        ]
        if len(steps) > 1:
            raise ChainBroken(N_("{count} translated attestations claim to have produced {current}", count=len(steps), current=current))
        if not steps:
            break
        step = verified[steps[0]]
        claim: TranslatedClaim = step.claim  # type: ignore[assignment]
        if expected_format is not None and claim.output_format != expected_format:
            raise ChainBroken(
                N_("translated attestation says it produced {output_format}, the document is {expected_format}", output_format=claim.output_format, expected_format=expected_format)
            )
        used.add(steps[0])
        translations.append(step)
        current = "sha256:" + parse_digest(claim.input_digest)
        if current in seen:
            raise ChainBroken(N_("translation chain loops back to {current}", current=current))
        seen.add(current)
        expected_format = claim.input_format
    # A conformance report is its own original: its attestation covers the report itself.
    kinds = ORIGINAL_KINDS + (("conformance",) if current == start else ())
    originals = [i for i, v in enumerate(verified) if v.claim.kind in kinds and v.subject_digest == current]
    if not originals and current == start:
        raise ChainBroken(
            N_("no attestation covers this document's digest: changed after signing?"), digest=start
        )
    if not originals:
        raise ChainBroken(N_("no registered or verified attestation covers the original {current}", current=current), digest=current)
    for i in originals:
        fmt = getattr(verified[i].claim, "format", None)
        if expected_format is not None and fmt != expected_format:
            raise ChainBroken(N_("original is attested as {fmt}, the translation read {expected_format}", fmt=fmt, expected_format=expected_format))
    used.update(originals)
    unused = [verified[i].credential_id for i in range(len(verified)) if i not in used]
    if unused:
        raise ChainBroken(N_("attestations {items} are not part of this chain", items=', '.join(unused)))
    return VerifiedChain(start, tuple(translations), current, tuple(verified[i] for i in originals))
