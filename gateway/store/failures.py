"""What a failing database becomes: a StoreError with an incident id for the caller, the
database's own text in the server log under that id."""

from __future__ import annotations

import logging
import uuid

from ..core.errors import StoreError
from ..core.i18n import N_

log = logging.getLogger("gateway.store")


class ConnectionLost(Exception):
    """The connection broke before the transaction's outcome was known (never leaves the
    store: an operation safe to repeat is retried on a fresh connection, any other becomes
    :func:`store_failure`)."""


def store_failure(exc: BaseException, backend: str) -> StoreError:
    """The StoreError remote callers see for ``exc``: the reason and an incident id only.
    Database messages name relations, constraints, tuples and hosts, which are not the
    caller's business; the server log keeps them under the same incident id."""
    incident = uuid.uuid4().hex[:12]
    cause = exc.__cause__ if isinstance(exc, ConnectionLost) and exc.__cause__ is not None else exc
    log.error("%s failed (incident %s): %s: %s", backend, incident, type(cause).__name__, str(cause).strip())
    return StoreError(N_("the store failed (incident {incident})", incident=incident), incident=incident)
