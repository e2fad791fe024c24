"""PACT events (CloudEvents 1.0, structured JSON): validation, and answering requests.

A RequestCreated is answered asynchronously by :class:`Responder`: the footprints the
requesting client may read that match its criteria go back in a RequestFulfilled, none in a
RequestRejected, to ``{source}/{2|3}/events`` with a token from ``{source}``'s token
endpoint and the credentials configured for that partner; each delivery attempt is recorded
in the ledger, retried with exponential backoff, and resumed after a restart.
"""

from __future__ import annotations

import logging
import queue
import ssl
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...core.errors import GatewayError, InvalidRequest
from ...core.parsing import load_json
from .clients import ClientRegistry, Partner, ReadScope
from .client import PactClient
from .filters import V3Filter, parse_time
from .footprints import Catalogue, Footprint
from .ledger import InboundRequest, Ledger, now_text

log = logging.getLogger("gateway.rest.pact")

EVENT_TYPES = {
    "3": {"created": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3",
          "fulfilled": "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
          "rejected": "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3",
          "published": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"},
    "2": {"created": "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1",
          "fulfilled": "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1",
          "rejected": "org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1",
          "published": "org.wbcsd.pathfinder.ProductFootprint.Published.v1"},
}
_V3_LIST_CRITERIA = ("productId", "companyId", "geography", "classification", "status")
_V3_TIME_CRITERIA = ("validOn", "validAfter", "validBefore")
MAX_PF_IDS = 1000


@dataclass(frozen=True, slots=True)
class Event:
    kind: str
    id: str
    source: str
    data: dict[str, Any]


def _fail(message: str, path: str) -> InvalidRequest:
    return InvalidRequest(message, path=path)


def parse_event(body: bytes, spec: str) -> Event:
    """A valid event of Tech Specs ``spec``, or InvalidRequest naming what is wrong."""
    try:
        event = load_json(body)
    except GatewayError as exc:
        raise _fail(f"the event is not valid JSON: {exc}", "/") from exc
    if not isinstance(event, dict):
        raise _fail("the event must be a JSON object", "/")
    if event.get("specversion") != "1.0":
        raise _fail("specversion must be \"1.0\"", "/specversion")
    for name in ("id", "source"):
        if not isinstance(event.get(name), str) or not event[name].strip():
            raise _fail(f"{name} must be a non-empty string", f"/{name}")
    if not isinstance(event.get("time"), str):
        raise _fail("time must be an RFC 3339 date-time", "/time")
    parse_time(event["time"], "/time")
    kinds = {v: k for k, v in EVENT_TYPES[spec].items()}
    kind = kinds.get(event.get("type"))  # type: ignore[arg-type]
    if kind is None:
        raise _fail(f"type {event.get('type')!r} is not a PACT {spec}.x event type "
                    f"({', '.join(EVENT_TYPES[spec].values())})", "/type")
    data = event.get("data")
    if not isinstance(data, dict):
        raise _fail("data must be an object", "/data")
    _CHECKS[kind](data, spec)
    return Event(kind, event["id"], event["source"], data)


def _check_created(data: dict[str, Any], spec: str) -> None:
    if spec == "2":
        if not isinstance(data.get("pf"), dict) or not data["pf"]:
            raise _fail("data.pf must be a non-empty ProductFootprint fragment", "/data/pf")
        return
    criteria = [k for k in data if k != "comment"]
    if not criteria:
        raise _fail("data must name at least one criterion", "/data")
    for key in criteria:
        value = data[key]
        if key in _V3_LIST_CRITERIA:
            if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
                raise _fail(f"data.{key} must be a non-empty list of strings", f"/data/{key}")
        elif key in _V3_TIME_CRITERIA:
            if not isinstance(value, str):
                raise _fail(f"data.{key} must be an RFC 3339 date-time", f"/data/{key}")
            parse_time(value, f"/data/{key}")
        elif not key.startswith("x-"):
            raise _fail(f"data.{key} is not a request criterion", f"/data/{key}")


def _check_answer(data: dict[str, Any], spec: str) -> None:
    if not isinstance(data.get("requestEventId"), str) or not data["requestEventId"]:
        raise _fail("data.requestEventId must be a non-empty string", "/data/requestEventId")


def _check_fulfilled(data: dict[str, Any], spec: str) -> None:
    _check_answer(data, spec)
    pfs = data.get("pfs")
    if not isinstance(pfs, list) or not pfs or not all(isinstance(pf, dict) for pf in pfs):
        raise _fail("data.pfs must be a non-empty list of footprints", "/data/pfs")


def _check_rejected(data: dict[str, Any], spec: str) -> None:
    _check_answer(data, spec)
    error = data.get("error")
    if not isinstance(error, dict) or not isinstance(error.get("code"), str) or not isinstance(error.get("message"), str):
        raise _fail("data.error must be an object with code and message", "/data/error")


def _check_published(data: dict[str, Any], spec: str) -> None:
    ids = data.get("pfIds")
    if not isinstance(ids, list) or not ids or len(ids) > MAX_PF_IDS:
        raise _fail(f"data.pfIds must be a list of 1 to {MAX_PF_IDS} footprint ids", "/data/pfIds")
    for n, value in enumerate(ids):
        try:
            uuid.UUID(str(value))
        except ValueError:
            raise _fail(f"data.pfIds[{n}] {value!r} is not a UUID", f"/data/pfIds/{n}") from None


_CHECKS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "created": _check_created, "fulfilled": _check_fulfilled, "rejected": _check_rejected,
    "published": _check_published,
}


