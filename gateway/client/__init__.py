"""Calling a gateway from a program or the command line: connection profiles and
one-line failures (reason, field, hint)."""

from __future__ import annotations

from .connection import Connection, client_config_path, load_profiles, resolve_connection
from .errors import CallFailure, call_failure, is_handshake_failure

__all__ = [
    "CallFailure",
    "Connection",
    "call_failure",
    "client_config_path",
    "is_handshake_failure",
    "load_profiles",
    "resolve_connection",
]
