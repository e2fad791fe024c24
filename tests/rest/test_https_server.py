"""The HTTPS server beside gRPC: real servers on port 0, a certificate made by the test."""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
from pathlib import Path

import httpx
import pytest
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from gateway.core.errors import ConfigurationError, NotFound
from gateway.rest import create_gateway
from gateway.server import ServerConfig, StoreConfig, TlsConfig
from gateway.server.config import HttpsConfig, load_config

from signing.testpki import CertificateAuthority


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("https-pki")
    ca = CertificateAuthority()
    cert, key = ca.issue("gateway.test", server=True).write(folder, "server")
    (folder / "ca.pem").write_bytes(ca.cert_pem)
    return cert, key, folder / "ca.pem"


def trusting(tls) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(tls[2]))


def config_for(tmp_path: Path, tls, **https) -> ServerConfig:
    cert, key, _ = tls
    return ServerConfig(address="127.0.0.1:0", store=StoreConfig(url=str(tmp_path / "g.sqlite")),
                        tls=TlsConfig(cert=cert, key=key),
                        https=HttpsConfig(**{"address": "127.0.0.1:0", **https})).check()


def hello_routes(context):
    def hello(request):
        return PlainTextResponse(f"hello from {context.base_url}, store {type(context.store).__name__}")

    def missing(request):
        raise NotFound("no such thing", path="/thing")

    return [Route("/hello", hello), Route("/missing", missing)]


@pytest.fixture
def gateway(tmp_path, tls):
    gw = create_gateway(config_for(tmp_path, tls, max_body_bytes=1000, body_seconds=0.5),
                        route_factories=[hello_routes])
    gw.start()
    yield gw
    gw.stop(0)


def test_mounted_route_is_served_over_https_beside_grpc(gateway, tls):
    with httpx.Client(verify=trusting(tls)) as client:
        health = client.get(f"{gateway.base_url}/health")
        hello = client.get(f"{gateway.base_url}/hello")
    assert health.json() == {"status": "SERVING"}
    assert hello.text == f"hello from https://127.0.0.1:{gateway.ports.https}, store SqliteStore"
    assert gateway.ports.grpc != gateway.ports.https


