"""EchoService: the do-nothing baseline that benchmarks compare real RPCs against."""

from __future__ import annotations

from collections.abc import Iterator

import grpc

from .._proto import echo_pb2, echo_pb2_grpc


class EchoServicer(echo_pb2_grpc.EchoServiceServicer):
    def Echo(self, request: echo_pb2.EchoRequest, context: grpc.ServicerContext) -> echo_pb2.EchoResponse:
        return echo_pb2.EchoResponse(payload=request.payload)

    def EchoStream(
        self, request_iterator: Iterator[echo_pb2.EchoStreamRequest], context: grpc.ServicerContext
    ) -> Iterator[echo_pb2.EchoStreamResponse]:
        for request in request_iterator:
            yield echo_pb2.EchoStreamResponse(payload=request.payload)
