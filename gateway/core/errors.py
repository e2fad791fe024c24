"""The project's one exception hierarchy.

Every error the gateway raises on purpose derives from :class:`GatewayError`. Each class
carries a stable UPPER_SNAKE ``reason`` (published in ``docs/api.md``; never renamed once
released) and nothing of any transport: each transport maps reasons to its own status codes
at its edge (gRPC in :mod:`gateway.server.status`), so the libraries built on this core run
without grpcio. Subclasses also inherit the matching builtin
(``ValueError``, ``LookupError``, ``PermissionError``) so plain Python callers can catch
them the usual way.

``message`` is English; ``text`` keeps it as the raise site marked it (``N_("... {x}", x=...)``)
so that the CLI can show it in the operator's language (:func:`gateway.core.i18n.error_text`).
``path`` is a JSON-Pointer-like location in the document (``/results/total``) or a dotted
model path; ``violations`` lists every field problem when there is more than one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class FieldViolation:
    """One problem at one place: ``path`` names the field, ``message`` says what is wrong
    (plain English text); ``text`` is the message as given, which the CLI shows in the
    operator's language when it was marked (``N_``, :mod:`gateway.core.i18n`)."""

    path: str
    message: str
    text: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", self.text or self.message)
        object.__setattr__(self, "message", str(self.message))

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class GatewayError(Exception):
    """Base of every deliberate gateway error."""

    reason: ClassVar[str] = "INTERNAL_ERROR"

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        violations: list[FieldViolation] | tuple[FieldViolation, ...] = (),
        **metadata: Any,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)  # plain English text: logs, libraries, the wire
        self.text = message  # as given: the CLI shows a marked one in the operator's language
        self.path = path
        self.violations = tuple(violations)
        if path is not None and not self.violations:
            self.violations = (FieldViolation(path, message),)
        self.metadata = {k: str(v) for k, v in metadata.items() if v is not None}

    def __str__(self) -> str:
        if self.path and self.path not in self.message:
            return f"{self.path}: {self.message}"
        return self.message

    def as_dict(self) -> dict[str, Any]:
        """Machine-readable form used by ``--json`` output and error details."""
        out: dict[str, Any] = {"reason": self.reason, "message": self.message}
        if self.path is not None:
            out["path"] = self.path
        if self.violations:
            out["violations"] = [v.as_dict() for v in self.violations]
        if self.metadata:
            out["metadata"] = dict(self.metadata)
        return out


# --- input documents -------------------------------------------------------------------


class InvalidDocument(GatewayError, ValueError):
    """A document that cannot be accepted as it is."""

    reason = "INVALID_DOCUMENT"


class MalformedDocument(InvalidDocument):
    """Bytes that are not well-formed JSON or XML (or not UTF-8)."""

    reason = "MALFORMED_DOCUMENT"


class HostileDocument(InvalidDocument):
    """Input that tries to abuse the parser: DTDs, entities, external references."""

    reason = "HOSTILE_DOCUMENT"


class DocumentTooLarge(InvalidDocument):
    """Input over a size, depth or count limit."""

    reason = "DOCUMENT_TOO_LARGE"


class SchemaViolation(InvalidDocument):
    """Well-formed input that its format's schema rejects."""

    reason = "SCHEMA_VIOLATION"


class InvalidIdentifier(InvalidDocument):
    """An identifier whose check character, length or code list entry is wrong."""

    reason = "INVALID_IDENTIFIER"


class InvalidValue(InvalidDocument):
    """A value of the right type that breaks a semantic rule (sign, range, consistency)."""

    reason = "INVALID_VALUE"


# --- formats and translation -----------------------------------------------------------


class UnknownFormat(GatewayError, LookupError):
    """A format id that no registered format carries, or input no format recognises."""

    reason = "UNKNOWN_FORMAT"


class FormatUnavailable(UnknownFormat):
    """A registered format whose code or optional dependency is not installed; the message
    says what to install."""

    reason = "FORMAT_UNAVAILABLE"


class TranslationError(GatewayError, ValueError):
    """A translation that cannot be carried out faithfully."""

    reason = "TRANSLATION_FAILED"


class MissingRequiredValue(TranslationError):
    """The target needs a value the source does not carry and the caller did not supply."""

    reason = "MISSING_REQUIRED_VALUE"


class Unrepresentable(TranslationError):
    """A value the target format cannot express at all (e.g. an unmapped unit)."""

    reason = "UNREPRESENTABLE_VALUE"


# --- signing and trust -----------------------------------------------------------------


class SigningError(GatewayError, ValueError):
    """Base of signing, verification and trust-list errors."""

    reason = "SIGNING_ERROR"


class InvalidSignature(SigningError):
    """The signature does not verify over the canonical bytes."""

    reason = "INVALID_SIGNATURE"


class UnsupportedAlgorithm(SigningError):
    """An algorithm that is refused (SHA-1, none, HMAC) or does not match the key."""

    reason = "UNSUPPORTED_ALGORITHM"


class UntrustedSigner(SigningError):
    """A signer the trust list does not name, or names as expired, suspended or revoked."""

    reason = "UNTRUSTED_SIGNER"


class ExpiredAttestation(SigningError):
    """An attestation outside its validity window at the time of checking."""

    reason = "ATTESTATION_EXPIRED"


class DigestMismatch(SigningError):
    """An attestation whose recorded digest is not the digest of the document it names."""

    reason = "DIGEST_MISMATCH"


