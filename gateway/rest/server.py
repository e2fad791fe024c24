"""The HTTPS server: a Starlette application on uvicorn, in a thread beside the gRPC server.

HTTPS only: the socket speaks TLS from its first byte, so a plaintext HTTP request to the
port fails in the handshake (the PACT conformance tool checks exactly that). The server owns
its own event loop in a thread; the store and everything blocking run in Starlette's thread
pool, as the gRPC handlers do in theirs.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import threading
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from ..core.errors import ConfigurationError
from ..core.i18n import N_
from ..server.config import HttpsConfig

log = logging.getLogger("gateway.rest")
STARTUP_SECONDS = 30


def bind(address: str, *, reuse_port: bool = False) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0 picks one)."""
    host, _, port = address.rpartition(":")
    host = host.strip("[]")
    try:
        info = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(info[0], socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(info[4])
        sock.listen(1024)
    except (OSError, ValueError) as exc:
        raise ConfigurationError(N_("cannot bind HTTPS {address}: {exc}", address=address, exc=exc), path="https.address") from exc
    sock.setblocking(False)
    return sock


class _Uvicorn(uvicorn.Server):
    """uvicorn's server, telling a waiting thread when it is listening (or has failed)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        finally:
            self.ready.set()


class HttpsServer:
    """One HTTPS server: bound first (so the app can know its port), then ``attach`` the app,
    ``start()``, ``stop()``."""

    def __init__(self, sock: socket.socket, host: str, https: HttpsConfig) -> None:
        self._socket = sock
        self.port: int = sock.getsockname()[1]
        self.host = host
        self._https = https
        self._server: _Uvicorn | None = None
        self._thread = threading.Thread(target=self._run, name="fpgw-https", daemon=True)
        self._failure: BaseException | None = None

    @classmethod
    def bind_only(cls, https: HttpsConfig, *, reuse_port: bool = False) -> HttpsServer:
        return cls(bind(https.address, reuse_port=reuse_port), https.host, https)

    @classmethod
    def for_app(cls, app: ASGIApp, https: HttpsConfig, cert: Path, key: Path, **kwargs) -> HttpsServer:
        reuse_port = kwargs.pop("reuse_port", False)
        server = cls.bind_only(https, reuse_port=reuse_port)
        server.attach(app, cert, key, **kwargs)
        return server

    def attach(self, app: ASGIApp, cert: Path, key: Path, *, grace_seconds: float = 10.0) -> None:
        for name, path in (("cert", cert), ("key", key)):
            if not path.is_file():
                raise ConfigurationError(N_("HTTPS {name} {path} is not a readable file", name=name, path=path), path=f"https.{name}")
        config = uvicorn.Config(
            app,
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
            ssl_version=ssl.PROTOCOL_TLS_SERVER,
            timeout_keep_alive=int(max(1, self._https.keep_alive_seconds)),
            timeout_graceful_shutdown=int(max(1, grace_seconds)),
            limit_concurrency=self._https.max_connections,
            server_header=False,
            access_log=False,
            lifespan="off",
            log_config=None,
        )
        try:
            config.load()  # reads the certificate now, so a bad one fails at start, by name
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(N_("cannot use the HTTPS certificate {cert}: {exc}", cert=cert, exc=exc), path="https.cert") from exc
        self._server = _Uvicorn(config)

    def _run(self) -> None:
        assert self._server is not None
        try:
            with asyncio.Runner(loop_factory=self._server.config.get_loop_factory()) as runner:
                runner.run(self._server.serve(sockets=[self._socket]))
        except BaseException as exc:  # reported to start(); the thread must not die silently
            self._failure = exc
            self._server.ready.set()

    def start(self) -> None:
        if self._server is None:
            raise ConfigurationError(N_("the HTTPS server has no application"), path="https")
        self._thread.start()
        if not self._server.ready.wait(STARTUP_SECONDS) or self._failure or not self._server.started:
            raise ConfigurationError(N_("the HTTPS server did not start: {value}", value=self._failure or 'timed out'),
                                     path="https.address")
        log.info("HTTPS on %s:%d", self.host, self.port)

    def stop(self) -> None:
        """Stop accepting, let in-flight requests finish (up to the grace period), close."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join()
        self.close()

    def close(self) -> None:
        self._socket.close()
