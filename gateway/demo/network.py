"""Three regional gateways on loopback with a freshly made PKI, for the demo.

Everything lives in one temporary folder: the root key, the CA, each platform's keys and
certificates, the signed trust list, one TOML configuration and one SQLite file per
gateway. Nothing outside it is written. A network can instead be given a PKI read back from
files (the conformance suite's TEST-ONLY one: ``fpgw demo --conformance``) and an exporter's
client certificate, since such a PKI's CA issues nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import grpc

from signing.testpki import TestPki, make_test_pki

from ..rest import Gateway, create_gateway
from ..rest.pact import hash_secret
from ..server import (
    GatewayServer,
    RecognitionConfig,
    ServerConfig,
    SigningConfig,
    StoreConfig,
    TlsConfig,
    TrustConfig,
)
from ..server.config import HttpsConfig, PactConfig

REGIONS = {  # short name -> receiving-region recognition policy
    "beijing": "cn-bj",
    "tianjin": "cn-tj",
    "hebei": "cn-he",
}
EXPORTER = "urn:example:exporter:tianjin-cells"
PACT_CLIENT = "overseas-buyer"


@dataclass(frozen=True)
class Exporter:
    """A client the trust list does not name: its entity id and certificate and key files."""

    id: str
    cert: Path
    key: Path


@dataclass
class RegionalGateway:
    name: str
    entity_id: str
    gateway: Gateway
    port: int
    config: ServerConfig

    @property
    def server(self) -> GatewayServer:
        return self.gateway.grpc

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pact_base_url(self) -> str:
        assert self.gateway.base_url is not None
        return self.gateway.base_url


class DemoNetwork:
    """Start with :meth:`start`, stop with :meth:`stop` (or use it as a context manager)."""

    def __init__(self, folder: Path, pki: TestPki | None = None, exporter: Exporter | None = None) -> None:
        """Fresh keys in ``folder/pki``, or ``pki`` with ``exporter`` (both or neither)."""
        if (pki is None) != (exporter is None):
            raise ValueError("a given PKI needs the exporter's client certificate, and only then")
        self.folder = folder
        self.fresh = pki is None
        self.pki: TestPki = pki or make_test_pki(folder / "pki")
        self.gateways: dict[str, RegionalGateway] = {}
        if exporter is None:
            credential = self.pki.ca.issue("Tianjin Cells Co. (exporter)", uris=(EXPORTER,))
            exporter = Exporter(EXPORTER, *credential.write(folder / "pki", "exporter"))
        self.exporter = exporter
        # One overseas buyer's PACT client, allowed to read every footprint of every gateway.
        self.pact_secret = secrets.token_urlsafe(24)
        self.pact_clients = folder / "pact-clients.toml"
        self.pact_clients.write_text(f'[[client]]\nid = "{PACT_CLIENT}"\nsecret_hash = "{hash_secret(self.pact_secret)}"\n'
                                     "all = true\n", encoding="utf-8")

    def config(self, name: str) -> ServerConfig:
        files, entity = self.pki.files, self.pki[name]
        return ServerConfig(
            address="127.0.0.1:0", identity=entity.id, max_workers=4, max_concurrent_rpcs=32, grace_seconds=2,
            tls=TlsConfig(cert=files["server_cert"], key=files["server_key"], client_ca=files["ca"]),
            store=StoreConfig(url=str(self.folder / f"{name}.sqlite")),
            trust=TrustConfig(list=files["trust_list"], root=self.pki.root_multikey),
            signing=SigningConfig(key=files[f"{name}_ed25519"], key_id=entity.ed25519_key_id),
            recognition=RecognitionConfig(default_policy=REGIONS[name]),
            https=HttpsConfig(address="127.0.0.1:0"),
            pact=PactConfig(clients=self.pact_clients, key=self.folder / f"{name}-pact-token.key"),
        )

    def start(self) -> DemoNetwork:
        for name in REGIONS:
            config = self.config(name)
            gateway = create_gateway(config)
            gateway.start()
            self.gateways[name] = RegionalGateway(name, config.identity, gateway, gateway.ports.grpc, config)
        return self

    def stop(self) -> None:
        for gateway in self.gateways.values():
            gateway.gateway.stop(1)

    def __enter__(self) -> DemoNetwork:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def client_files(self, who: str) -> tuple[Path, Path]:
        """(certificate, key) files a client presents: a platform's, or the exporter's."""
        if who == "exporter":
            return self.exporter.cert, self.exporter.key
        return self.pki.files[f"{who}_cert"], self.pki.files[f"{who}_p256"]

    def channel(self, gateway: str, as_who: str) -> grpc.Channel:
        """A mutual-TLS channel to ``gateway`` presenting ``as_who``'s certificate."""
        cert, key = self.client_files(as_who)
        credentials = grpc.ssl_channel_credentials(root_certificates=self.pki.ca_pem, private_key=key.read_bytes(),
                                                   certificate_chain=cert.read_bytes())
        return grpc.secure_channel(self.gateways[gateway].address, credentials)
