"""Store records to and from contract messages."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf import timestamp_pb2

from .._proto import document_pb2, exchange_pb2, recognition_pb2
from ..store import (
    DeclarationFilter,
    FeedRecord,
    Receipt,
    StoredAttestation,
    StoredDeclaration,
    StoredDecision,
)


def timestamp(moment: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment.astimezone(UTC))
    return stamp


def from_timestamp(message: object, field: str) -> datetime | None:
    if not message.HasField(field):
        return None
    return getattr(message, field).ToDatetime(tzinfo=UTC)


def receipt(r: Receipt) -> exchange_pb2.Receipt:
    return exchange_pb2.Receipt(declaration_id=r.declaration_id, version=r.version, digest=r.digest,
                                cursor=r.cursor, received_at=timestamp(r.received_at))


def declaration(d: StoredDeclaration) -> exchange_pb2.DeclarationRecord:
    return exchange_pb2.DeclarationRecord(
        metadata=exchange_pb2.DeclarationMetadata(
            declaration_id=d.declaration_id, version=d.version, region=d.region, sector=d.sector,
            product_id=d.product_id,
        ),
        digest=d.digest,
        document=document_pb2.Document(format_id=d.format_id, media_type=d.media_type, content=d.content),
        attestations=[document_pb2.Attestation(media_type=a.media_type, content=a.content) for a in d.attestations],
        received_at=timestamp(d.received_at),
        source_peer=d.source_peer,
        cursor=d.cursor,
    )


def feed_record(record: FeedRecord) -> exchange_pb2.FeedRecord:
    if isinstance(record, StoredDeclaration):
        return exchange_pb2.FeedRecord(cursor=record.cursor, declaration=declaration(record))
    if isinstance(record, StoredAttestation):
        return exchange_pb2.FeedRecord(
            cursor=record.cursor,
            attestation=exchange_pb2.AttestationRecord(
                declaration_digest=record.declaration_digest, digest=record.digest,
                attestation=document_pb2.Attestation(media_type=record.media_type, content=record.content),
                received_at=timestamp(record.received_at), source_peer=record.source_peer,
            ),
        )
    assert isinstance(record, StoredDecision)
    return exchange_pb2.FeedRecord(
        cursor=record.cursor,
        decision=exchange_pb2.DecisionRecord(
            declaration_digest=record.declaration_digest, digest=record.digest, policy_id=record.policy_id,
            outcome=recognition_pb2.RecognitionOutcome.Value(f"RECOGNITION_OUTCOME_{record.outcome}"),
            decision_json=record.content, received_at=timestamp(record.received_at),
            source_peer=record.source_peer,
        ),
    )


def declaration_filter(message: exchange_pb2.DeclarationFilter) -> DeclarationFilter:
    return DeclarationFilter(
        region=message.region, sector=message.sector, product_id=message.product_id,
        received_after=from_timestamp(message, "received_after"),
        received_before=from_timestamp(message, "received_before"),
    )
