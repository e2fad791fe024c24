"""Signing: canonical forms, keys, attestations (JSON and XML), chains and the trust list.

Verification functions raise a specific :class:`gateway.core.errors.SigningError` subclass (or
an :class:`gateway.core.errors.InvalidDocument` one for unacceptable input) or return a frozen
result holding only what was verified; never a bare bool. See docs/signing.md.
"""

from .attestation import VC_CONTEXT, VerifiedAttestation, issue_attestation, proof_hash, verify_attestation
from .chain import VerifiedChain, verify_chain
from .claims import (
    CLAIM_KINDS,
    Claim,
    ConformanceClaim,
    LossNote,
    RecognisedClaim,
    RegisteredClaim,
    TranslatedClaim,
    VerifiedClaim,
    claim_from_json,
)
from .digest import canonical_bytes, digest_multibase, document_digest, parse_digest
from .jcs import canonicalize, loads
from .keys import Algorithm, PrivateKey, PublicKey, generate_key, load_key, load_private_key, load_public_key
from .replay import MemoryReplayGuard, ReplayGuard, SqliteReplayGuard
from .trustlist import Accreditation, Entity, KeyStatus, Role, StatusChange, TrustedKey, TrustList
from .trustsign import add_entity, add_key, load_trust_list, new_trust_list, set_key_status, sign_trust_list
from .xmldsig import VerifiedXml, sign_xml, verify_xml

__all__ = [
    "Accreditation",
    "Algorithm",
    "CLAIM_KINDS",
    "Claim",
    "ConformanceClaim",
    "Entity",
    "KeyStatus",
    "LossNote",
    "MemoryReplayGuard",
    "PrivateKey",
    "PublicKey",
    "RecognisedClaim",
    "RegisteredClaim",
    "ReplayGuard",
    "Role",
    "SqliteReplayGuard",
    "StatusChange",
    "TranslatedClaim",
    "TrustList",
    "TrustedKey",
    "VC_CONTEXT",
    "VerifiedAttestation",
    "VerifiedChain",
    "VerifiedClaim",
    "VerifiedXml",
    "add_entity",
    "add_key",
    "canonical_bytes",
    "canonicalize",
    "claim_from_json",
    "digest_multibase",
    "document_digest",
    "generate_key",
    "issue_attestation",
    "load_key",
    "load_private_key",
    "load_public_key",
    "load_trust_list",
    "loads",
    "new_trust_list",
    "parse_digest",
    "proof_hash",
    "set_key_status",
    "sign_trust_list",
    "sign_xml",
    "verify_attestation",
    "verify_chain",
    "verify_xml",
]