class ReplayDetected(SigningError):
    """A single-use proof presented a second time."""

    reason = "REPLAY_DETECTED"


class TrustListError(SigningError):
    """A trust list that is unsigned, wrongly signed, expired or older than one already seen."""

    reason = "TRUST_LIST_INVALID"


class TrustListRollback(TrustListError):
    """A trust list whose sequence number is lower than one already accepted."""

    reason = "TRUST_LIST_ROLLBACK"


# --- recognition -----------------------------------------------------------------------


class PolicyError(GatewayError, ValueError):
    """A recognition policy that is malformed or unknown."""

    reason = "INVALID_POLICY"


class UnknownPolicy(PolicyError, LookupError):
    """A policy id that the server does not apply (ListPolicies names those it does)."""

    reason = "UNKNOWN_POLICY"


# --- store and exchange ----------------------------------------------------------------


class NotFound(GatewayError, LookupError):
    """No stored declaration has this id (and version)."""

    reason = "NOT_FOUND"


class AlreadyExists(GatewayError, ValueError):
    """The same id and version is already stored with another digest."""

    reason = "ALREADY_EXISTS"


class PermissionDenied(GatewayError, PermissionError):
    """An authenticated caller that may not make this call: not a platform, not the entity
    the gateway signs as, or not the platform that registered the declaration it submits."""

    reason = "PERMISSION_DENIED"


class Unauthenticated(GatewayError, PermissionError):
    """A call that needs a client certificate naming one trust-list entity and came without
    one (or with an ambiguous one)."""

    reason = "UNAUTHENTICATED"


class StoreError(GatewayError, RuntimeError):
    """The store failed or found its own data inconsistent (e.g. a broken audit chain)."""

    reason = "STORE_ERROR"


class AuditChainBroken(StoreError):
    """The hash-chained audit log has a missing or altered entry."""

    reason = "AUDIT_CHAIN_BROKEN"


class ConfigurationError(GatewayError, ValueError):
    """A configuration file or option that cannot be used."""

    reason = "INVALID_CONFIGURATION"


# --- signing: finer reasons (appended by the signing issue) ----------------------------


class NotIJson(InvalidDocument):
    """JSON outside I-JSON (RFC 7493): an integer beyond ±(2^53−1), a non-finite number,
    a lone surrogate, or a value JSON cannot carry — refused before anything is signed."""

    reason = "NOT_I_JSON"


class ForbiddenCharacter(NotIJson):
    """Text holding a lone surrogate or a Unicode noncharacter (U+FDD0..U+FDEF, U+nFFFE,
    U+nFFFF), in JSON or XML, in a value or a name: no format carries one and the signer
    refuses it (RFC 7493 §2.1), so the border does too, naming the path."""

    reason = "FORBIDDEN_CHARACTER"


class NumberOutOfRange(InvalidDocument):
    """A number with more than 34 significant digits or a decimal exponent beyond ±400,
    refused before any arithmetic (the bounds in ``gateway.core.parsing``), never expanded."""

    reason = "NUMBER_OUT_OF_RANGE"


class DuplicateKey(MalformedDocument):
    """A JSON object that names the same member twice: two parsers could disagree on it."""

    reason = "DUPLICATE_KEY"


class MalformedProof(SigningError):
    """A proof or attestation whose structure or encoding (multibase, base64) is wrong."""

    reason = "MALFORMED_PROOF"


class UnknownKey(UntrustedSigner):
    """A verification method the trust list does not name."""

    reason = "UNKNOWN_KEY"


class KeyRevoked(UntrustedSigner):
    """A key the trust list had revoked when the signature was made."""

    reason = "KEY_REVOKED"


class KeySuspended(UntrustedSigner):
    """A key the trust list had suspended when the signature was made."""

    reason = "KEY_SUSPENDED"


class KeyNotValid(UntrustedSigner):
    """A key used outside its validity window in the trust list."""

    reason = "KEY_OUT_OF_VALIDITY"


class SignerMismatch(UntrustedSigner):
    """The key belongs to another entity than the one named as issuer."""

    reason = "SIGNER_MISMATCH"


class SignerNotAuthorised(UntrustedSigner):
    """A trusted entity whose role or accreditation scope does not cover this claim."""

    reason = "SIGNER_NOT_AUTHORISED"


class AttestationNotYetValid(ExpiredAttestation):
    """An attestation whose validity starts (or whose proof was made) after the time of checking."""

    reason = "ATTESTATION_NOT_YET_VALID"


class ChainBroken(SigningError):
    """A chain of attestations with a missing or mismatching link."""

    reason = "CHAIN_BROKEN"


class TrustListExpired(TrustListError):
    """A trust list past its next-update time at the time of checking: fetch a newer one."""

    reason = "TRUST_LIST_EXPIRED"


class InvalidRequest(GatewayError, ValueError):
    """A request field (not the document) that is malformed or inconsistent, e.g. a page
    token issued for another filter."""

    reason = "INVALID_REQUEST"


class PeerUnavailable(GatewayError, ConnectionError):
    """Another system (a peer gateway, a PACT host) could not be reached, refused our
    credentials, or answered with something other than what its API defines."""

    reason = "PEER_UNAVAILABLE"


# Public: the field violation and every error class (new classes are public by being here).
__all__ = ["FieldViolation", *(name for name, value in dict(globals()).items()
                              if isinstance(value, type) and issubclass(value, GatewayError))]
