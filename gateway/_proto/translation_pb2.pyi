from . import document_pb2 as _document_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TranslationEntryKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRANSLATION_ENTRY_KIND_UNSPECIFIED: _ClassVar[TranslationEntryKind]
    TRANSLATION_ENTRY_KIND_CONVERTED: _ClassVar[TranslationEntryKind]
    TRANSLATION_ENTRY_KIND_DEFAULTED: _ClassVar[TranslationEntryKind]
    TRANSLATION_ENTRY_KIND_DROPPED: _ClassVar[TranslationEntryKind]
    TRANSLATION_ENTRY_KIND_UNREPRESENTABLE: _ClassVar[TranslationEntryKind]
    TRANSLATION_ENTRY_KIND_RECHARACTERISED: _ClassVar[TranslationEntryKind]
    TRANSLATION_ENTRY_KIND_WARNING: _ClassVar[TranslationEntryKind]
    TRANSLATION_ENTRY_KIND_ROUNDED: _ClassVar[TranslationEntryKind]
    TRANSLATION_ENTRY_KIND_SUPPLIED: _ClassVar[TranslationEntryKind]
    TRANSLATION_ENTRY_KIND_MISSING: _ClassVar[TranslationEntryKind]
TRANSLATION_ENTRY_KIND_UNSPECIFIED: TranslationEntryKind
TRANSLATION_ENTRY_KIND_CONVERTED: TranslationEntryKind
TRANSLATION_ENTRY_KIND_DEFAULTED: TranslationEntryKind
TRANSLATION_ENTRY_KIND_DROPPED: TranslationEntryKind
TRANSLATION_ENTRY_KIND_UNREPRESENTABLE: TranslationEntryKind
TRANSLATION_ENTRY_KIND_RECHARACTERISED: TranslationEntryKind
TRANSLATION_ENTRY_KIND_WARNING: TranslationEntryKind
TRANSLATION_ENTRY_KIND_ROUNDED: TranslationEntryKind
TRANSLATION_ENTRY_KIND_SUPPLIED: TranslationEntryKind
TRANSLATION_ENTRY_KIND_MISSING: TranslationEntryKind

class TranslationEntry(_message.Message):
    __slots__ = ("kind", "source_path", "target_path", "detail")
    KIND_FIELD_NUMBER: _ClassVar[int]
    SOURCE_PATH_FIELD_NUMBER: _ClassVar[int]
    TARGET_PATH_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    kind: TranslationEntryKind
    source_path: str
    target_path: str
    detail: str
    def __init__(self, kind: _Optional[_Union[TranslationEntryKind, str]] = ..., source_path: _Optional[str] = ..., target_path: _Optional[str] = ..., detail: _Optional[str] = ...) -> None: ...

class TranslationReport(_message.Message):
    __slots__ = ("lossless", "source_format_id", "target_format_id", "entries")
    LOSSLESS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FORMAT_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_FORMAT_ID_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    lossless: bool
    source_format_id: str
    target_format_id: str
    entries: _containers.RepeatedCompositeFieldContainer[TranslationEntry]
    def __init__(self, lossless: _Optional[bool] = ..., source_format_id: _Optional[str] = ..., target_format_id: _Optional[str] = ..., entries: _Optional[_Iterable[_Union[TranslationEntry, _Mapping]]] = ...) -> None: ...

class TranslateRequest(_message.Message):
    __slots__ = ("document", "target_format_id", "options", "attest", "include_report_html", "supplied", "include_report_json")
    class OptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class SuppliedEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    TARGET_FORMAT_ID_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    ATTEST_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_REPORT_HTML_FIELD_NUMBER: _ClassVar[int]
    SUPPLIED_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_REPORT_JSON_FIELD_NUMBER: _ClassVar[int]
    document: _document_pb2.Document
    target_format_id: str
    options: _containers.ScalarMap[str, str]
    attest: bool
    include_report_html: bool
    supplied: _containers.ScalarMap[str, str]
    include_report_json: bool
    def __init__(self, document: _Optional[_Union[_document_pb2.Document, _Mapping]] = ..., target_format_id: _Optional[str] = ..., options: _Optional[_Mapping[str, str]] = ..., attest: _Optional[bool] = ..., include_report_html: _Optional[bool] = ..., supplied: _Optional[_Mapping[str, str]] = ..., include_report_json: _Optional[bool] = ...) -> None: ...

