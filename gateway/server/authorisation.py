"""Per-RPC authorisation, applied when the gateway has a trust list.

Any caller the transport authenticated (with mutual TLS: a certificate issued by the
configured client CA) may translate, validate, verify, assess and read. Submit and Sync
are for trust-list platforms: the client certificate must chain to the CA the trust list
names for the entity in its SAN URI, at the time of the call, and that entity's role must
be ``platform``. Sign uses the gateway's own key, so only the entity the gateway signs as
may ask for it. (That a Submit's attested submitter is the caller is checked with the
attestations, in :mod:`gateway.server.verification`.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import Enum
from typing import Any

import grpc

from signing import Entity, Role
from signing.timeutil import utcnow

from ..core.errors import PermissionDenied, Unauthenticated
from ..core.i18n import N_
from .interceptor import behaviour_of, rewrap
from .trust import GatewayTrust


class Rule(Enum):
    PLATFORM = "a trust-list platform"
    OPERATOR = "the entity this gateway signs as"


_PACKAGE = "/jjj.footprint.v1."
RULES: dict[str, Rule] = {
    f"{_PACKAGE}ExchangeService/Submit": Rule.PLATFORM,
    f"{_PACKAGE}ExchangeService/Sync": Rule.PLATFORM,
    f"{_PACKAGE}AttestationService/Sign": Rule.OPERATOR,
}


def caller_entity(context: grpc.ServicerContext, trust: GatewayTrust) -> Entity:
    """The trust-list entity of the caller's client certificate, checked against the list now."""
    pems = context.auth_context().get("x509_pem_cert")
    if not pems:
        raise Unauthenticated(N_("this call needs a client certificate naming a trust-list entity"))
    now = utcnow()
    return trust.current(now).entity_for_certificate(pems[0], at=now)


def authorise(method: str, context: grpc.ServicerContext, trust: GatewayTrust) -> None:
    """Raise Unauthenticated / PermissionDenied (or the UntrustedSigner reason) unless allowed."""
    rule = RULES.get(method)
    if rule is None:
        return
    entity = caller_entity(context, trust)
    name = method.rsplit("/", 1)[-1]
    if rule is Rule.PLATFORM and entity.role is not Role.PLATFORM:
        raise PermissionDenied(N_("{id} is a {value}; only platforms may call {name}", id=entity.id, value=entity.role.value, name=name),
                               entity=entity.id, method=name)
    if rule is Rule.OPERATOR and (trust.signer is None or entity.id != trust.signer.issuer):
        raise PermissionDenied(N_("{name} signs as {value}; "
                               "{id} may not ask for it", name=name, value=trust.signer.issuer if trust.signer else 'nobody', id=entity.id), entity=entity.id, method=name)


class AuthorisationInterceptor(grpc.ServerInterceptor):
    """Runs :func:`authorise` before the handler; its errors reach the ErrorInterceptor."""

    def __init__(self, trust: GatewayTrust) -> None:
        self.trust = trust

    def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method not in RULES:
            return handler
        trust = self.trust
        behaviour = behaviour_of(handler)

        def unary(request: Any, context: grpc.ServicerContext) -> Any:
            authorise(method, context, trust)
            return behaviour(request, context)

        def stream(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            authorise(method, context, trust)
            yield from behaviour(request, context)

        return rewrap(handler, stream if handler.response_streaming else unary)
