"""A failed call as one line: reason, field, message and a hint of what to try next."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

import grpc

from ..core.i18n import ERROR, HINT, _, language, reason_label
from ..server.status import error_details

_HINTS = tomllib.loads(resources.files(__package__).joinpath("hints.toml").read_text(encoding="utf-8"))
_HANDSHAKE_WORDS = ("handshake", "ssl", "certificate", "tls", "socket closed")


@dataclass(frozen=True, slots=True)
class CallFailure:
    """What a failed gRPC call said, with the hint for it."""

    code: str
    reason: str
    message: str
    field: str
    hint: str
    details: dict[str, Any]

    def line(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        hint = f" ({_(HINT)}: {self.hint})" if self.hint else ""
        return f"{_(ERROR)}: {reason_label(self.reason or self.code)}{where}: {self.message}{hint}"

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "reason": self.reason or self.code, "message": self.message,
                "field": self.field, "hint": self.hint, "violations": self.details["violations"],
                "metadata": self.details["metadata"]}


def is_handshake_failure(message: str) -> bool:
    text = message.lower()
    return any(word in text for word in _HANDSHAKE_WORDS)


def call_failure(error: grpc.RpcError, address: str) -> CallFailure:
    details = error_details(error)
    code, reason = details["code"], details["reason"]
    # The server's own words, in Chinese when it sent them so and the operator reads Chinese.
    said = details["chinese"]["message"] if language() == "zh" else None
    message = " ".join((said or details["message"] or "").split())
    violations = details["violations"]
    field = violations[0]["path"] if violations else ""
    if code == "UNAVAILABLE" and not reason and is_handshake_failure(message):
        hint = _("the TLS handshake with {address} failed: check --ca (the CA of its server certificate), "
                 "--cert and --key (a client certificate it accepts), and the address's host name")
    elif reason and reason in _HINTS["reasons"]:
        hint = _(_HINTS["reasons"][reason])
    else:
        hint = _(_HINTS["codes"][code]) if code in _HINTS["codes"] else ""
    return CallFailure(code, reason, message, field, hint.format(address=address), details)
