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

class ClaimType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLAIM_TYPE_UNSPECIFIED: _ClassVar[ClaimType]
    CLAIM_TYPE_REGISTERED: _ClassVar[ClaimType]
    CLAIM_TYPE_VERIFIED: _ClassVar[ClaimType]
    CLAIM_TYPE_TRANSLATED: _ClassVar[ClaimType]
    CLAIM_TYPE_RECOGNISED: _ClassVar[ClaimType]
    CLAIM_TYPE_CONFORMANCE: _ClassVar[ClaimType]
CLAIM_TYPE_UNSPECIFIED: ClaimType
CLAIM_TYPE_REGISTERED: ClaimType
CLAIM_TYPE_VERIFIED: ClaimType
CLAIM_TYPE_TRANSLATED: ClaimType
CLAIM_TYPE_RECOGNISED: ClaimType
CLAIM_TYPE_CONFORMANCE: ClaimType

class SignRequest(_message.Message):
    __slots__ = ("document", "claim_type", "claim_json", "key_id", "media_type", "predecessors")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    CLAIM_TYPE_FIELD_NUMBER: _ClassVar[int]
    CLAIM_JSON_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    PREDECESSORS_FIELD_NUMBER: _ClassVar[int]
    document: _document_pb2.Document
    claim_type: ClaimType
    claim_json: bytes
    key_id: str
    media_type: str
    predecessors: _containers.RepeatedCompositeFieldContainer[_document_pb2.Attestation]
    def __init__(self, document: _Optional[_Union[_document_pb2.Document, _Mapping]] = ..., claim_type: _Optional[_Union[ClaimType, str]] = ..., claim_json: _Optional[bytes] = ..., key_id: _Optional[str] = ..., media_type: _Optional[str] = ..., predecessors: _Optional[_Iterable[_Union[_document_pb2.Attestation, _Mapping]]] = ...) -> None: ...

class SignResponse(_message.Message):
    __slots__ = ("attestation", "digest")
    ATTESTATION_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    attestation: _document_pb2.Attestation
    digest: str
    def __init__(self, attestation: _Optional[_Union[_document_pb2.Attestation, _Mapping]] = ..., digest: _Optional[str] = ...) -> None: ...

class VerifyRequest(_message.Message):
    __slots__ = ("document", "attestations", "at_time", "challenge", "domain", "trust_list", "xml_signature")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    ATTESTATIONS_FIELD_NUMBER: _ClassVar[int]
    AT_TIME_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_FIELD_NUMBER: _ClassVar[int]
    DOMAIN_FIELD_NUMBER: _ClassVar[int]
    TRUST_LIST_FIELD_NUMBER: _ClassVar[int]
    XML_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    document: _document_pb2.Document
    attestations: _containers.RepeatedCompositeFieldContainer[_document_pb2.Attestation]
    at_time: _timestamp_pb2.Timestamp
    challenge: str
    domain: str
    trust_list: _document_pb2.SuppliedTrustList
    xml_signature: bool
    def __init__(self, document: _Optional[_Union[_document_pb2.Document, _Mapping]] = ..., attestations: _Optional[_Iterable[_Union[_document_pb2.Attestation, _Mapping]]] = ..., at_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., challenge: _Optional[str] = ..., domain: _Optional[str] = ..., trust_list: _Optional[_Union[_document_pb2.SuppliedTrustList, _Mapping]] = ..., xml_signature: _Optional[bool] = ...) -> None: ...

class VerifiedAttestation(_message.Message):
    __slots__ = ("issuer", "key_id", "claim_type", "digest", "format_id", "declaration_id", "version", "issued_at", "expires_at", "claim_json")
    ISSUER_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    CLAIM_TYPE_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    FORMAT_ID_FIELD_NUMBER: _ClassVar[int]
    DECLARATION_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    CLAIM_JSON_FIELD_NUMBER: _ClassVar[int]
    issuer: str
    key_id: str
    claim_type: ClaimType
    digest: str
    format_id: str
    declaration_id: str
    version: int
    issued_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    claim_json: bytes
    def __init__(self, issuer: _Optional[str] = ..., key_id: _Optional[str] = ..., claim_type: _Optional[_Union[ClaimType, str]] = ..., digest: _Optional[str] = ..., format_id: _Optional[str] = ..., declaration_id: _Optional[str] = ..., version: _Optional[int] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., claim_json: _Optional[bytes] = ...) -> None: ...

class VerifiedXmlSignature(_message.Message):
    __slots__ = ("signer", "signed_xml")
    SIGNER_FIELD_NUMBER: _ClassVar[int]
    SIGNED_XML_FIELD_NUMBER: _ClassVar[int]
    signer: str
    signed_xml: bytes
    def __init__(self, signer: _Optional[str] = ..., signed_xml: _Optional[bytes] = ...) -> None: ...

class VerifyResponse(_message.Message):
    __slots__ = ("verified", "xml_signature")
    VERIFIED_FIELD_NUMBER: _ClassVar[int]
    XML_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    verified: _containers.RepeatedCompositeFieldContainer[VerifiedAttestation]
    xml_signature: VerifiedXmlSignature
    def __init__(self, verified: _Optional[_Iterable[_Union[VerifiedAttestation, _Mapping]]] = ..., xml_signature: _Optional[_Union[VerifiedXmlSignature, _Mapping]] = ...) -> None: ...

class GetTrustListRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetTrustListResponse(_message.Message):
    __slots__ = ("trust_list", "media_type", "sequence")
    TRUST_LIST_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    trust_list: bytes
    media_type: str
    sequence: int
    def __init__(self, trust_list: _Optional[bytes] = ..., media_type: _Optional[str] = ..., sequence: _Optional[int] = ...) -> None: ...