class TranslateResponse(_message.Message):
    __slots__ = ("document", "report", "report_json", "attestation", "report_html")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    REPORT_JSON_FIELD_NUMBER: _ClassVar[int]
    ATTESTATION_FIELD_NUMBER: _ClassVar[int]
    REPORT_HTML_FIELD_NUMBER: _ClassVar[int]
    document: _document_pb2.Document
    report: TranslationReport
    report_json: bytes
    attestation: _document_pb2.Attestation
    report_html: bytes
    def __init__(self, document: _Optional[_Union[_document_pb2.Document, _Mapping]] = ..., report: _Optional[_Union[TranslationReport, _Mapping]] = ..., report_json: _Optional[bytes] = ..., attestation: _Optional[_Union[_document_pb2.Attestation, _Mapping]] = ..., report_html: _Optional[bytes] = ...) -> None: ...

class TranslateStreamRequest(_message.Message):
    __slots__ = ("request_id", "document", "target_format_id", "options", "attest", "include_report_html", "supplied", "include_report_json")
    class OptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class SuppliedEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    TARGET_FORMAT_ID_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    ATTEST_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_REPORT_HTML_FIELD_NUMBER: _ClassVar[int]
    SUPPLIED_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_REPORT_JSON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    document: _document_pb2.Document
    target_format_id: str
    options: _containers.ScalarMap[str, str]
    attest: bool
    include_report_html: bool
    supplied: _containers.ScalarMap[str, str]
    include_report_json: bool
    def __init__(self, request_id: _Optional[str] = ..., document: _Optional[_Union[_document_pb2.Document, _Mapping]] = ..., target_format_id: _Optional[str] = ..., options: _Optional[_Mapping[str, str]] = ..., attest: _Optional[bool] = ..., include_report_html: _Optional[bool] = ..., supplied: _Optional[_Mapping[str, str]] = ..., include_report_json: _Optional[bool] = ...) -> None: ...

class TranslateStreamResponse(_message.Message):
    __slots__ = ("request_id", "translation", "error")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TRANSLATION_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    translation: TranslateResponse
    error: _document_pb2.ItemError
    def __init__(self, request_id: _Optional[str] = ..., translation: _Optional[_Union[TranslateResponse, _Mapping]] = ..., error: _Optional[_Union[_document_pb2.ItemError, _Mapping]] = ...) -> None: ...

class ValidateRequest(_message.Message):
    __slots__ = ("document",)
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    document: _document_pb2.Document
    def __init__(self, document: _Optional[_Union[_document_pb2.Document, _Mapping]] = ...) -> None: ...

class ValidateResponse(_message.Message):
    __slots__ = ("valid", "format_id", "violations")
    VALID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_ID_FIELD_NUMBER: _ClassVar[int]
    VIOLATIONS_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    format_id: str
    violations: _containers.RepeatedCompositeFieldContainer[_document_pb2.FieldViolation]
    def __init__(self, valid: _Optional[bool] = ..., format_id: _Optional[str] = ..., violations: _Optional[_Iterable[_Union[_document_pb2.FieldViolation, _Mapping]]] = ...) -> None: ...

class ListFormatsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class FormatInfo(_message.Message):
    __slots__ = ("format_id", "name", "version", "media_types", "readable", "writable", "description")
    FORMAT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPES_FIELD_NUMBER: _ClassVar[int]
    READABLE_FIELD_NUMBER: _ClassVar[int]
    WRITABLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    format_id: str
    name: str
    version: str
    media_types: _containers.RepeatedScalarFieldContainer[str]
    readable: bool
    writable: bool
    description: str
    def __init__(self, format_id: _Optional[str] = ..., name: _Optional[str] = ..., version: _Optional[str] = ..., media_types: _Optional[_Iterable[str]] = ..., readable: _Optional[bool] = ..., writable: _Optional[bool] = ..., description: _Optional[str] = ...) -> None: ...

class ListFormatsResponse(_message.Message):
    __slots__ = ("formats",)
    FORMATS_FIELD_NUMBER: _ClassVar[int]
    formats: _containers.RepeatedCompositeFieldContainer[FormatInfo]
    def __init__(self, formats: _Optional[_Iterable[_Union[FormatInfo, _Mapping]]] = ...) -> None: ...
