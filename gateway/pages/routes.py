"""``GET /verify/{digest}``: the public verification page, HTML or (``Accept:
application/json``) JSON, mounted on the gateway's HTTPS server as a route factory.

Anyone may read it: it shows only what the platform publishes (``[pages]`` configuration)
and verifies everything at the moment of the request. ``/verify/font.ttf`` serves the
project font the page uses (immutable, cached).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.core.errors import ConfigurationError, GatewayError, TrustListError
from gateway.core.i18n import N_
from gateway.fonts import font_path
from gateway.store import Store
from signing import TrustList

from .page import verification_page
from .view import Publication, verification_view

FONT_URL = "/verify/font.ttf"
# The page's own edge: the few reasons it can meet, as HTTP statuses and PACT-style codes.
_STATUS = {"NOT_FOUND": (404, "NotFound"), "INVALID_REQUEST": (400, "BadRequest")}


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept.split("application/json")[0]


def verification_routes_for(store: Store, trust_list: Callable[[], TrustList],
                            publication: Publication = Publication()) -> list[BaseRoute]:
    async def verify(request: Request) -> Response:
        digest = request.path_params["digest"]
        as_json = _wants_json(request)
        try:
            view = await run_in_threadpool(verification_view, store, trust_list, digest, publication)
        except GatewayError as error:
            status, code = _STATUS.get(error.reason, (500, "InternalError"))
            if isinstance(error, TrustListError):
                status, code = 503, "TrustListUnavailable"
            if as_json:
                return JSONResponse({"code": code, "message": str(error)}, status_code=status)
            body = verification_error_page(str(error), digest)
            return Response(body, status_code=status, media_type="text/html; charset=utf-8")
        if as_json:
            return JSONResponse(view, headers={"Vary": "Accept", "Cache-Control": "no-store"})
        return Response(verification_page(view, font_url=FONT_URL), media_type="text/html; charset=utf-8",
                        headers={"Vary": "Accept", "Cache-Control": "no-store"})

    async def font(request: Request) -> Response:
        return FileResponse(font_path(), media_type="font/ttf",
                            headers={"Cache-Control": "public, max-age=31536000, immutable"})

    return [Route(FONT_URL, font), Route("/verify/{digest}", verify)]


def verification_error_page(message: str, digest: str) -> bytes:
    from gateway.reports import esc, page

    body = (f'<section><p class="alert" data-state="unknown">未找到或无法验证 Not found or cannot be verified</p>'
            f"<p>{esc(message)}</p><p class='muted'>摘要 Digest <code>{esc(digest)}</code></p></section>")
    return page("碳足迹验证 Carbon footprint verification", "", body, font_url=FONT_URL)


def verification_pages(context) -> list[BaseRoute]:
    """The route factory for :func:`gateway.rest.create_gateway` (``context``: RestContext)."""
    if context.trust is None:
        raise ConfigurationError(N_("the verification page needs [trust]: it verifies every attestation it shows"),
                                 path="trust.list")
    pages = context.config.pages
    publication = Publication.from_text(pages.withhold, pages.publish) if pages else Publication()
    return verification_routes_for(context.store, context.trust.current, publication)
