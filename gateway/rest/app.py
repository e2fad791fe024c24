"""The HTTPS application: one Starlette app over the gateway's store, with mountable routes.

Features mount themselves through *route factories*: a function ``factory(context) ->
routes`` (Starlette ``Route``/``Mount`` objects) called once when the app is built. The PACT
host is one (``gateway.rest.pact``); the public verification pages are another. A factory
that starts background work registers its shutdown with :meth:`RestContext.on_close`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..core.errors import GatewayError
from ..server.config import ServerConfig
from ..server.metrics import GatewayMetrics
from ..server.submission import VerifySubmission, accept_as_declared
from ..server.trust import GatewayTrust
from ..store import Store
from .codes import http_code
from .limits import RequestLimits
from .metrics import RequestMetrics

log = logging.getLogger("gateway.rest")


@dataclass
class RestContext:
    """What a route factory may use: the configuration, the store, the trust list, the
    public base URL (``https://host:port``, no trailing slash) and shutdown hooks."""

    config: ServerConfig
    store: Store
    trust: GatewayTrust | None
    base_url: str
    metrics: GatewayMetrics | None = None
    verify_submission: VerifySubmission = accept_as_declared
    """How a footprint received from elsewhere is checked before it is stored (as Submit does)."""
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def on_close(self, closer: Callable[[], None]) -> None:
        """Run ``closer`` when the HTTPS server stops (after in-flight requests finished)."""
        self._closers.append(closer)

    def close(self) -> None:
        for closer in reversed(self._closers):
            try:
                closer()
            except Exception:  # one failing closer must not keep the others from running
                log.exception("closing %r failed", closer)
        self._closers.clear()


RouteFactory = Callable[[RestContext], Iterable[BaseRoute]]


def error_response(error: GatewayError) -> JSONResponse:
    """A GatewayError as the PACT error body ``{code, message}`` with its HTTP status."""
    status, code = http_code(error)
    return JSONResponse({"code": code, "message": str(error)}, status_code=status)


async def _gateway_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GatewayError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return JSONResponse({"code": "NotFound", "message": f"no resource at {request.url.path}"}, status_code=404)
    return JSONResponse({"code": "BadRequest", "message": exc.detail}, status_code=exc.status_code,
                        headers=exc.headers)


async def _internal(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"code": "InternalError", "message": "internal error"}, status_code=500)


def _health(request: Request) -> Response:
    return JSONResponse({"status": "SERVING"})


def create_app(context: RestContext, route_factories: Sequence[RouteFactory] = ()) -> RequestLimits | RequestMetrics:
    """The ASGI application: ``/health``, then every factory's routes, behind the limits."""
    routes: list[BaseRoute] = [Route("/health", _health)]
    for factory in route_factories:
        routes.extend(factory(context))
    app = Starlette(routes=routes, exception_handlers={
        GatewayError: _gateway_error, HTTPException: _http_error, Exception: _internal,
    })
    https = context.config.https
    assert https is not None
    limited = RequestLimits(app, max_body_bytes=https.max_body_bytes, body_seconds=https.body_seconds)
    return RequestMetrics(limited, context.metrics.observe_rest) if context.metrics is not None else limited
