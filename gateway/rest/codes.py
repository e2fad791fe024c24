"""Which HTTP status and PACT error code each error reason travels with (the HTTP edge).

The core's errors carry reasons only; this table is the HTTP edge's reading of them, as
``gateway/server/codes.py`` is the gRPC edge's. Lookup falls back along the exception's base
classes, so a reason added later still gets its family's status. The PACT codes are those of
Tech Specs v2.3/v3.0 (``BadRequest``, ``AccessDenied``, ``NotFound`` ...).
"""

from __future__ import annotations

from ..core.errors import GatewayError

# reason -> (HTTP status, PACT error code)
HTTP_CODES: dict[str, tuple[int, str]] = {
    "INTERNAL_ERROR": (500, "InternalError"),
    "INVALID_DOCUMENT": (400, "BadRequest"),
    "DOCUMENT_TOO_LARGE": (413, "BadRequest"),
    "UNKNOWN_FORMAT": (400, "BadRequest"),
    "TRANSLATION_FAILED": (422, "BadRequest"),
    "SIGNING_ERROR": (400, "BadRequest"),
    "UNTRUSTED_SIGNER": (403, "AccessDenied"),
    "INVALID_POLICY": (400, "BadRequest"),
    "UNKNOWN_POLICY": (404, "NotFound"),
    "NOT_FOUND": (404, "NotFound"),
    "ALREADY_EXISTS": (409, "BadRequest"),
    "PERMISSION_DENIED": (403, "AccessDenied"),
    "UNAUTHENTICATED": (401, "BadRequest"),
    "STORE_ERROR": (503, "InternalError"),
    "INVALID_CONFIGURATION": (500, "InternalError"),
    "INVALID_REQUEST": (400, "BadRequest"),
    "PEER_UNAVAILABLE": (502, "InternalError"),
}


def http_code(error: GatewayError | type[GatewayError]) -> tuple[int, str]:
    """(status, PACT code) for ``error``: its own reason's, else the nearest base class's."""
    cls = error if isinstance(error, type) else type(error)
    for base in cls.__mro__:
        code = HTTP_CODES.get(getattr(base, "reason", ""))
        if code is not None:
            return code
    return 500, "InternalError"