def _fragment_matches(fragment: Any, value: Any) -> bool:
    """v2: a footprint matches a ProductFootprint fragment when every field given matches
    (lists: any common element; strings: case-insensitive)."""
    if isinstance(fragment, dict):
        return isinstance(value, dict) and all(_fragment_matches(v, value.get(k)) for k, v in fragment.items())
    if isinstance(fragment, list):
        have = {str(v).lower() for v in value} if isinstance(value, list) else set()
        return any(str(v).lower() in have for v in fragment)
    return str(fragment).lower() == str(value).lower() if value is not None else False


def requested(catalogue: Catalogue, scope: ReadScope, spec: str, criteria: dict[str, Any]) -> list[Footprint]:
    """The footprints a request's criteria select among those the requester may read."""
    served, _ = catalogue.all(spec)
    readable = [f for f in served if scope.allows(f.region, f.company_ids, f.product_ids)]
    if spec == "2":
        return [f for f in readable if _fragment_matches(criteria.get("pf", {}), f.document)]
    items = [(k, v) for k, vs in criteria.items() if k in _V3_LIST_CRITERIA for v in vs]
    items += [(k, v) for k, v in criteria.items() if k in _V3_TIME_CRITERIA]
    wanted = V3Filter.from_query(items)
    return [f for f in readable if wanted.matches(f.document)]


def partner_client(partner: Partner, timeout: float = 10.0) -> PactClient:
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=str(partner.ca)) if partner.ca else True
    return PactClient(partner.url, partner.client_id, partner.client_secret, verify=verify, timeout=timeout,
                      allow_http=partner.allow_http)


class Responder:
    """Answers RequestCreated events in a background thread, with retries, recorded."""

    def __init__(self, catalogue: Catalogue, registry: ClientRegistry, ledger: Ledger, base_url: str, *,
                 attempts: int = 5, backoff_seconds: float = 1.0) -> None:
        self.catalogue = catalogue
        self.registry = registry
        self.ledger = ledger
        self.base_url = base_url
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self._queue: queue.Queue[InboundRequest | None] = queue.Queue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="fpgw-pact-responder", daemon=True)

    def start(self) -> None:
        for pending in self.ledger.inbound("pending"):
            self._queue.put(pending)
        self._thread.start()

    def submit(self, request: InboundRequest) -> None:
        self._queue.put(request)

    def close(self) -> None:
        self._stopping.set()
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join(30)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            request = self._queue.get()
            if request is None:
                return
            try:
                self._answer(request)
            except Exception as exc:  # a bug answering one request must not stop the others
                log.exception("answering PACT request %s from %s failed", request.event_id, request.source)
                self.ledger.attempt(request.source, request.event_id, {"ok": False, "error": f"internal: {exc}"},
                                    state="failed")

    def answer_event(self, request: InboundRequest) -> tuple[str, dict[str, Any]]:
        client = self.registry.get(request.client_id)
        scope = client.scope if client else ReadScope()
        found = requested(self.catalogue, scope, request.spec, request.criteria)
        kind = "fulfilled" if found else "rejected"
        data: dict[str, Any] = {"requestEventId": request.event_id}
        if found:
            data["pfs"] = [f.document for f in found]
        else:
            data["error"] = {"code": "NotFound", "message": "no footprint you may read matches the request"}
        event = {"type": EVENT_TYPES[request.spec][kind], "specversion": "1.0", "id": str(uuid.uuid4()),
                 "source": self.base_url, "time": now_text(), "data": data}
        return kind, event

    def _answer(self, request: InboundRequest) -> None:
        partner = self.registry.partner_for(request.source)
        kind, event = self.answer_event(request)
        if partner is None:
            self.ledger.attempt(request.source, request.event_id,
                                {"ok": False, "error": "no partner credentials for this source"}, state="failed",
                                answer_type=kind)
            return
        delay = self.backoff_seconds
        for attempt in range(1, self.attempts + 1):
            try:
                with partner_client(partner) as client:
                    client.post_event(event, request.spec)
            except GatewayError as exc:
                last = attempt == self.attempts
                self.ledger.attempt(request.source, request.event_id,
                                    {"attempt": attempt, "ok": False, "error": f"{exc.reason}: {exc}"},
                                    state="failed" if last else None, answer_type=kind)
                log.warning("PACT %s to %s, attempt %d/%d: %s", kind, request.source, attempt, self.attempts, exc)
                if last or self._stopping.wait(delay):
                    return
                delay *= 2
            else:
                self.ledger.attempt(request.source, request.event_id, {"attempt": attempt, "ok": True},
                                    state=kind, answer_type=kind)
                return

