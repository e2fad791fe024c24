"""The PACT host's HTTP surface: auth, ListFootprints, GetFootprint, Events (v2.3 and v3.0),
exactly the paths of the official OpenAPI files, plus the attestation chain of a footprint.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ...core.errors import GatewayError, InvalidRequest
from ...core.i18n import N_
from ...core.parsing import dump_json, load_json
from ...server.submission import VerifySubmission
from ...store import Store
from ..codes import http_code
from .clients import Client, ClientRegistry
from .events import Event, Responder, parse_event, partner_client
from .filters import V2Filter, V3Filter
from .intake import store_footprint
from .footprints import Catalogue, Footprint
from .ledger import InboundRequest, Ledger, now_text
from .tokens import TokenExpired, TokenInvalid, TokenSigner

JSON = "application/json"
DEFAULT_PAGE = 100
MAX_PAGE = 1000
NOT_FOUND_CODE = {"2": "NoSuchFootprint", "3": "NotFound"}
EVENT_MEDIA_TYPES = ("application/cloudevents+json", "application/json")


class PactError(Exception):
    """An answer in the PACT error shape: ``{code, message}`` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def _error(exc: PactError) -> Response:
    return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.status, headers=exc.headers)


def _from_gateway(error: GatewayError) -> PactError:
    status, code = http_code(error)
    return PactError(status, code, str(error))


