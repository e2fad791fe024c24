"""TEST-ONLY: a deliberately faulty gateway, to prove the suite can fail.

``faulty_proxy(upstream, faults)`` serves the contract on a loopback port (mutual TLS with
the suite's test keys) and forwards every call to a real gateway, altering answers for the
named faults:

- ``drop-field``: Translate to canonical-json loses the organisation's English name;
- ``accept-revoked-key``: Verify answers a refusal with KEY_REVOKED as if it verified;
- ``ignore-verification-criterion``: Assess reports a failed ``verification`` criterion
  as passed (and recomputes the outcome).

No change to the gateway itself is needed: the proxy is the faulty implementation.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import grpc

from gateway._proto import (
    attestation_pb2,
    attestation_pb2_grpc,
    exchange_pb2_grpc,
    recognition_pb2,
    recognition_pb2_grpc,
    translation_pb2_grpc,
)

from .matching import error_view
from .runner import KEY_PREFIX, Target

FAULTS = ("drop-field", "accept-revoked-key", "ignore-verification-criterion")


def _drop_field(response):
    if response.document.format_id != "canonical-json":
        return response
    data = json.loads(response.document.content)
    data.get("organisation", {}).get("name", {}).pop("en", None)
    response.document.content = json.dumps(data, ensure_ascii=False).encode()
    return response


def _ignore_verification(response):
    decision = response.decision
    flipped = [c for c in decision.criteria
               if c.criterion_id == "verification" and c.outcome == recognition_pb2.CRITERION_OUTCOME_FAIL]
    if not flipped:
        return response
    for c in flipped:
        c.outcome = recognition_pb2.CRITERION_OUTCOME_PASS
    outcomes = {c.outcome for c in decision.criteria}
    decision.outcome = (recognition_pb2.RECOGNITION_OUTCOME_NOT_RECOGNISED if recognition_pb2.CRITERION_OUTCOME_FAIL in outcomes
                        else recognition_pb2.RECOGNITION_OUTCOME_RECOGNISED_WITH_CONDITIONS
                        if recognition_pb2.CRITERION_OUTCOME_CONDITIONAL in outcomes
                        else recognition_pb2.RECOGNITION_OUTCOME_RECOGNISED)
    return response


def _servicer(stub_class, servicer_class, channel: grpc.Channel, faults: frozenset[str]):
    """A servicer whose every method forwards to the upstream stub (with the faults applied)."""
    stub = stub_class(channel)

    class Forwarding(servicer_class):
        pass

    def unary(name):
        def call(self, request, context):
            try:
                response = getattr(stub, name)(request, timeout=context.time_remaining())
            except grpc.RpcError as exc:
                if (name == "Verify" and "accept-revoked-key" in faults
                        and error_view(exc)["reason"] == "KEY_REVOKED"):
                    return attestation_pb2.VerifyResponse()
                context.abort_with_status(_status(exc))
            if name == "Translate" and "drop-field" in faults:
                return _drop_field(response)
            if name == "Assess" and "ignore-verification-criterion" in faults:
                return _ignore_verification(response)
            return response
        return call

    def streaming(name):
        def call(self, request, context):
            try:
                yield from getattr(stub, name)(request, timeout=context.time_remaining())
            except grpc.RpcError as exc:
                context.abort_with_status(_status(exc))
        return call

    for method in servicer_class.__dict__:
        if method.startswith("_"):
            continue
        if method in ("Watch", "TranslateStream"):
            setattr(Forwarding, method, streaming(method))
        else:
            setattr(Forwarding, method, unary(method))
    return Forwarding()


def _status(exc: grpc.RpcError):
    from grpc_status import rpc_status

    status = rpc_status.from_call(exc)
    if status is not None:
        return rpc_status.to_status(status)

    class Plain(grpc.Status):
        code, details, trailing_metadata = exc.code(), exc.details(), ()

    return Plain()


@contextlib.contextmanager
def faulty_proxy(upstream: Target, faults: tuple[str, ...] | frozenset[str], keys: Path) -> Iterator[Target]:
    """Serve a faulty copy of ``upstream`` on a loopback port; yield a Target for it."""
    unknown = set(faults) - set(FAULTS)
    if unknown:
        raise ValueError(f"unknown faults {sorted(unknown)}; known: {', '.join(FAULTS)}")
    k = lambda name: (keys / f"{KEY_PREFIX}{name}").read_bytes()  # noqa: E731
    channel = grpc.secure_channel(upstream.address, grpc.ssl_channel_credentials(k("ca.pem"), k("hebei-p256.pem"), k("hebei.pem")))
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    chosen = frozenset(faults)
    for stub, servicer, add in (
        (translation_pb2_grpc.TranslationServiceStub, translation_pb2_grpc.TranslationServiceServicer, translation_pb2_grpc.add_TranslationServiceServicer_to_server),
        (attestation_pb2_grpc.AttestationServiceStub, attestation_pb2_grpc.AttestationServiceServicer, attestation_pb2_grpc.add_AttestationServiceServicer_to_server),
        (recognition_pb2_grpc.RecognitionServiceStub, recognition_pb2_grpc.RecognitionServiceServicer, recognition_pb2_grpc.add_RecognitionServiceServicer_to_server),
        (exchange_pb2_grpc.ExchangeServiceStub, exchange_pb2_grpc.ExchangeServiceServicer, exchange_pb2_grpc.add_ExchangeServiceServicer_to_server),
    ):
        add(_servicer(stub, servicer, channel, chosen), server)
    creds = grpc.ssl_server_credentials([(k("server.key"), k("server.pem"))], root_certificates=k("ca.pem"),
                                        require_client_auth=True)
    port = server.add_secure_port("127.0.0.1:0", creds)
    server.start()
    try:
        yield Target(address=f"127.0.0.1:{port}", keys=keys)
    finally:
        server.stop(0)
        channel.close()
