"""Who is calling: the SAN URI of the client certificate presented over mutual TLS."""

from __future__ import annotations

import grpc
from cryptography import x509

from ..core.errors import Unauthenticated
from ..core.i18n import N_


def peer_uris(context: grpc.ServicerContext) -> tuple[str, ...]:
    """Every URI in the subjectAltName of the verified client certificate; () without one."""
    pems = context.auth_context().get("x509_pem_cert")
    if not pems:
        return ()
    certificate = x509.load_pem_x509_certificate(pems[0])
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return ()
    return tuple(san.get_values_for_type(x509.UniformResourceIdentifier))


def peer_identity(context: grpc.ServicerContext) -> str | None:
    """The caller's trust-list entity id (e.g. ``urn:jjj:platform:hebei``), None when the call
    carries no client certificate; a certificate naming several URIs is refused as ambiguous."""
    uris = peer_uris(context)
    if len(uris) > 1:
        raise Unauthenticated(N_("the client certificate names more than one URI"), uris=",".join(uris))
    return uris[0] if uris else None


def require_identity(context: grpc.ServicerContext) -> str:
    identity = peer_identity(context)
    if identity is None:
        raise Unauthenticated(N_("this call needs a client certificate naming a trust-list entity"))
    return identity
