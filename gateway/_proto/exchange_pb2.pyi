import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from . import document_pb2 as _document_pb2
from . import recognition_pb2 as _recognition_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DeclarationMetadata(_message.Message):
    __slots__ = ("declaration_id", "version", "region", "sector", "product_id")
    DECLARATION_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    SECTOR_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    declaration_id: str
    version: int
    region: str
    sector: str
    product_id: str
    def __init__(self, declaration_id: _Optional[str] = ..., version: _Optional[int] = ..., region: _Optional[str] = ..., sector: _Optional[str] = ..., product_id: _Optional[str] = ...) -> None: ...

class DeclarationRecord(_message.Message):
    __slots__ = ("metadata", "digest", "document", "attestations", "received_at", "source_peer", "cursor")
    METADATA_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    ATTESTATIONS_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_PEER_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    metadata: DeclarationMetadata
    digest: str
    document: _document_pb2.Document
    attestations: _containers.RepeatedCompositeFieldContainer[_document_pb2.Attestation]
    received_at: _timestamp_pb2.Timestamp
    source_peer: str
    cursor: int
    def __init__(self, metadata: _Optional[_Union[DeclarationMetadata, _Mapping]] = ..., digest: _Optional[str] = ..., document: _Optional[_Union[_document_pb2.Document, _Mapping]] = ..., attestations: _Optional[_Iterable[_Union[_document_pb2.Attestation, _Mapping]]] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., source_peer: _Optional[str] = ..., cursor: _Optional[int] = ...) -> None: ...

class AttestationRecord(_message.Message):
    __slots__ = ("declaration_digest", "digest", "attestation", "received_at", "source_peer")
    DECLARATION_DIGEST_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    ATTESTATION_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_PEER_FIELD_NUMBER: _ClassVar[int]
    declaration_digest: str
    digest: str
    attestation: _document_pb2.Attestation
    received_at: _timestamp_pb2.Timestamp
    source_peer: str
    def __init__(self, declaration_digest: _Optional[str] = ..., digest: _Optional[str] = ..., attestation: _Optional[_Union[_document_pb2.Attestation, _Mapping]] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., source_peer: _Optional[str] = ...) -> None: ...

class DecisionRecord(_message.Message):
    __slots__ = ("declaration_digest", "digest", "policy_id", "outcome", "decision_json", "received_at", "source_peer")
    DECLARATION_DIGEST_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    DECISION_JSON_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_PEER_FIELD_NUMBER: _ClassVar[int]
    declaration_digest: str
    digest: str
    policy_id: str
    outcome: _recognition_pb2.RecognitionOutcome
    decision_json: bytes
    received_at: _timestamp_pb2.Timestamp
    source_peer: str
    def __init__(self, declaration_digest: _Optional[str] = ..., digest: _Optional[str] = ..., policy_id: _Optional[str] = ..., outcome: _Optional[_Union[_recognition_pb2.RecognitionOutcome, str]] = ..., decision_json: _Optional[bytes] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., source_peer: _Optional[str] = ...) -> None: ...

class FeedRecord(_message.Message):
    __slots__ = ("cursor", "declaration", "attestation", "decision")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    DECLARATION_FIELD_NUMBER: _ClassVar[int]
    ATTESTATION_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    cursor: int
    declaration: DeclarationRecord
    attestation: AttestationRecord
    decision: DecisionRecord
    def __init__(self, cursor: _Optional[int] = ..., declaration: _Optional[_Union[DeclarationRecord, _Mapping]] = ..., attestation: _Optional[_Union[AttestationRecord, _Mapping]] = ..., decision: _Optional[_Union[DecisionRecord, _Mapping]] = ...) -> None: ...

class Receipt(_message.Message):
    __slots__ = ("declaration_id", "version", "digest", "cursor", "received_at")
    DECLARATION_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    declaration_id: str
    version: int
    digest: str
    cursor: int
    received_at: _timestamp_pb2.Timestamp
    def __init__(self, declaration_id: _Optional[str] = ..., version: _Optional[int] = ..., digest: _Optional[str] = ..., cursor: _Optional[int] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SubmitRequest(_message.Message):
    __slots__ = ("metadata", "document", "attestations")
    METADATA_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    ATTESTATIONS_FIELD_NUMBER: _ClassVar[int]
    metadata: DeclarationMetadata
    document: _document_pb2.Document
    attestations: _containers.RepeatedCompositeFieldContainer[_document_pb2.Attestation]
    def __init__(self, metadata: _Optional[_Union[DeclarationMetadata, _Mapping]] = ..., document: _Optional[_Union[_document_pb2.Document, _Mapping]] = ..., attestations: _Optional[_Iterable[_Union[_document_pb2.Attestation, _Mapping]]] = ...) -> None: ...

class SubmitResponse(_message.Message):
    __slots__ = ("receipt", "duplicate")
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    receipt: Receipt
    duplicate: bool
    def __init__(self, receipt: _Optional[_Union[Receipt, _Mapping]] = ..., duplicate: _Optional[bool] = ...) -> None: ...

class GetRequest(_message.Message):
    __slots__ = ("declaration_id", "version")
    DECLARATION_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    declaration_id: str
    version: int
    def __init__(self, declaration_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class GetResponse(_message.Message):
    __slots__ = ("record",)
    RECORD_FIELD_NUMBER: _ClassVar[int]
    record: DeclarationRecord
    def __init__(self, record: _Optional[_Union[DeclarationRecord, _Mapping]] = ...) -> None: ...

class DeclarationFilter(_message.Message):
    __slots__ = ("region", "sector", "product_id", "received_after", "received_before")
    REGION_FIELD_NUMBER: _ClassVar[int]
    SECTOR_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AFTER_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_BEFORE_FIELD_NUMBER: _ClassVar[int]
    region: str
    sector: str
    product_id: str
    received_after: _timestamp_pb2.Timestamp
    received_before: _timestamp_pb2.Timestamp
    def __init__(self, region: _Optional[str] = ..., sector: _Optional[str] = ..., product_id: _Optional[str] = ..., received_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., received_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListRequest(_message.Message):
    __slots__ = ("filter", "page_size", "page_token")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    filter: DeclarationFilter
    page_size: int
    page_token: str
    def __init__(self, filter: _Optional[_Union[DeclarationFilter, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListResponse(_message.Message):
    __slots__ = ("records", "next_page_token")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[DeclarationRecord]
    next_page_token: str
    def __init__(self, records: _Optional[_Iterable[_Union[DeclarationRecord, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class WatchRequest(_message.Message):
    __slots__ = ("after_cursor", "filter")
    AFTER_CURSOR_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    after_cursor: int
    filter: DeclarationFilter
    def __init__(self, after_cursor: _Optional[int] = ..., filter: _Optional[_Union[DeclarationFilter, _Mapping]] = ...) -> None: ...

class WatchResponse(_message.Message):
    __slots__ = ("record",)
    RECORD_FIELD_NUMBER: _ClassVar[int]
    record: FeedRecord
    def __init__(self, record: _Optional[_Union[FeedRecord, _Mapping]] = ...) -> None: ...

class SyncRequest(_message.Message):
    __slots__ = ("after_cursor", "limit")
    AFTER_CURSOR_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    after_cursor: int
    limit: int
    def __init__(self, after_cursor: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class SyncResponse(_message.Message):
    __slots__ = ("records", "next_cursor", "more")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    MORE_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[FeedRecord]
    next_cursor: int
    more: bool
    def __init__(self, records: _Optional[_Iterable[_Union[FeedRecord, _Mapping]]] = ..., next_cursor: _Optional[int] = ..., more: _Optional[bool] = ...) -> None: ...
