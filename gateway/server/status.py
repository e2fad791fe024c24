"""Project exceptions as ``google.rpc.Status``, and back again on the client side.

Every error leaves the server with an ``ErrorInfo`` (stable reason, domain, metadata) and,
when it names fields, a ``BadRequest`` whose field violations carry document paths (AIP-193).
The message is English; a ``LocalizedMessage`` (zh-CN) carries it in Chinese for clients
whose operator reads Chinese (``fpgw --lang zh``), and so does each violation.
"""

from __future__ import annotations

from typing import Any

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from .._proto import DOMAIN, document_pb2
from ..core.errors import GatewayError
from ..core.i18n import N_, in_chinese, localize
from .codes import grpc_code

CHINESE = "zh-CN"


def _in_chinese(text: str, english: str) -> error_details_pb2.LocalizedMessage | None:
    chinese = localize(text, in_chinese)
    return error_details_pb2.LocalizedMessage(locale=CHINESE, message=chinese) if chinese != english else None


def to_status(error: GatewayError) -> status_pb2.Status:
    details = []
    info = error_details_pb2.ErrorInfo(reason=error.reason, domain=DOMAIN, metadata=error.metadata)
    details.append(_pack(info))
    if error.violations:
        bad = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=v.path, description=v.message,
                                                            localized_message=_in_chinese(v.text, v.message))
                for v in error.violations
            ]
        )
        details.append(_pack(bad))
    chinese = _in_chinese(error.text, error.message)
    if chinese is not None:
        details.append(_pack(chinese))
    return status_pb2.Status(code=grpc_code(error).value[0], message=error.message, details=details)


def internal_status(incident: str) -> status_pb2.Status:
    """What a client sees of an unexpected failure: no internals, only an id for the logs."""
    info = error_details_pb2.ErrorInfo(reason=GatewayError.reason, domain=DOMAIN, metadata={"incident": incident})
    message = N_("internal error (incident {incident})", incident=incident)
    chinese = _in_chinese(message, message)
    return status_pb2.Status(code=code_pb2.INTERNAL, message=str(message),
                             details=[_pack(info), *([_pack(chinese)] if chinese else [])])


def _pack(message: Any) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


def error_details(error: grpc.RpcError) -> dict[str, Any]:
    """Client side: ``{code, message, reason, domain, metadata, violations}`` of a failed call,
    and ``chinese``: the message and each violation's message (path to text) the server sent
    in Chinese."""
    out: dict[str, Any] = {"code": error.code().name, "message": error.details(), "reason": "",
                           "domain": "", "metadata": {}, "violations": [],
                           "chinese": {"message": None, "violations": {}}}
    status = rpc_status.from_call(error)
    if status is None:
        return out
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            out.update(reason=info.reason, domain=info.domain, metadata=dict(info.metadata))
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            out["violations"] = [{"path": v.field, "message": v.description} for v in bad.field_violations]
            out["chinese"]["violations"] = {v.field: v.localized_message.message for v in bad.field_violations
                                            if v.localized_message.locale == CHINESE}
        elif detail.Is(error_details_pb2.LocalizedMessage.DESCRIPTOR):
            localized = error_details_pb2.LocalizedMessage()
            detail.Unpack(localized)
            if localized.locale == CHINESE:
                out["chinese"]["message"] = localized.message
    return out


def item_error(error: GatewayError) -> document_pb2.ItemError:
    """One failed item of a stream: the same reason, domain and metadata a unary call carries."""
    return document_pb2.ItemError(
        reason=error.reason, domain=DOMAIN, message=error.message, metadata=error.metadata,
        violations=[document_pb2.FieldViolation(path=v.path, message=v.message, reason=error.reason)
                    for v in error.violations],
    )