@dataclass
class PactHost:
    catalogue: Catalogue
    registry: ClientRegistry
    signer: TokenSigner
    ledger: Ledger
    responder: Responder
    store: Store
    verify_submission: VerifySubmission
    base_url: str
    identity: str
    token_seconds: int
    page_seconds: int

    # --- auth ------------------------------------------------------------------------

    def openid_configuration(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.base_url,
            "token_endpoint": f"{self.base_url}/auth/token",
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "response_types_supported": ["token"],
        })

    async def token(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        client_id, secret = form.get("client_id"), form.get("client_secret")
        header = request.headers.get("authorization", "")
        if header[:6].lower() == "basic ":
            try:
                client_id, _, secret = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return _oauth_error(400, "invalid_request", "the Basic credentials are not base64 of id:secret")
        if not client_id or secret is None:
            return _oauth_error(401, "invalid_client", "client credentials are required (HTTP Basic)")
        if form.get("grant_type") != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type", "grant_type must be client_credentials")
        client = await run_in_threadpool(self.registry.authenticate, client_id, secret)
        if client is None:
            return _oauth_error(401, "invalid_client", "unknown client or wrong secret")
        token = self.signer.issue("access", {"sub": client.id, "jti": uuid.uuid4().hex}, self.token_seconds)
        return JSONResponse({"access_token": token, "token_type": "bearer", "expires_in": self.token_seconds},
                            headers={"Cache-Control": "no-store"})

    def client_of(self, request: Request) -> Client:
        header = request.headers.get("authorization", "")
        if header[:7].lower() != "bearer " or not header[7:].strip():
            raise PactError(401, "BadRequest", "a bearer access token is required", {"WWW-Authenticate": "Bearer"})
        try:
            claims = self.signer.read("access", header[7:].strip())
        except TokenExpired:
            raise PactError(401, "TokenExpired", "the access token has expired",
                            {"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
        except TokenInvalid:
            raise PactError(401, "BadRequest", "the access token is not valid",
                            {"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
        client = self.registry.get(str(claims.get("sub")))
        if client is None:
            raise PactError(401, "BadRequest", "the access token's client is no longer configured")
        return client

    # --- footprints ------------------------------------------------------------------

    def _readable(self, client: Client, footprint: Footprint) -> bool:
        return client.scope.allows(footprint.region, footprint.company_ids, footprint.product_ids)

    def list_footprints(self, request: Request, spec: str) -> Response:
        client = self.client_of(request)
        items = request.query_params.multi_items()
        page = next((v for k, v in items if k == "page"), None)
        if page is not None:
            offset, limit, items = self._read_page(page, client, spec)
        else:
            offset, limit = 0, _limit(next((v for k, v in items if k == "limit"), None))
        wanted: V2Filter | V3Filter
        try:
            if spec == "2":
                unknown = [k for k, _ in items if k not in ("limit", "$filter") and not k.lower().startswith("x-")]
                if unknown:
                    raise InvalidRequest(N_("unknown parameter {value!r} (v2: limit, $filter)", value=unknown[0]), path=unknown[0])
                wanted = V2Filter.parse(next((v for k, v in items if k == "$filter"), None))
            else:
                wanted = V3Filter.from_query([(k, v) for k, v in items if k != "limit"])
        except InvalidRequest as exc:
            raise PactError(400, "BadRequest", str(exc)) from None
        served, _ = self.catalogue.all(spec)
        matching = [f for f in served if self._readable(client, f) and wanted.matches(f.document)]
        size = DEFAULT_PAGE if limit is None or limit == 0 else min(limit, MAX_PAGE)
        chunk = [] if limit == 0 else matching[offset:offset + size]
        headers = {}
        following = offset + len(chunk)
        if following < len(matching):
            token = self.signer.issue("page", {"c": client.id, "s": spec, "o": following, "l": limit or None,
                                               "q": wanted.as_query()}, self.page_seconds)
            headers["Link"] = f'<{self.base_url}/{spec}/footprints?{urlencode({"page": token})}>; rel="next"'
        body = b'{"data":[' + b",".join(f.body for f in chunk) + b"]}"
        return Response(body, media_type=JSON, headers=headers)

    def _read_page(self, token: str, client: Client, spec: str) -> tuple[int, int | None, list[tuple[str, str]]]:
        try:
            claims = self.signer.read("page", token)
        except TokenExpired:
            raise PactError(400, "BadRequest", "the page link has expired: list again from the start") from None
        except TokenInvalid:
            raise PactError(400, "BadRequest", "the page link is not one this host issued") from None
        if claims.get("c") != client.id or claims.get("s") != spec:
            raise PactError(400, "BadRequest", "the page link was issued to another client or API version")
        return int(claims["o"]), claims.get("l"), [tuple(q) for q in claims.get("q", [])]  # type: ignore[misc]

    def _footprint(self, request: Request, spec: str) -> tuple[Client, Footprint]:
        client = self.client_of(request)
        pf_id = request.path_params["id"]
        try:
            uuid.UUID(pf_id)
        except ValueError:
            raise PactError(400, "BadRequest", f"{pf_id!r} is not a footprint id (a UUID)") from None
        footprint = self.catalogue.get(spec, pf_id)
        # A footprint the client may not read is answered as absent: its existence is not revealed.
        if footprint is None or not self._readable(client, footprint):
            raise PactError(404, NOT_FOUND_CODE[spec], f"no footprint {pf_id}")
        return client, footprint

    def get_footprint(self, request: Request, spec: str) -> Response:
        _, footprint = self._footprint(request, spec)
        return Response(b'{"data":' + footprint.body + b"}", media_type=JSON)

    def attestations(self, request: Request) -> Response:
        _, footprint = self._footprint(request, "3")
        return Response(dump_json({"data": list(footprint.attestations)}, indent=None), media_type=JSON)

    # --- events ----------------------------------------------------------------------

    async def events(self, request: Request, spec: str) -> Response:
        client = self.client_of(request)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in EVENT_MEDIA_TYPES:
            raise PactError(400, "BadRequest", "events are sent as application/cloudevents+json")
        try:
            event = parse_event(await request.body(), spec)
        except InvalidRequest as exc:
            raise PactError(400, "BadRequest", str(exc)) from None
        await run_in_threadpool(self._handle, event, client, spec)
        return Response(status_code=200)

    def _handle(self, event: Event, client: Client, spec: str) -> None:
        if event.kind == "created":
            if self.registry.partner_for(event.source) is None:
                raise PactError(400, "BadRequest", f"no partner is configured for source {event.source!r}: "
                                "this host cannot send the answer there")
            if self.ledger.add_inbound(event.id, event.source, spec, client.id, event.data):
                self.responder.submit(InboundRequest(event.id, event.source, spec, client.id, event.data,
                                                     now_text(), "pending", "", []))
        elif event.kind in ("fulfilled", "rejected"):
            # Checked before anything is stored: an answer to no request of ours stores nothing.
            if not self.ledger.outbound(event.data["requestEventId"]):
                raise PactError(400, "BadRequest", f"no request {event.data['requestEventId']!r} was sent by this host")
            stored = self._store_answer(event) if event.kind == "fulfilled" else []
            self.ledger.answer_outbound(event.data["requestEventId"], event.kind, event.data, stored)
        elif self.ledger.add_published(event.id, event.source, [str(i) for i in event.data["pfIds"]]):
            self._pull_published(event, spec)

    def store_footprint(self, pf: dict[str, Any], spec: str, source: str) -> dict[str, Any]:
        return store_footprint(self.store, self.verify_submission, pf, spec, source)

    def _store_answer(self, event: Event) -> list[dict[str, Any]]:
        spec = "2" if event.data["pfs"] and "version" in event.data["pfs"][0] else "3"
        return [self.store_footprint(pf, spec, event.source) for pf in event.data["pfs"]]

    def _pull_published(self, event: Event, spec: str) -> None:
        partner = self.registry.partner_for(event.source)
        if partner is None:
            self.ledger.published_outcome(event.source, event.id, "not pulled: no partner configured for this source")
            return
        outcomes = []
        try:
            with partner_client(partner) as remote:
                for pf_id in event.data["pfIds"]:
                    try:
                        outcome = self.store_footprint(remote.get_footprint(str(pf_id), spec), spec, event.source)
                    except GatewayError as exc:
                        outcome = {"id": pf_id, "stored": False, "reason": exc.reason, "message": str(exc)}
                    outcomes.append(outcome)
        except GatewayError as exc:
            outcomes.append({"stored": False, "reason": exc.reason, "message": str(exc)})
        self.ledger.published_outcome(event.source, event.id, dump_json(outcomes, indent=None).decode())

    # --- routes ----------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        def guarded(handler, *args):
            async def endpoint(request: Request) -> Response:
                try:
                    result = handler(request, *args)
                    if hasattr(result, "__await__"):
                        result = await result
                    return result
                except PactError as exc:
                    return _error(exc)
                except GatewayError as exc:
                    return _error(_from_gateway(exc))
            return endpoint

        def threaded(handler, *args):
            async def endpoint(request: Request) -> Response:
                try:
                    return await run_in_threadpool(handler, request, *args)
                except PactError as exc:
                    return _error(exc)
                except GatewayError as exc:
                    return _error(_from_gateway(exc))
            return endpoint

        routes: list[BaseRoute] = [
            Route("/.well-known/openid-configuration", guarded(self.openid_configuration), methods=["GET"]),
            Route("/auth/token", guarded(self.token), methods=["POST"]),
            Route("/x-jjj/footprints/{id}/attestations", threaded(self.attestations), methods=["GET"]),
        ]
        for spec in ("2", "3"):
            routes += [
                Route(f"/{spec}/footprints", threaded(self.list_footprints, spec), methods=["GET"]),
                Route(f"/{spec}/footprints/{{id}}", threaded(self.get_footprint, spec), methods=["GET"]),
                Route(f"/{spec}/events", guarded(self.events, spec), methods=["POST"]),
            ]
        return routes


def _oauth_error(status: int, error: str, description: str) -> Response:
    headers = {"Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="pact"'
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)


def _limit(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or len(text) > 12:
        raise PactError(400, "BadRequest", f"limit {text!r} is not a non-negative integer")
    return int(text)
