"""PACT hosts on port 0 for the tests: a certificate from a test CA, clients with argon2-hashed
secrets, and example declarations submitted into the real SQLite store."""

from __future__ import annotations

import importlib.resources
import ssl
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from gateway.rest import Gateway, create_gateway
from gateway.rest.pact import hash_secret
from gateway.server import ServerConfig, StoreConfig, TlsConfig
from gateway.server.config import HttpsConfig, PactConfig
from gateway.server.submission import Submission, accept_as_declared
from gateway.store import Store
from gateway.translate import read

from signing.testpki import CertificateAuthority

SECRETS = {"buyer": "buyer-secret-1", "tianjin-reader": "tianjin-secret-2"}
BATTERY, STEEL, CEMENT = "tianjin-ev-battery-pack-nmc.json", "hebei-hot-rolled-steel-coil.json", "beijing-cement.xml"


def example(name: str) -> bytes:
    return importlib.resources.files("gateway.examples").joinpath(name).read_bytes()


def submit(store: Store, content: bytes) -> str:
    reading = read(content)
    decl = reading.declaration
    store.put_declaration(accept_as_declared(Submission(
        declaration_id=str(decl.id), version=decl.version, region=decl.region or "", sector=decl.product.sector or "",
        product_id="", format_id=reading.format.id, media_type=reading.format.media_type, content=content,
        attestations=(), submitter=None)), actor="test")
    return str(decl.id)


@dataclass
class Host:
    gateway: Gateway
    folder: Path
    ca: Path
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        assert self.gateway.base_url
        return self.gateway.base_url

    def http(self) -> httpx.Client:
        return httpx.Client(verify=ssl.create_default_context(cafile=str(self.ca)), timeout=10)

    def token(self, client: str = "buyer") -> str:
        if client in self.tokens:
            return self.tokens[client]
        with self.http() as http:
            response = http.post(f"{self.url}/auth/token", auth=(client, SECRETS[client]),
                                 data={"grant_type": "client_credentials"})
        assert response.status_code == 200, response.text
        self.tokens[client] = response.json()["access_token"]
        return self.tokens[client]

    def get(self, path: str, client: str = "buyer", **kwargs) -> httpx.Response:
        with self.http() as http:
            return http.get(f"{self.url}{path}", headers={"Authorization": f"Bearer {self.token(client)}"}, **kwargs)


class PactHosts:
    """Makes hosts in one folder; every host started is stopped at the end of the test."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ca = CertificateAuthority()
        self.cert, self.key = self.ca.issue("pact.test", server=True).write(folder, "server")
        self.ca_file = folder / "ca.pem"
        self.ca_file.write_bytes(self.ca.cert_pem)
        self.started: list[Gateway] = []

    def clients_file(self, name: str, partners: str = "") -> Path:
        path = self.folder / f"{name}-clients.toml"
        path.write_text(
            f'[[client]]\nid = "buyer"\nsecret_hash = "{hash_secret(SECRETS["buyer"])}"\nall = true\n\n'
            f'[[client]]\nid = "tianjin-reader"\nsecret_hash = "{hash_secret(SECRETS["tianjin-reader"])}"\n'
            f'regions = ["120000"]\n\n{partners}', encoding="utf-8")
        return path

    def config(self, name: str, *, partners: str = "", address: str = "127.0.0.1:0", **pact) -> ServerConfig:
        return ServerConfig(
            address="127.0.0.1:0", grace_seconds=1, tls=TlsConfig(cert=self.cert, key=self.key),
            store=StoreConfig(url=str(self.folder / f"{name}.sqlite")), https=HttpsConfig(address=address),
            pact=PactConfig(clients=self.clients_file(name, partners), key=self.folder / f"{name}-token.key", **pact),
        ).check()

    def start(self, name: str = "host", *, examples: tuple[str, ...] = (BATTERY, STEEL, CEMENT), **kwargs) -> Host:
        gateway = create_gateway(self.config(name, **kwargs))
        for item in examples:
            submit(gateway.store, example(item))
        gateway.start()
        self.started.append(gateway)
        return Host(gateway, self.folder, self.ca_file)

    def stop(self, host: Host) -> None:
        host.gateway.stop(0)
        self.started.remove(host.gateway)

    def close(self) -> None:
        for gateway in self.started:
            gateway.stop(0)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_config(hosts: PactHosts, name: str, https_port: int, partners: str = "", **pact: object) -> Path:
    """A gateway's TOML configuration (for the CLI and ``fpgw serve``) with a fixed HTTPS port."""
    clients = hosts.clients_file(name, partners)
    extra = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in pact.items())
    path = hosts.folder / f"{name}.toml"
    path.write_text(
        f'[server]\naddress = "127.0.0.1:0"\ngrace_seconds = 1\n[tls]\ncert = "{hosts.cert}"\nkey = "{hosts.key}"\n'
        f'[store]\nurl = "{hosts.folder / (name + ".sqlite")}"\n[https]\naddress = "127.0.0.1:{https_port}"\n'
        f'[pact]\nclients = "{clients}"\nkey = "{hosts.folder / (name + "-token.key")}"\n{extra}', encoding="utf-8")
    return path
