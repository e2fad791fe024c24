"""Make a carbon label from a declaration and its attestations.

The QR code's digest is the one the ``registered`` attestation signs: the document's own
canonical digest, or, for a translated document, the digest its ``translated``
attestations lead back to. With a trust list the attestations are verified first (and the
label names signers as the list does); without one they are only read, because the label
proves nothing by itself: the verification page it links to verifies everything, now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.core.errors import ChainBroken, InvalidRequest
from gateway.core.i18n import N_
from gateway.core.model import codelists
from gateway.translate import read
from mappings.grading import GradingScheme, grade, shipped_schemes
from signing import RegisteredClaim, TrustList, VerifiedClaim, claim_from_json, document_digest, loads, verify_chain
from signing.digest import parse_digest
from signing.translation import media_of_format

from .content import LabelFacts, Registration, label_facts, verify_url
from gateway.fonts import missing_glyphs
from .layout import Layout, Size, lay_out
from .render import Output, render


@dataclass(frozen=True, slots=True)
class _Signed:
    issuer: str
    issuer_label: str
    digest: str
    claim: Any


def _read_unverified(attestations: list[bytes]) -> list[_Signed]:
    out = []
    for i, raw in enumerate(attestations):
        vc = loads(raw)
        subject = vc.get("credentialSubject") if isinstance(vc, dict) else None
        if not isinstance(subject, dict):
            raise InvalidRequest(N_("an attestation must be a credential with a credentialSubject"), path=f"attestations[{i}]")
        issuer = vc.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        out.append(_Signed(str(issuer), str(issuer), "sha256:" + parse_digest(subject.get("digest")),
                           claim_from_json(subject.get("claim"))))
    return out


def _original(document_digest_: str, signed: list[_Signed]) -> str:
    """Follow ``translated`` links from the document back to the digest they start from."""
    current, seen = document_digest_, {document_digest_}
    while True:
        step = next((s for s in signed if s.claim.kind == "translated" and s.digest == current), None)
        if step is None:
            return current
        current = "sha256:" + parse_digest(step.claim.input_digest)
        if current in seen:
            raise ChainBroken(N_("translation chain loops back to {current}", current=current))
        seen.add(current)


def _verified(data: bytes, media: str, fmt: str, attestations: list[bytes], trust_list: TrustList) -> list[_Signed]:
    chain = verify_chain(data, media, list(attestations), trust_list, document_format=fmt)  # type: ignore[arg-type]
    return [_Signed(a.issuer.id, f"{a.issuer.name_zh} {a.issuer.name_en}", a.subject_digest, a.claim)
            for a in (*chain.translations, *chain.original)]


def label_for(data: bytes, *, verify_base: str, attestations: list[bytes] = (), format_id: str | None = None,
              trust_list: TrustList | None = None, schemes: tuple[GradingScheme, ...] | None = None) -> LabelFacts:
    """The facts of the label for one document (any readable format)."""
    reading = read(data, format_id)
    decl = reading.declaration
    media = media_of_format(reading.format.id)
    own = document_digest(data, media)
    signed = (_verified(data, media, reading.format.id, list(attestations), trust_list) if trust_list and attestations
              else _read_unverified(list(attestations)))
    original = _original(own, signed)
    registration = next((s for s in signed if isinstance(s.claim, RegisteredClaim) and s.digest == original), None)
    verifier = next((s for s in signed if isinstance(s.claim, VerifiedClaim) and s.digest == original), None)
    digest = registration.digest if registration else original
    return label_facts(
        decl, digest=digest, url=verify_url(verify_base, digest),
        grade=grade(decl, shipped_schemes() if schemes is None else schemes),
        registration=_registration(registration) if registration else None,
        verifier_label=verifier.issuer_label if verifier and verifier.issuer_label != verifier.issuer else None,
    )


def _registration(signed: _Signed) -> Registration:
    claim: RegisteredClaim = signed.claim
    region = codelists.regions().get(claim.region)
    return Registration(f"{region.zh} {region.en}" if region else claim.region, signed.issuer_label, claim.record_id)


def make_label(facts: LabelFacts, output: Output, size: Size = Size.A6) -> tuple[bytes, str]:
    """The label's bytes and the characters the font cannot draw (empty when all can)."""
    layout: Layout = lay_out(facts, size)
    return render(layout, output), missing_glyphs(layout.text())
