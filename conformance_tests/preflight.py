"""Before any case runs: can the target be reached, and does the TLS handshake succeed?

A wrong port or CA would otherwise fail every case with the same transport error; this
stops the run with one line naming what to fix (``--ca``, ``--cert``, ``--key``)."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gateway.client import is_handshake_failure

from .runner import Channels, Target

PREFLIGHT_SECONDS = 10.0


def preflight(target: Target, seconds: float = PREFLIGHT_SECONDS) -> str | None:
    """None when the target answers (any answer but UNAVAILABLE or a timeout); else why not."""
    try:
        ca, cert, key = target.credential_files(None)
        for flag, path in (("--ca", ca), ("--cert", cert), ("--key", key)):
            if not target.insecure and not path.is_file():
                return f"{flag} {path} is not a readable file"
    except OSError as exc:
        return f"cannot read the TLS files: {exc}"
    channels = Channels(target)
    try:
        stub = health_pb2_grpc.HealthStub(channels(None))
        stub.Check(health_pb2.HealthCheckRequest(), timeout=seconds, wait_for_ready=False)
    except grpc.RpcError as error:
        code, message = error.code(), " ".join((error.details() or "").split())
        if code not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
            return None
        if not target.insecure and is_handshake_failure(message):
            return (f"the TLS handshake with {target.address} failed: check --ca {ca} (the CA of its server "
                    f"certificate), --cert {cert} and --key {key} (a client certificate it accepts) ({message})")
        return f"{target.address} is unreachable ({code.name}: {message}): check --target HOST:PORT"
    finally:
        channels.close()
    return None
