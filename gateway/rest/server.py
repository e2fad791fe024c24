"""The HTTPS server: a Starlette application on uvicorn, in a thread beside the gRPC server.

HTTPS only: the socket speaks TLS from its first byte, so a plaintext HTTP request to the
port fails in the handshake (the PACT conformance tool checks exactly that). The server owns
its own event loop in a thread; the store and everything blocking run in Starlette's thread
pool, as the gRPC handlers do in theirs.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import socket
import ssl
import threading
from pathlib import Path

import orjson
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

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


class _HeadDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol with a deadline on every request head.

    uvicorn times out only a keep-alive connection left idle after a response. A client that
    connects and sends nothing, or trickles its request line and headers, would hold its
    connection for ever, and ``max_connections`` such clients refuse everyone else (slowloris).
    Here a request head must be complete within ``header_seconds`` of the connection (for the
    first request) or of its own first byte (for the next ones on a kept-alive connection); a
    late one is answered 408 and its connection closed. Bodies have their own deadline in
    ``RequestLimits``.
    """

    def __init__(self, *args, header_seconds: float, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._header_seconds = header_seconds
        self._head_deadline: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        if self._head_deadline is None:
            self._head_deadline = self.loop.call_later(self._header_seconds, self._head_overdue)

    def _disarm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_overdue(self) -> None:
        self._head_deadline = None
        if self.transport.is_closing():
            return
        body = orjson.dumps({"code": "BadRequest",
                             "message": f"request head not received within {self._header_seconds:g} s"})
        self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
                             b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body))
        self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()


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
            http=functools.partial(_HeadDeadlineProtocol, header_seconds=self._https.header_seconds),  # type: ignore[arg-type]
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
