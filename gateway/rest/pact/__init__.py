"""The PACT Tech Specs v2.3/v3.0 host and client.

``pact_routes(context)`` is the route factory ``gateway.rest`` mounts when ``[pact]`` is
configured; :class:`PactClient` talks to any PACT host.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from ..app import RestContext
from .client import PactClient, next_link
from .clients import ClientRegistry, ReadScope, hash_secret
from .events import EVENT_TYPES, Responder
from .footprints import Catalogue, Footprint, Unservable, footprint_id
from .host import PactHost
from .ledger import Ledger
from .tokens import TokenSigner, load_or_create_key


def build_host(context: RestContext) -> PactHost:
    """The PACT host over the context's store, its responder started."""
    pact = context.config.pact
    assert pact is not None
    registry = ClientRegistry.load(pact.clients)
    signer = TokenSigner(load_or_create_key(pact.key))
    catalogue = Catalogue(context.store, context.trust, context.base_url)
    ledger = Ledger(pact.ledger)
    responder = Responder(catalogue, registry, ledger, context.base_url, attempts=pact.callback_attempts,
                          backoff_seconds=pact.callback_backoff_seconds)
    host = PactHost(catalogue, registry, signer, ledger, responder, context.store, context.verify_submission,
                    context.base_url, context.config.identity, pact.token_seconds, pact.page_seconds)
    responder.start()
    if context.metrics is not None:
        from .metrics import UnservableCollector

        context.metrics.add(UnservableCollector(catalogue))
    context.on_close(ledger.close)
    context.on_close(responder.close)
    return host


def pact_routes(context: RestContext) -> list[BaseRoute]:
    return build_host(context).routes()


__all__ = [
    "EVENT_TYPES",
    "Catalogue",
    "ClientRegistry",
    "Footprint",
    "Ledger",
    "PactClient",
    "PactHost",
    "ReadScope",
    "Responder",
    "TokenSigner",
    "Unservable",
    "build_host",
    "footprint_id",
    "hash_secret",
    "load_or_create_key",
    "next_link",
    "pact_routes",
]
