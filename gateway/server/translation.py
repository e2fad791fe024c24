"""TranslationService on the translation pipeline (:mod:`gateway.translate`)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Mapping
from concurrent import futures
from typing import Any

import grpc

from mappings import Format, TranslateOptions, available, detect_format, get_format, unavailable
from mappings.supply import check_path
from signing import document_digest
from signing.jcs import canonicalize
from signing.translation import media_of_format, translated_claim

from .._proto import document_pb2, translation_pb2, translation_pb2_grpc
from ..core.errors import (
    ConfigurationError,
    FieldViolation,
    GatewayError,
    InvalidDocument,
    InvalidRequest,
    UnknownFormat,
)
from ..core.i18n import N_
from ..core.report import EntryKind, TranslationReport
from ..reports import translation_report_html
from ..translate import Translation, one_document, read, translate
from .status import item_error
from .streams import in_order
from .trust import ATTESTATION_MEDIA_TYPE, GatewayTrust

log = logging.getLogger("gateway.server")
_KINDS = {kind: translation_pb2.TranslationEntryKind.Value(f"TRANSLATION_ENTRY_KIND_{kind.name}")
          for kind in EntryKind}
STREAM_WINDOW = 4  # documents of one TranslateStream read and not yet answered
# Threads translating the items that TranslateStreams read ahead, for all streams of one server,
# beside each stream's own thread. Translation is CPU-bound Python under one GIL, so more threads
# only interleave translations: 4 items ahead on each of 8 streams cost the server 1,437 us of CPU
# an item with 16 of them, 1,178 with 2, 1,087 with 1 (docs/performance.md).
STREAM_WORKERS = 1
_NO_OPTIONS = TranslateOptions.from_mapping({})
_GENERIC_MEDIA_TYPES = {"json": {"application/json"}, "xml": {"application/xml", "text/xml"}}


def request_format(format_id: str, field: str) -> Format:
    """The format a request field names; an unknown or unavailable one is reported against that
    field (AIP-193: ``BadRequest.field`` is the request field, not the library's ``format``)."""
    try:
        return get_format(format_id)
    except UnknownFormat as error:  # FormatUnavailable included
        raise type(error)(error.message, path=field, **error.metadata) from None


def source_format(document: document_pb2.Document) -> Format:
    """The document's format (detected when unnamed); a media type that contradicts it is refused."""
    return content_format(document.format_id, document.media_type, document.content)


def content_format(format_id: str, media_type: str, content: bytes) -> Format:
    """:func:`source_format` of a document's fields (the content unwrapped from an envelope,
    without copying it into a new message)."""
    if not content:
        raise InvalidRequest(N_("the document is empty"), path="document.content")
    if format_id:
        fmt = request_format(format_id, "document.format_id")
    else:
        try:
            fmt = detect_format(content)
        except UnknownFormat as error:
            raise UnknownFormat(error.message, path="document.format_id", **error.metadata) from None
    accepted = {fmt.media_type} | _GENERIC_MEDIA_TYPES.get(fmt.syntax, set())
    if media_type and media_type not in accepted:
        raise InvalidDocument(N_("media type {media_type!r} is not one {id} is exchanged as "
                              "({items})", media_type=media_type, id=fmt.id, items=', '.join(sorted(accepted))), path="document.media_type")
    return fmt


def options_from(values: Mapping[str, str], supplied: Mapping[str, str] | None = None) -> TranslateOptions:
    if not values and not supplied:  # most requests: nothing to parse or check per call
        return _NO_OPTIONS
    try:
        options = TranslateOptions.from_mapping(values, supplied)
        for path in options.supplied:
            check_path(path)
        return options
    except ConfigurationError as error:
        field = "supplied" if supplied and error.path in supplied else "options"
        raise InvalidRequest(error.message, path=f"{field}.{error.path}" if error.path else field) from error


def report_fields(report: TranslationReport) -> dict[str, Any]:
    """The report message's fields, read from the same entries as ``report.as_dict()`` (which
    the JSON, the page and the attested claim are made from, so none can disagree), without
    building that dict when no one asked for it. Given as dicts, the entries and the report
    are built in place by upb in the message they go into; messages made first would be built
    and then copied (a TranslationReport into its response, a response into a stream's answer)."""
    return {"lossless": report.lossless, "source_format_id": report.source_format or "",
            "target_format_id": report.target_format or "",
            "entries": [{"kind": _KINDS[e.kind], "source_path": e.source_path or "",
                         "target_path": e.target_path or "", "detail": e.detail} for e in report.entries]}


class TranslationServicer(translation_pb2_grpc.TranslationServiceServicer):
    """``window`` is how many documents of one TranslateStream are read and not yet answered
    (the items after the first are read, and offered to the pool, while the first is in work); the stream's own
    thread translates the item it is to answer next, and ``workers`` threads translate the
    items read ahead for all streams together. One pool per stream made streams x window
    threads contend for the one GIL (and for the cores) however many streams a client opened;
    shared, the thread count stays bounded while the window still bounds what each stream holds."""

    def __init__(self, trust: GatewayTrust | None = None, window: int = STREAM_WINDOW,
                 workers: int = STREAM_WORKERS) -> None:
        self.trust = trust
        self.window = window
        self._stream_pool = futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fpgw-stream")

    def close(self) -> None:
        """End the stream pool's threads (after the server has stopped taking calls)."""
        self._stream_pool.shutdown(wait=True)

    def translate_one(self, document: document_pb2.Document, target: str, options: Mapping[str, str],
                      attest: bool, report_html: bool = False, supplied: Mapping[str, str] | None = None,
                      report_json: bool = False) -> dict[str, Any]:
        """The TranslateResponse's fields (built in place where they go: the unary response or
        a stream's answer)."""
        if not target:
            raise InvalidRequest(N_("target_format_id is required"), path="target_format_id")
        request_format(target, "target_format_id")
        content = one_document(document.content)
        fmt = content_format(document.format_id, document.media_type, content)
        result = translate(content, target, source=fmt.id, options=options_from(options, supplied))
        response: dict[str, Any] = {
            "document": {"format_id": result.target_format, "media_type": get_format(result.target_format).media_type,
                         "content": result.output},
            "report": report_fields(result.report),
        }
        if not (report_json or attest or report_html):
            return response
        report = result.report.as_dict()  # once: the JSON, the page and the claim read it
        if report_json:
            response["report_json"] = canonicalize(report)
        if attest:
            response["attestation"] = self._attest(content, result, report)
        if report_html:
            response["report_html"] = translation_report_html(report)
        return response

    def _attest(self, source: bytes, result: Translation, report: dict[str, Any]) -> dict[str, Any]:
        """The Attestation message's fields."""
        if self.trust is None:
            raise ConfigurationError(N_("this gateway has no trust list, so it cannot attest"), path="trust.list")
        media = media_of_format(result.target_format)
        claim = translated_claim(source, result.source_format, result.target_format, report)
        content = self.trust.sign(claim, document_digest(result.output, media), media=media)
        return {"media_type": ATTESTATION_MEDIA_TYPE, "content": content}

    def Translate(self, request: translation_pb2.TranslateRequest,
                  context: grpc.ServicerContext) -> translation_pb2.TranslateResponse:
        return translation_pb2.TranslateResponse(**self.translate_one(
            request.document, request.target_format_id, request.options, request.attest,
            request.include_report_html, request.supplied, request.include_report_json))

    def TranslateStream(self, request_iterator: Iterator[translation_pb2.TranslateStreamRequest],
                        context: grpc.ServicerContext) -> Iterator[translation_pb2.TranslateStreamResponse]:
        """Up to ``window`` items read ahead of their answers, answered in request order (a failed item
        with its ItemError in its place)."""
        yield from in_order(request_iterator, self._stream_item, self.window, context.is_active, self._stream_pool)

    def _stream_item(self, item: translation_pb2.TranslateStreamRequest) -> translation_pb2.TranslateStreamResponse:
        try:
            translation = self.translate_one(item.document, item.target_format_id, item.options, item.attest,
                                             item.include_report_html, item.supplied, item.include_report_json)
        except GatewayError as error:
            return translation_pb2.TranslateStreamResponse(request_id=item.request_id, error=item_error(error))
        except Exception:  # noqa: BLE001 - one item's defect must not end the others' stream
            incident = uuid.uuid4().hex[:12]
            log.exception("unexpected error in TranslateStream item %r (incident %s)", item.request_id, incident)
            error = GatewayError(N_("internal error (incident {incident})", incident=incident), incident=incident)
            return translation_pb2.TranslateStreamResponse(request_id=item.request_id, error=item_error(error))
        return translation_pb2.TranslateStreamResponse(request_id=item.request_id, translation=translation)

    def Validate(self, request: translation_pb2.ValidateRequest,
                 context: grpc.ServicerContext) -> translation_pb2.ValidateResponse:
        fmt = source_format(request.document)
        try:
            read(request.document.content, fmt.id)
        except InvalidDocument as error:
            violations = error.violations or (FieldViolation("", error.message),)
            return translation_pb2.ValidateResponse(
                valid=False, format_id=fmt.id,
                violations=[document_pb2.FieldViolation(path=v.path, message=v.message, reason=error.reason)
                            for v in violations],
            )
        return translation_pb2.ValidateResponse(valid=True, format_id=fmt.id)

    def ListFormats(self, request: translation_pb2.ListFormatsRequest,
                    context: grpc.ServicerContext) -> translation_pb2.ListFormatsResponse:
        formats = sorted((get_format(fid) for fid in available()), key=lambda f: f.id)
        return translation_pb2.ListFormatsResponse(formats=[
            translation_pb2.FormatInfo(
                format_id=f.id, name=f.title, version=f.spec_version, media_types=[f.media_type],
                readable=True, writable=True,
                description=f"{f.title}; mapping version {f.mapping_version}; checked against {f.schema_ref or 'its schema'}",
            )
            for f in formats
        ] + [
            translation_pb2.FormatInfo(format_id=fid, readable=False, writable=False, description=hint)
            for fid, hint in sorted(unavailable().items())
        ])
