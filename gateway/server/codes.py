"""Which gRPC status code each error reason travels with.

The core's errors carry reasons only; this table is the gRPC edge's reading of them. Every
reason is listed (a test keeps it complete), and :func:`grpc_code` falls back along the
exception's base classes so a reason added later still gets its family's code.
"""

from __future__ import annotations

import grpc

from ..core.errors import GatewayError

_C = grpc.StatusCode

GRPC_CODES: dict[str, grpc.StatusCode] = {
    "INTERNAL_ERROR": _C.INTERNAL,
    "INVALID_DOCUMENT": _C.INVALID_ARGUMENT,
    "MALFORMED_DOCUMENT": _C.INVALID_ARGUMENT,
    "HOSTILE_DOCUMENT": _C.INVALID_ARGUMENT,
    "DOCUMENT_TOO_LARGE": _C.RESOURCE_EXHAUSTED,
    "SCHEMA_VIOLATION": _C.INVALID_ARGUMENT,
    "INVALID_IDENTIFIER": _C.INVALID_ARGUMENT,
    "INVALID_VALUE": _C.INVALID_ARGUMENT,
    "UNKNOWN_FORMAT": _C.INVALID_ARGUMENT,
    "FORMAT_UNAVAILABLE": _C.UNIMPLEMENTED,
    "TRANSLATION_FAILED": _C.FAILED_PRECONDITION,
    "MISSING_REQUIRED_VALUE": _C.FAILED_PRECONDITION,
    "UNREPRESENTABLE_VALUE": _C.FAILED_PRECONDITION,
    "SIGNING_ERROR": _C.INVALID_ARGUMENT,
    "INVALID_SIGNATURE": _C.INVALID_ARGUMENT,
    "UNSUPPORTED_ALGORITHM": _C.INVALID_ARGUMENT,
    "UNTRUSTED_SIGNER": _C.PERMISSION_DENIED,
    "ATTESTATION_EXPIRED": _C.FAILED_PRECONDITION,
    "DIGEST_MISMATCH": _C.INVALID_ARGUMENT,
    "REPLAY_DETECTED": _C.ALREADY_EXISTS,
    "TRUST_LIST_INVALID": _C.FAILED_PRECONDITION,
    "TRUST_LIST_ROLLBACK": _C.FAILED_PRECONDITION,
    "INVALID_POLICY": _C.INVALID_ARGUMENT,
    "UNKNOWN_POLICY": _C.NOT_FOUND,
    "NOT_FOUND": _C.NOT_FOUND,
    "ALREADY_EXISTS": _C.ALREADY_EXISTS,
    "PERMISSION_DENIED": _C.PERMISSION_DENIED,
    "UNAUTHENTICATED": _C.UNAUTHENTICATED,
    "STORE_ERROR": _C.UNAVAILABLE,
    "AUDIT_CHAIN_BROKEN": _C.DATA_LOSS,
    "INVALID_CONFIGURATION": _C.FAILED_PRECONDITION,
    "NOT_I_JSON": _C.INVALID_ARGUMENT,
    "DUPLICATE_KEY": _C.INVALID_ARGUMENT,
    "MALFORMED_PROOF": _C.INVALID_ARGUMENT,
    "UNKNOWN_KEY": _C.PERMISSION_DENIED,
    "KEY_REVOKED": _C.PERMISSION_DENIED,
    "KEY_SUSPENDED": _C.PERMISSION_DENIED,
    "KEY_OUT_OF_VALIDITY": _C.PERMISSION_DENIED,
    "SIGNER_MISMATCH": _C.PERMISSION_DENIED,
    "SIGNER_NOT_AUTHORISED": _C.PERMISSION_DENIED,
    "ATTESTATION_NOT_YET_VALID": _C.FAILED_PRECONDITION,
    "CHAIN_BROKEN": _C.INVALID_ARGUMENT,
    "TRUST_LIST_EXPIRED": _C.FAILED_PRECONDITION,
    "INVALID_REQUEST": _C.INVALID_ARGUMENT,
    "PEER_UNAVAILABLE": _C.UNAVAILABLE,
}


def grpc_code(error: GatewayError | type[GatewayError]) -> grpc.StatusCode:
    """The status code for ``error``: its own reason's, else the nearest base class's."""
    cls = error if isinstance(error, type) else type(error)
    for base in cls.__mro__:
        code = GRPC_CODES.get(getattr(base, "reason", ""))
        if code is not None:
            return code
    return grpc.StatusCode.INTERNAL