def test_errors_are_code_and_message(gateway, tls):
    with httpx.Client(verify=trusting(tls)) as client:
        missing = client.get(f"{gateway.base_url}/missing")
        unknown = client.get(f"{gateway.base_url}/no/such/path")
        wrong_method = client.delete(f"{gateway.base_url}/hello")
    assert (missing.status_code, missing.json()) == (404, {"code": "NotFound", "message": "/thing: no such thing"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "NotFound"
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "BadRequest"


def test_plain_http_to_the_port_fails(gateway):
    connection = http.client.HTTPConnection("127.0.0.1", gateway.ports.https, timeout=5)
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        connection.request("GET", "/health")
        connection.getresponse().read()


def test_oversized_body_is_refused_before_the_handler(gateway, tls):
    with httpx.Client(verify=trusting(tls)) as client:
        response = client.post(f"{gateway.base_url}/hello", content=b"x" * 1001)
    assert response.status_code == 413
    assert response.json() == {"code": "BadRequest", "message": "request body over 1000 bytes"}


def test_a_trickled_body_is_cut(gateway, tls):
    context = ssl.create_default_context(cafile=str(tls[2]))
    with socket.create_connection(("127.0.0.1", gateway.ports.https), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as conn:
            conn.sendall(b"POST /hello HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nabc")
            answer = b""
            while chunk := conn.recv(4096):
                answer += chunk
    assert answer.startswith(b"HTTP/1.1 408")
    assert b"not received within 0.5 s" in answer


def _answer(conn: ssl.SSLSocket) -> bytes:
    answer = b""
    while chunk := conn.recv(4096):
        answer += chunk
    return answer


def test_a_silent_or_trickled_request_head_is_cut_and_frees_its_slot(tmp_path, tls):
    """Slowloris: connections that never finish a request head must not hold every slot."""
    gw = create_gateway(config_for(tmp_path, tls, max_connections=2, header_seconds=0.5), route_factories=[hello_routes])
    gw.start()
    try:
        context = trusting(tls)
        silent = context.wrap_socket(socket.create_connection(("127.0.0.1", gw.ports.https), timeout=10),
                                     server_hostname="localhost")
        trickled = context.wrap_socket(socket.create_connection(("127.0.0.1", gw.ports.https), timeout=10),
                                       server_hostname="localhost")
        with silent, trickled:
            trickled.sendall(b"GET /hello HTTP/1.1\r\nHost: local")
            answers = [_answer(silent), _answer(trickled)]
        for answer in answers:
            assert answer.startswith(b"HTTP/1.1 408")
            assert b"request head not received within 0.5 s" in answer
        with httpx.Client(verify=context) as client:
            assert client.get(f"{gw.base_url}/hello").status_code == 200
    finally:
        gw.stop(0)


def test_a_keep_alive_request_head_has_its_own_deadline(tmp_path, tls):
    gw = create_gateway(config_for(tmp_path, tls, header_seconds=0.5, keep_alive_seconds=30), route_factories=[hello_routes])
    gw.start()
    try:
        context = trusting(tls)
        with context.wrap_socket(socket.create_connection(("127.0.0.1", gw.ports.https), timeout=10),
                                 server_hostname="localhost") as conn:
            conn.sendall(b"GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\nGET /hello HTTP/1.1\r\nHo")
            answer = _answer(conn)
        assert answer.startswith(b"HTTP/1.1 200")
        assert answer.count(b"hello from") == 1
        assert b"HTTP/1.1 408" in answer
    finally:
        gw.stop(0)


def test_graceful_stop_lets_an_inflight_request_finish(tmp_path, tls):
    entered, release = threading.Event(), threading.Event()

    def slow_routes(context):
        def slow(request):
            entered.set()
            release.wait(10)
            return PlainTextResponse("done")

        return [Route("/slow", slow)]

    gw = create_gateway(config_for(tmp_path, tls), route_factories=[slow_routes])
    gw.start()
    result: list[httpx.Response] = []
    client = threading.Thread(target=lambda: result.append(httpx.get(f"{gw.base_url}/slow", verify=trusting(tls))))
    client.start()
    assert entered.wait(10)
    stopper = threading.Thread(target=gw.stop)
    stopper.start()
    release.set()
    stopper.join(20)
    client.join(20)
    assert result and result[0].text == "done"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{gw.base_url}/health", verify=trusting(tls))


def test_https_section_from_toml_and_environment(tmp_path, tls):
    cert, key, _ = tls
    (tmp_path / "gw.toml").write_text(
        f'[tls]\ncert = "{cert}"\nkey = "{key}"\n[https]\naddress = "127.0.0.1:8443"\nbase_url = "https://pcf.example.cn"\n')
    config = load_config(tmp_path / "gw.toml", {"FPGW_HTTPS_MAX_BODY_BYTES": "2048"})
    assert config.https == HttpsConfig(address="127.0.0.1:8443", base_url="https://pcf.example.cn", max_body_bytes=2048)
    assert config.https_cert == (cert, key)


@pytest.mark.parametrize("https, path", [
    ({"base_url": "http://pcf.example.cn"}, "https.base_url"),
    ({"address": "8443"}, "https.address"),
    ({"max_body_bytes": 0}, "https.max_body_bytes"),
    ({"body_seconds": 0}, "https.body_seconds"),
    ({"header_seconds": 0}, "https.header_seconds"),
])
def test_bad_https_settings_are_named(tmp_path, tls, https, path):
    with pytest.raises(ConfigurationError) as caught:
        config_for(tmp_path, tls, **https)
    assert caught.value.path == path


def test_https_needs_a_certificate(tmp_path):
    with pytest.raises(ConfigurationError) as caught:
        ServerConfig(address="127.0.0.1:0", https=HttpsConfig(address="127.0.0.1:0")).check()
    assert caught.value.path == "https.cert"
