"""Pulling a peer's record feed over ``ExchangeService.Sync`` into the local store.

Each declaration goes through the same ``verify_submission`` hook as a direct Submit (with
``source_peer`` set), each later attestation through ``verify_attestation``; a record that
fails is not stored, is audited as ``replication.refused`` and is reported, and replication
moves past it (a peer's record at a cursor never changes, so retrying cannot help). Because
stores are idempotent, two gateways that pull from each other converge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .._proto import exchange_pb2, exchange_pb2_grpc, recognition_pb2
from ..core.errors import GatewayError
from ..store import NewAttestation, NewDecision, Store
from .exchange import submission_from_request
from .submission import VerifySubmission, accept_as_declared

VerifyAttestation = Callable[[str, NewAttestation, str], None]
"""(declaration digest, attestation, source peer) -> None, or raise a GatewayError."""


def accept_attestation(declaration_digest: str, attestation: NewAttestation, source_peer: str) -> None:
    """The default until the signing layer provides a trust-list check."""


@dataclass(frozen=True, slots=True)
class Refusal:
    cursor: int
    reason: str
    message: str


@dataclass(slots=True)
class SyncOutcome:
    peer: str
    cursor: int
    stored: int = 0
    duplicates: int = 0
    refused: list[Refusal] = field(default_factory=list)


class Replicator:
    def __init__(
        self, store: Store, *, actor: str, verify_submission: VerifySubmission = accept_as_declared,
        verify_attestation: VerifyAttestation = accept_attestation,
    ) -> None:
        self.store = store
        self.actor = actor
        self.verify_submission = verify_submission
        self.verify_attestation = verify_attestation

    def pull(self, stub: exchange_pb2_grpc.ExchangeServiceStub, peer: str, *, batch: int = 100,
             timeout: float = 30.0) -> SyncOutcome:
        """Replicate everything ``peer`` has after the remembered cursor; return what happened."""
        outcome = SyncOutcome(peer, self.store.sync_cursor(peer))
        while True:
            answer = stub.Sync(exchange_pb2.SyncRequest(after_cursor=outcome.cursor, limit=batch), timeout=timeout)
            for record in answer.records:
                try:
                    self._store(record, peer, outcome)
                except GatewayError as error:
                    outcome.refused.append(Refusal(record.cursor, error.reason, error.message))
                    self.store.record_event(self.actor, "replication.refused",
                                            f"peer/{peer}#{record.cursor}: {error.reason}")
            outcome.cursor = max(outcome.cursor, answer.next_cursor)
            self.store.set_sync_cursor(peer, outcome.cursor)
            if not answer.more or not answer.records:
                return outcome

    def _store(self, record: exchange_pb2.FeedRecord, peer: str, outcome: SyncOutcome) -> None:
        kind = record.WhichOneof("record")
        if kind == "declaration":
            d = record.declaration
            submission = submission_from_request(d, peer, source_peer=d.source_peer or peer)
            result = self.store.put_declaration(self.verify_submission(submission), submission.attestations,
                                                actor=self.actor)
            outcome.duplicates += result.duplicate
            outcome.stored += not result.duplicate
            return
        # A duplicate put returns the record stored earlier, whose cursor predates this call.
        before = self.store.last_cursor()
        if kind == "attestation":
            a = record.attestation
            attestation = NewAttestation(a.attestation.media_type, a.attestation.content)
            self.verify_attestation(a.declaration_digest, attestation, peer)
            kept = self.store.put_attestation(a.declaration_digest, attestation, actor=self.actor,
                                              source_peer=a.source_peer or peer)
        else:
            r = record.decision
            outcome_name = recognition_pb2.RecognitionOutcome.Name(r.outcome).removeprefix("RECOGNITION_OUTCOME_")
            kept = self.store.put_decision(
                NewDecision(r.declaration_digest, r.policy_id, outcome_name, r.decision_json,
                            source_peer=r.source_peer or peer),
                actor=self.actor,
            )
        if kept.cursor > before:
            outcome.stored += 1
        else:
            outcome.duplicates += 1
