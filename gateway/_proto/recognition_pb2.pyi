import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from . import document_pb2 as _document_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RecognitionOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECOGNITION_OUTCOME_UNSPECIFIED: _ClassVar[RecognitionOutcome]
    RECOGNITION_OUTCOME_RECOGNISED: _ClassVar[RecognitionOutcome]
    RECOGNITION_OUTCOME_RECOGNISED_WITH_CONDITIONS: _ClassVar[RecognitionOutcome]
    RECOGNITION_OUTCOME_NOT_RECOGNISED: _ClassVar[RecognitionOutcome]

class CriterionOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CRITERION_OUTCOME_UNSPECIFIED: _ClassVar[CriterionOutcome]
    CRITERION_OUTCOME_PASS: _ClassVar[CriterionOutcome]
    CRITERION_OUTCOME_CONDITIONAL: _ClassVar[CriterionOutcome]
    CRITERION_OUTCOME_FAIL: _ClassVar[CriterionOutcome]
    CRITERION_OUTCOME_NOT_APPLICABLE: _ClassVar[CriterionOutcome]
RECOGNITION_OUTCOME_UNSPECIFIED: RecognitionOutcome
RECOGNITION_OUTCOME_RECOGNISED: RecognitionOutcome
RECOGNITION_OUTCOME_RECOGNISED_WITH_CONDITIONS: RecognitionOutcome
RECOGNITION_OUTCOME_NOT_RECOGNISED: RecognitionOutcome
CRITERION_OUTCOME_UNSPECIFIED: CriterionOutcome
CRITERION_OUTCOME_PASS: CriterionOutcome
CRITERION_OUTCOME_CONDITIONAL: CriterionOutcome
CRITERION_OUTCOME_FAIL: CriterionOutcome
CRITERION_OUTCOME_NOT_APPLICABLE: CriterionOutcome

class LocalizedText(_message.Message):
    __slots__ = ("zh", "en")
    ZH_FIELD_NUMBER: _ClassVar[int]
    EN_FIELD_NUMBER: _ClassVar[int]
    zh: str
    en: str
    def __init__(self, zh: _Optional[str] = ..., en: _Optional[str] = ...) -> None: ...

class CriterionResult(_message.Message):
    __slots__ = ("criterion_id", "outcome", "evidence", "message")
    CRITERION_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    criterion_id: str
    outcome: CriterionOutcome
    evidence: _containers.RepeatedScalarFieldContainer[str]
    message: LocalizedText
    def __init__(self, criterion_id: _Optional[str] = ..., outcome: _Optional[_Union[CriterionOutcome, str]] = ..., evidence: _Optional[_Iterable[str]] = ..., message: _Optional[_Union[LocalizedText, _Mapping]] = ...) -> None: ...

class RecognitionDecision(_message.Message):
    __slots__ = ("outcome", "policy_id", "policy_version", "region", "declaration_id", "version", "digest", "criteria", "decided_at")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    DECLARATION_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    outcome: RecognitionOutcome
    policy_id: str
    policy_version: str
    region: str
    declaration_id: str
    version: int
    digest: str
    criteria: _containers.RepeatedCompositeFieldContainer[CriterionResult]
    decided_at: _timestamp_pb2.Timestamp
    def __init__(self, outcome: _Optional[_Union[RecognitionOutcome, str]] = ..., policy_id: _Optional[str] = ..., policy_version: _Optional[str] = ..., region: _Optional[str] = ..., declaration_id: _Optional[str] = ..., version: _Optional[int] = ..., digest: _Optional[str] = ..., criteria: _Optional[_Iterable[_Union[CriterionResult, _Mapping]]] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AssessRequest(_message.Message):
    __slots__ = ("document", "attestations", "policy_id", "policy_document", "at_time", "trust_list")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    ATTESTATIONS_FIELD_NUMBER: _ClassVar[int]
    POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    POLICY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    AT_TIME_FIELD_NUMBER: _ClassVar[int]
    TRUST_LIST_FIELD_NUMBER: _ClassVar[int]
    document: _document_pb2.Document
    attestations: _containers.RepeatedCompositeFieldContainer[_document_pb2.Attestation]
    policy_id: str
    policy_document: PolicyDocument
    at_time: _timestamp_pb2.Timestamp
    trust_list: _document_pb2.SuppliedTrustList
    def __init__(self, document: _Optional[_Union[_document_pb2.Document, _Mapping]] = ..., attestations: _Optional[_Iterable[_Union[_document_pb2.Attestation, _Mapping]]] = ..., policy_id: _Optional[str] = ..., policy_document: _Optional[_Union[PolicyDocument, _Mapping]] = ..., at_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., trust_list: _Optional[_Union[_document_pb2.SuppliedTrustList, _Mapping]] = ...) -> None: ...

class PolicyDocument(_message.Message):
    __slots__ = ("media_type", "content")
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    media_type: str
    content: bytes
    def __init__(self, media_type: _Optional[str] = ..., content: _Optional[bytes] = ...) -> None: ...

class AssessResponse(_message.Message):
    __slots__ = ("decision", "decision_json")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DECISION_JSON_FIELD_NUMBER: _ClassVar[int]
    decision: RecognitionDecision
    decision_json: bytes
    def __init__(self, decision: _Optional[_Union[RecognitionDecision, _Mapping]] = ..., decision_json: _Optional[bytes] = ...) -> None: ...

class ListPoliciesRequest(_message.Message):
    __slots__ = ("region",)
    REGION_FIELD_NUMBER: _ClassVar[int]
    region: str
    def __init__(self, region: _Optional[str] = ...) -> None: ...

class PolicyInfo(_message.Message):
    __slots__ = ("policy_id", "version", "region", "name", "sectors")
    POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SECTORS_FIELD_NUMBER: _ClassVar[int]
    policy_id: str
    version: str
    region: str
    name: LocalizedText
    sectors: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, policy_id: _Optional[str] = ..., version: _Optional[str] = ..., region: _Optional[str] = ..., name: _Optional[_Union[LocalizedText, _Mapping]] = ..., sectors: _Optional[_Iterable[str]] = ...) -> None: ...

class ListPoliciesResponse(_message.Message):
    __slots__ = ("policies",)
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    policies: _containers.RepeatedCompositeFieldContainer[PolicyInfo]
    def __init__(self, policies: _Optional[_Iterable[_Union[PolicyInfo, _Mapping]]] = ...) -> None: ...
