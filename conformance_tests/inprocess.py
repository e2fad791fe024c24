"""Our own gateway on a loopback port with the suite's TEST-ONLY keys and trust list.

It signs as, and is called as, the Hebei platform (mutual TLS with the suite's test CA),
so that Submit, Sign and attested translations are all allowed for the runner's identity.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from gateway.server import ServerConfig, SigningConfig, StoreConfig, TlsConfig, TrustConfig, create_server

from .runner import KEY_PREFIX, Target

IDENTITY = "urn:jjj:platform:hebei"


def server_config(keys: Path, store: Path, *, address: str = "127.0.0.1:0") -> ServerConfig:
    k = lambda name: keys / f"{KEY_PREFIX}{name}"  # noqa: E731
    return ServerConfig(
        address=address, identity=IDENTITY, max_workers=8, max_concurrent_rpcs=64,
        tls=TlsConfig(cert=k("server.pem"), key=k("server.key"), client_ca=k("ca.pem")),
        store=StoreConfig(url=str(store)),
        trust=TrustConfig(list=k("trust-list.json"), root=k("root-public.txt").read_text("ascii").strip()),
        signing=SigningConfig(key=k("hebei-ed25519.pem"), key_id=f"{IDENTITY}#ed25519-1"),
        grace_seconds=1.0,
    )


@contextlib.contextmanager
def in_process_server(keys: Path) -> Iterator[Target]:
    """Start the server on port 0 with a fresh SQLite store; yield a Target for it."""
    with tempfile.TemporaryDirectory(prefix="fpgw-conformance-") as tmp:
        server, port = create_server(server_config(keys, Path(tmp) / "gateway.sqlite"))
        server.start()
        try:
            yield Target(address=f"127.0.0.1:{port}", keys=keys)
        finally:
            server.stop(0)
