"""The one place exceptions become gRPC statuses."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import grpc
from grpc_status import rpc_status

from ..core.errors import GatewayError
from .status import internal_status, to_status

log = logging.getLogger("gateway.server")


def _abort(error: Exception, context: grpc.ServicerContext, method: str) -> None:
    if isinstance(error, GatewayError):
        status = to_status(error)
    else:
        incident = uuid.uuid4().hex[:12]
        log.exception("unexpected error in %s (incident %s)", method, incident)
        status = internal_status(incident)
    context.abort_with_status(rpc_status.to_status(status))


def _already_aborted(context: grpc.ServicerContext) -> bool:
    code = context.code()
    return code is not None and code != grpc.StatusCode.OK


_HANDLER_FACTORIES = {
    (False, False): grpc.unary_unary_rpc_method_handler,
    (False, True): grpc.unary_stream_rpc_method_handler,
    (True, False): grpc.stream_unary_rpc_method_handler,
    (True, True): grpc.stream_stream_rpc_method_handler,
}


def behaviour_of(handler: grpc.RpcMethodHandler) -> Callable[..., Any]:
    """The servicer method a handler calls, whatever its streaming kind."""
    return handler.unary_unary or handler.unary_stream or handler.stream_unary or handler.stream_stream


def rewrap(handler: grpc.RpcMethodHandler, behaviour: Callable[..., Any]) -> grpc.RpcMethodHandler:
    """``handler`` calling ``behaviour`` instead (a generator function when it streams responses)."""
    factory = _HANDLER_FACTORIES[(handler.request_streaming, handler.response_streaming)]
    return factory(behaviour, request_deserializer=handler.request_deserializer,
                   response_serializer=handler.response_serializer)


class ErrorInterceptor(grpc.ServerInterceptor):
    """Maps :class:`GatewayError` to its status; anything else to INTERNAL, logged with an id."""

    def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(handler_call_details)
        if handler is None:
            return None
        method = handler_call_details.method
        behaviour = behaviour_of(handler)

        def unary(request: Any, context: grpc.ServicerContext) -> Any:
            try:
                return behaviour(request, context)
            except Exception as error:
                if _already_aborted(context):
                    raise
                _abort(error, context, method)

        def stream(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            try:
                yield from behaviour(request, context)
            except Exception as error:
                if _already_aborted(context):
                    raise
                _abort(error, context, method)

        return rewrap(handler, stream if handler.response_streaming else unary)
