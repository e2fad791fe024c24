"""The seam between the exchange and verification.

``ExchangeServicer`` hands every Submit (and every record pulled by Sync) to a
``VerifySubmission`` callable before storing it. The callable checks the document and its
attestations (against the trust list, once the signing layer provides one) and returns the
:class:`NewDeclaration` to store, or raises a :class:`gateway.core.errors.GatewayError`.
:func:`accept_as_declared` is the default until then: it parses nothing and trusts the
submitter's metadata, naming the document by the digest of its raw bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..store import NewAttestation, NewDeclaration, content_digest


@dataclass(frozen=True, slots=True)
class Submission:
    """A declaration as it arrived, before anything about it is believed."""

    declaration_id: str
    version: int
    region: str
    sector: str
    product_id: str
    format_id: str
    media_type: str
    content: bytes
    attestations: tuple[NewAttestation, ...]
    submitter: str | None
    """Trust-list entity id from the caller's client certificate; None without mTLS."""
    source_peer: str = ""
    """Entity id of the peer it was replicated from; empty for a direct Submit."""


VerifySubmission = Callable[[Submission], NewDeclaration]


def accept_as_declared(submission: Submission) -> NewDeclaration:
    s = submission
    return NewDeclaration(
        declaration_id=s.declaration_id, version=s.version, digest=content_digest(s.content),
        format_id=s.format_id, media_type=s.media_type, content=s.content, region=s.region,
        sector=s.sector, product_id=s.product_id, source_peer=s.source_peer,
    )
