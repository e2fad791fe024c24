"""W3C Data Integrity proofs with the JCS cryptosuites ``eddsa-jcs-2022`` and
``ecdsa-jcs-2019`` (P-256), as specified in *VC Data Integrity EdDSA Cryptosuites v1.0*
§3.3 and *ECDSA Cryptosuites v1.0* §3.4.

This layer answers one question: does this proof verify under this public key? Which keys
to trust, and when, is :mod:`signing.attestation`'s job.

hashData = SHA-256(JCS(proof configuration)) ‖ SHA-256(JCS(document without proof)),
signed with Ed25519 directly or with ECDSA P-256 SHA-256 as raw r‖s; ``proofValue`` is
base58btc multibase.
"""

from __future__ import annotations

import hashlib
from typing import Any, NamedTuple

from gateway.core.errors import InvalidSignature, MalformedProof, UnsupportedAlgorithm
from gateway.core.i18n import N_

from .jcs import canonicalize, canonicalize_strings
from .keys import Algorithm, PrivateKey, PublicKey
from .multibase import decode_base58btc, encode_base58btc

__all__ = ["CRYPTOSUITES", "ProofParts", "hash_data", "add_proof", "split_proof", "verify_parts", "verify_proof"]

# The suite of each key's algorithm, read per proof from this dict (Algorithm.cryptosuite, its
# one source, is a property of an enum member: four times the dict lookup).
_SUITE_OF = {algorithm: algorithm.cryptosuite for algorithm in Algorithm}
CRYPTOSUITES: dict[str, Algorithm] = {suite: algorithm for algorithm, suite in _SUITE_OF.items()}
PROOF_TYPE = "DataIntegrityProof"
_SIGNATURE_LENGTH = {Algorithm.ED25519: 64, Algorithm.ES256: 64}


def hash_data(unsecured: dict[str, Any], proof_config: dict[str, Any]) -> bytes:
    """proofConfigHash ‖ transformedDocumentHash (64 bytes)."""
    return hashlib.sha256(canonicalize_strings(proof_config)).digest() + hashlib.sha256(canonicalize(unsecured)).digest()


def add_proof(unsecured: dict[str, Any], key: PrivateKey, options: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``unsecured`` with a ``proof`` made from ``options``.

    ``options`` holds the proof fields other than ``type``, ``cryptosuite`` and
    ``proofValue`` (``created``, ``verificationMethod``, ``proofPurpose`` and optionally
    ``expires``, ``challenge``, ``domain``, ``nonce``). The cryptosuite follows the key.
    """
    if "proof" in unsecured:
        raise MalformedProof(N_("document already carries a proof"))
    config: dict[str, Any] = {"type": PROOF_TYPE, "cryptosuite": _SUITE_OF[key.algorithm], **options}
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    signature = key.sign(hash_data(unsecured, config))
    secured = dict(unsecured)
    config["proofValue"] = encode_base58btc(signature)  # config is ours, built above: no second copy
    secured["proof"] = config
    return secured


class ProofParts(NamedTuple):
    """A secured document taken apart: what was signed and the signature over it. Immutable;
    a named tuple because one is built per verification and costs a third of a frozen
    dataclass."""

    unsecured: dict[str, Any]
    proof_config: dict[str, Any]
    algorithm: Algorithm
    signature: bytes


def split_proof(secured: dict[str, Any]) -> ProofParts:
    """Check a proof's structure and take it apart; raise MalformedProof/UnsupportedAlgorithm."""
    if not isinstance(secured, dict):
        raise MalformedProof(N_("secured document must be a JSON object"))
    proof = secured.get("proof")
    if isinstance(proof, list):
        raise MalformedProof(N_("proof sets and chains are not accepted: exactly one proof"), path="/proof")
    if not isinstance(proof, dict):
        raise MalformedProof(N_("document carries no proof"), path="/proof")
    if proof.get("type") != PROOF_TYPE:
        raise UnsupportedAlgorithm(N_("proof type {value!r} is refused", value=proof.get('type')), path="/proof/type")
    suite = proof.get("cryptosuite")
    algorithm = CRYPTOSUITES.get(suite) if isinstance(suite, str) else None
    if algorithm is None:
        raise UnsupportedAlgorithm(N_("cryptosuite {suite!r} is refused", suite=suite), path="/proof/cryptosuite")
    for field in ("verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(field), str):
            raise MalformedProof(N_("proof.{field} must be a string", field=field), path=f"/proof/{field}")
    signature = decode_base58btc(proof["proofValue"])
    if len(signature) != _SIGNATURE_LENGTH[algorithm]:
        raise MalformedProof(N_("{suite} signature must be {value} bytes", suite=suite, value=_SIGNATURE_LENGTH[algorithm]), path="/proof/proofValue")
    unsecured = dict(secured)
    del unsecured["proof"]
    config = dict(proof)
    del config["proofValue"]
    if "@context" in config:
        ctx, doc_ctx = config["@context"], unsecured.get("@context")
        ctx_list = ctx if isinstance(ctx, list) else [ctx]
        doc_list = doc_ctx if isinstance(doc_ctx, list) else [doc_ctx]
        if doc_list[: len(ctx_list)] != ctx_list:
            raise InvalidSignature(N_("proof @context does not match the document's @context"), path="/proof/@context")
        unsecured["@context"] = ctx  # a copy already: the secured document is left as it is
    return ProofParts(unsecured, config, algorithm, signature)


def verify_proof(secured: dict[str, Any], public_key: PublicKey) -> ProofParts:
    """Verify the single Data Integrity proof on ``secured`` under ``public_key``.

    Raises :class:`UnsupportedAlgorithm` when the cryptosuite is not for the key's algorithm
    (checked before any signature math), :class:`MalformedProof`, or
    :class:`InvalidSignature`. Returns the parts that were verified.
    """
    parts = split_proof(secured)
    verify_parts(parts, public_key)
    return parts


def verify_parts(parts: ProofParts, public_key: PublicKey) -> None:
    """Verify a proof already taken apart by :func:`split_proof` (no second split)."""
    if parts.algorithm is not public_key.algorithm:
        raise UnsupportedAlgorithm(
            N_("proof claims {cryptosuite} but the key is {label}", cryptosuite=parts.proof_config['cryptosuite'], label=public_key.algorithm.label),
            path="/proof/cryptosuite",
        )
    public_key.verify(parts.signature, hash_data(parts.unsecured, parts.proof_config))
