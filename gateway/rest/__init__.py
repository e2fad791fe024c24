"""The HTTPS server beside gRPC: the PACT REST host and any mounted pages.

``create_gateway(config)`` builds both servers over one store; ``create_app(context,
route_factories)`` is the Starlette application that features mount routes on.
"""

from __future__ import annotations

from .app import RestContext, RouteFactory, create_app, error_response
from .codes import http_code
from .serve import BoundPorts, Gateway, base_url, create_gateway, default_route_factories, serve
from .server import HttpsServer

__all__ = [
    "BoundPorts",
    "Gateway",
    "HttpsServer",
    "RestContext",
    "RouteFactory",
    "base_url",
    "create_app",
    "create_gateway",
    "default_route_factories",
    "error_response",
    "http_code",
    "serve",
]
