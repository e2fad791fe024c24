"""ExchangeService on top of a :class:`gateway.store.Store`."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import grpc

from .._proto import exchange_pb2, exchange_pb2_grpc
from ..core.errors import FieldViolation, InvalidRequest
from ..core.i18n import N_
from ..store import NewAttestation, Store
from . import convert
from .identity import peer_identity
from .submission import Submission, VerifySubmission, accept_as_declared

SYNC_DEFAULT_LIMIT = 100
SYNC_MAX_LIMIT = 1000
WATCH_BATCH = 100


class FeedSignal:
    """Wakes Watch streams when this process stores a record; other replicas' records are
    found by polling every ``poll_seconds``."""

    def __init__(self, poll_seconds: float = 0.5) -> None:
        self.poll_seconds = poll_seconds
        self._condition = threading.Condition()
        self._generation = 0
        self.closed = threading.Event()

    def notify(self) -> None:
        with self._condition:
            self._generation += 1
            self._condition.notify_all()

    def generation(self) -> int:
        with self._condition:
            return self._generation

    def wait(self, seen: int) -> None:
        with self._condition:
            if self._generation == seen and not self.closed.is_set():
                self._condition.wait(self.poll_seconds)

    def close(self) -> None:
        self.closed.set()
        self.notify()


def submission_from_request(request: exchange_pb2.SubmitRequest | exchange_pb2.DeclarationRecord,
                            submitter: str | None, *, source_peer: str = "") -> Submission:
    """A Submit, or a declaration record pulled from a peer (same fields), checked for the
    fields every submission needs."""
    m, doc = request.metadata, request.document
    problems = []
    if not m.declaration_id:
        problems.append(FieldViolation("metadata.declaration_id", N_("is required")))
    if m.version < 1:
        problems.append(FieldViolation("metadata.version", N_("must be 1 or more")))
    if not doc.format_id:
        problems.append(FieldViolation("document.format_id", N_("is required")))
    if not doc.content:
        problems.append(FieldViolation("document.content", N_("is empty")))
    if problems:
        raise InvalidRequest(N_("the submission is incomplete"), violations=problems)
    return Submission(
        declaration_id=m.declaration_id, version=m.version, region=m.region, sector=m.sector,
        product_id=m.product_id, format_id=doc.format_id, media_type=doc.media_type, content=doc.content,
        attestations=tuple(NewAttestation(a.media_type, a.content) for a in request.attestations),
        submitter=submitter, source_peer=source_peer,
    )


class ExchangeServicer(exchange_pb2_grpc.ExchangeServiceServicer):
    def __init__(
        self, store: Store, *, verify_submission: VerifySubmission = accept_as_declared,
        signal: FeedSignal | None = None, local_actor: str = "local",
    ) -> None:
        self.store = store
        self.verify_submission = verify_submission
        self.signal = signal or FeedSignal()
        self.local_actor = local_actor

    def Submit(self, request: exchange_pb2.SubmitRequest, context: grpc.ServicerContext) -> exchange_pb2.SubmitResponse:
        submitter = peer_identity(context)
        submission = submission_from_request(request, submitter)
        declaration = self.verify_submission(submission)
        result = self.store.put_declaration(declaration, submission.attestations, actor=submitter or self.local_actor)
        if not result.duplicate:
            self.signal.notify()
        return exchange_pb2.SubmitResponse(receipt=convert.receipt(result.receipt), duplicate=result.duplicate)

    def Get(self, request: exchange_pb2.GetRequest, context: grpc.ServicerContext) -> exchange_pb2.GetResponse:
        if not request.declaration_id:
            raise InvalidRequest(N_("declaration_id is required"), path="declaration_id")
        record = self.store.get_declaration(request.declaration_id, request.version or None)
        return exchange_pb2.GetResponse(record=convert.declaration(record))

    def List(self, request: exchange_pb2.ListRequest, context: grpc.ServicerContext) -> exchange_pb2.ListResponse:
        if request.page_size < 0:
            raise InvalidRequest(N_("page_size must not be negative"), path="page_size")
        page = self.store.list_declarations(
            convert.declaration_filter(request.filter), page_size=request.page_size, page_token=request.page_token
        )
        return exchange_pb2.ListResponse(
            records=[convert.declaration(r) for r in page.records], next_page_token=page.next_page_token
        )

    def Watch(self, request: exchange_pb2.WatchRequest, context: grpc.ServicerContext) -> Iterator[exchange_pb2.WatchResponse]:
        cursor = request.after_cursor
        wanted = convert.declaration_filter(request.filter)
        while context.is_active() and not self.signal.closed.is_set():
            seen = self.signal.generation()
            batch = self.store.feed(cursor, limit=WATCH_BATCH, filter=wanted)
            for record in batch:
                yield exchange_pb2.WatchResponse(record=convert.feed_record(record))
                cursor = record.cursor
            if not batch:
                self.signal.wait(seen)

    def Sync(self, request: exchange_pb2.SyncRequest, context: grpc.ServicerContext) -> exchange_pb2.SyncResponse:
        if request.limit < 0:
            raise InvalidRequest(N_("limit must not be negative"), path="limit")
        limit = min(request.limit or SYNC_DEFAULT_LIMIT, SYNC_MAX_LIMIT)
        batch = self.store.feed(request.after_cursor, limit=limit)
        next_cursor = batch[-1].cursor if batch else request.after_cursor
        return exchange_pb2.SyncResponse(
            records=[convert.feed_record(r) for r in batch], next_cursor=next_cursor,
            more=self.store.last_cursor() > next_cursor,
        )
