"""Real servers on port 0 with real TLS material made for the test session."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest

from gateway import examples
from gateway._proto import document_pb2, exchange_pb2, exchange_pb2_grpc
from gateway.server import ServerConfig, StoreConfig, TlsConfig, create_server
from gateway.store import SqliteStore

from signing.testpki import CertificateAuthority, Credential

HEBEI = "urn:jjj:platform:hebei"
BEIJING = "urn:jjj:platform:beijing"


@dataclasses.dataclass(frozen=True)
class Pki:
    folder: Path
    ca: CertificateAuthority
    server: Credential
    hebei: Credential
    beijing: Credential
    rogue: Credential  # names Hebei but is issued by another CA

    @property
    def ca_file(self) -> Path:
        path = self.folder / "ca.pem"
        path.write_bytes(self.ca.cert_pem)
        return path

    def server_tls(self, *, mutual: bool) -> TlsConfig:
        cert, key = self.server.write(self.folder, "server")
        return TlsConfig(cert=cert, key=key, client_ca=self.ca_file if mutual else None)

    def channel(self, port: int, client: Credential | None = None) -> grpc.Channel:
        credentials = grpc.ssl_channel_credentials(
            root_certificates=self.ca.cert_pem,
            private_key=client.key_pem if client else None,
            certificate_chain=client.cert_pem if client else None,
        )
        return grpc.secure_channel(f"localhost:{port}", credentials)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    ca = CertificateAuthority()
    return Pki(
        folder=tmp_path_factory.mktemp("pki"), ca=ca,
        server=ca.issue("gateway.test", server=True),
        hebei=ca.issue("Hebei platform", uris=(HEBEI,)),
        beijing=ca.issue("Beijing platform", uris=(BEIJING,)),
        rogue=CertificateAuthority("Rogue CA").issue("not Hebei", uris=(HEBEI,)),
    )


StartServer = Callable[..., tuple[object, int]]


@pytest.fixture
def make_store(tmp_path: Path) -> Iterator[Callable[[str], SqliteStore]]:
    """make_store(name) -> a SQLite store in tmp_path, closed after every server has stopped."""
    opened: list[SqliteStore] = []

    def make(name: str) -> SqliteStore:
        opened.append(SqliteStore(tmp_path / f"{name}.sqlite"))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def start_server(tmp_path: Path, make_store) -> Iterator[StartServer]:
    """start_server(store=None, **config fields) -> (GatewayServer, port), stopped at teardown."""
    started = []

    def start(store=None, verify_submission=None, **fields):
        base = ServerConfig(address="127.0.0.1:0", store=StoreConfig(url=str(tmp_path / "gateway.sqlite")),
                            max_workers=4, max_concurrent_rpcs=16)
        config = dataclasses.replace(base, **fields)
        kwargs = {"verify_submission": verify_submission} if verify_submission else {}
        server, port = create_server(config, store=store, **kwargs)
        server.start()
        started.append(server)
        return server, port

    yield start
    for server in started:
        server.stop(0)


@pytest.fixture
def store(make_store) -> SqliteStore:
    return make_store("shared")


@pytest.fixture
def exchange(start_server, store) -> Iterator[exchange_pb2_grpc.ExchangeServiceStub]:
    """A plaintext loopback server on a fresh SQLite store, and a stub for it."""
    _, port = start_server(store=store)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield exchange_pb2_grpc.ExchangeServiceStub(channel)


def submit_request(n: int, *, version: int = 1, content: bytes | None = None, region: str = "130000",
                   sector: str = "steel") -> exchange_pb2.SubmitRequest:
    body = content if content is not None else f'{{"id": "d{n}", "v": {version}}}'.encode()
    return exchange_pb2.SubmitRequest(
        metadata=exchange_pb2.DeclarationMetadata(declaration_id=f"d{n}", version=version, region=region,
                                                  sector=sector, product_id=f"p{n}"),
        document=document_pb2.Document(format_id="cn-jjj-json", media_type="application/json", content=body),
        attestations=[document_pb2.Attestation(media_type="application/vc+ld+json", content=b'{"n": %d}' % n)],
    )


# --- signed gateways: a trust list, its CA and keys from signing.testpki ----------------

EXAMPLES = examples.folder()
STEEL = EXAMPLES / "hebei-hot-rolled-steel-coil.json"
BATTERY = EXAMPLES / "tianjin-ev-battery-pack-nmc.json"


@pytest.fixture(scope="session")
def signed_pki(tmp_path_factory: pytest.TempPathFactory):
    """The test PKI: root key, CA, trust list naming the platforms, verifier and gateway."""
    from signing.testpki import make_test_pki

    return make_test_pki(tmp_path_factory.mktemp("signed-pki"))


def gateway_config_parts(pki, entity: str, *, signing: bool = True, trust_file: Path | None = None) -> dict:
    """TLS (mutual), trust and signing settings for a gateway run by ``entity``."""
    from gateway.server import SigningConfig, TrustConfig

    ent, files = pki[entity], pki.files
    short = ent.id.rsplit(":", 1)[-1]
    return {
        "identity": ent.id,
        "tls": TlsConfig(cert=files["server_cert"], key=files["server_key"], client_ca=files["ca"]),
        "trust": TrustConfig(list=trust_file or files["trust_list"], root=pki.root_multikey),
        "signing": SigningConfig(key=files[f"{short}_ed25519"], key_id=ent.ed25519_key_id) if signing else None,
    }


@pytest.fixture
def start_gateway(start_server, signed_pki):
    """start_gateway(entity, store=None, **config fields) -> (GatewayServer, port) with mTLS and trust."""

    def start(entity: str = "hebei", *, signing: bool = True, trust_file: Path | None = None, **fields):
        parts = gateway_config_parts(signed_pki, entity, signing=signing, trust_file=trust_file)
        return start_server(**{**parts, **fields})

    return start


def signed_channel(pki, port: int, entity: str | None = None, *, credential: Credential | None = None) -> grpc.Channel:
    """A channel to a signed gateway as ``entity`` (its certificate), or with any credential."""
    if entity is not None:
        credential = Credential(pki[entity].cert_pem, pki[entity].key_pem)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=pki.ca_pem,
        private_key=credential.key_pem if credential else None,
        certificate_chain=credential.cert_pem if credential else None,
    )
    return grpc.secure_channel(f"127.0.0.1:{port}", credentials)


def registered_submission(pki, registrar: str = "hebei", path: Path = STEEL, *, content: bytes | None = None,
                          attestations: list[bytes] | None = None, **metadata) -> exchange_pb2.SubmitRequest:
    """A Submit of ``path`` (cn-jjj-json) with a registered attestation by ``registrar``."""
    from gateway.translate import read
    from signing import RegisteredClaim, document_digest
    from signing.jcs import canonicalize

    content = content if content is not None else path.read_bytes()
    decl = read(content, "cn-jjj-json").declaration
    facts = {"declaration_id": str(decl.id), "version": decl.version, "region": decl.region,
             "sector": decl.product.sector, "product_id": "urn:example:product", **metadata}
    if attestations is None:
        claim = RegisteredClaim("cn-jjj-json", facts["declaration_id"], facts["version"], facts["region"], facts["sector"])
        attestations = [canonicalize(pki[registrar].attest(claim, document_digest(content, "json")))]
    return exchange_pb2.SubmitRequest(
        metadata=exchange_pb2.DeclarationMetadata(**facts),
        document=document_pb2.Document(format_id="cn-jjj-json", media_type="application/json", content=content),
        attestations=[document_pb2.Attestation(media_type="application/vc+ld+json", content=a) for a in attestations],
    )
