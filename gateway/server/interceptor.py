"""The one place exceptions become gRPC statuses."""

from __future__ import annotations

import logging
import time
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


Observe = Callable[[str, str, float, grpc.ServicerContext], None]
"""(full method, reason or ``OK``, seconds, context) after each call; for metrics and the access log."""


def _outcome(error: Exception, context: grpc.ServicerContext) -> str:
    if _already_aborted(context):
        return context.code().name
    return error.reason if isinstance(error, GatewayError) else GatewayError.reason


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
    """Maps :class:`GatewayError` to its status; anything else to INTERNAL, logged with an id.
    ``observe`` hears of every call with its outcome (a stream the client left: ``CANCELLED``)."""

    def __init__(self, observe: Observe | None = None) -> None:
        self.observe = observe

    def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(handler_call_details)
        if handler is None:
            return None
        method = handler_call_details.method
        behaviour = behaviour_of(handler)
        observe = self.observe

        def unary(request: Any, context: grpc.ServicerContext) -> Any:
            started, outcome = time.perf_counter(), "OK"
            try:
                return behaviour(request, context)
            except Exception as error:
                outcome = _outcome(error, context)
                if _already_aborted(context):
                    raise
                _abort(error, context, method)
            finally:
                if observe is not None:
                    observe(method, outcome, time.perf_counter() - started, context)

        def stream(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            started, outcome = time.perf_counter(), "CANCELLED"
            try:
                yield from behaviour(request, context)
                outcome = "OK"
            except Exception as error:
                outcome = _outcome(error, context)
                if _already_aborted(context):
                    raise
                _abort(error, context, method)
            finally:
                if observe is not None:
                    observe(method, outcome, time.perf_counter() - started, context)

        return rewrap(handler, stream if handler.response_streaming else unary)
