"""A PACT host for the official conformance tool: one gateway on loopback with a fresh TLS
certificate, example declarations in its store, one client for the tool and the tool's
server as a callback partner.

    python -m conformance_tests.pact.host FOLDER --client-id ID --client-secret-env VAR \
        --partner URL --partner-id ID --partner-secret-env VAR

Prints one JSON line ``{"base_url", "ca", "footprints"}`` when serving, then runs until
SIGTERM. Everything it writes stays in FOLDER.
"""

from __future__ import annotations

import argparse
import importlib.resources
import ipaddress
import json
import os
import signal
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gateway.rest import create_gateway
from gateway.rest.pact import hash_secret
from gateway.server import ServerConfig, StoreConfig, TlsConfig
from gateway.server.config import HttpsConfig, PactConfig
from gateway.server.submission import Submission, accept_as_declared
from gateway.store import Store
from gateway.translate import read

# Declarations served: a battery, steel and cement (JSON and XML sources), so the filter
# cases have more than one company, product and classification to tell apart.
EXAMPLES = ("tianjin-ev-battery-pack-nmc.json", "hebei-hot-rolled-steel-coil.json", "beijing-cement.xml")


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 and localhost, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "PACT conformance host")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "https.pem", folder / "https.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_file.chmod(0o600)
    return cert_file, key_file


def seed(store: Store) -> int:
    for name in EXAMPLES:
        content = importlib.resources.files("gateway.examples").joinpath(name).read_bytes()
        reading = read(content)
        decl = reading.declaration
        new = accept_as_declared(Submission(
            declaration_id=str(decl.id), version=decl.version, region=decl.region or "", sector=decl.product.sector or "",
            product_id=decl.product.ids[0].value if decl.product.ids else "", format_id=reading.format.id,
            media_type=reading.format.media_type, content=content, attestations=(), submitter=None))
        store.put_declaration(new, actor="conformance-host")
    return len(EXAMPLES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret-env", required=True)
    parser.add_argument("--partner", required=True, help="the tool's callback base URL")
    parser.add_argument("--partner-id", required=True)
    parser.add_argument("--partner-secret-env", required=True)
    args = parser.parse_args()
    folder = args.folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = self_signed(folder)
    clients = folder / "pact-clients.toml"
    clients.write_text(
        f'[[client]]\nid = "{args.client_id}"\nsecret_hash = "{hash_secret(os.environ[args.client_secret_env])}"\n'
        f'all = true\n\n[[partner]]\nurl = "{args.partner}"\nclient_id = "{args.partner_id}"\n'
        f'client_secret_env = "{args.partner_secret_env}"\n', encoding="utf-8")
    config = ServerConfig(
        address="127.0.0.1:0", identity="urn:jjj:platform:conformance", grace_seconds=2,
        tls=TlsConfig(cert=cert, key=key), store=StoreConfig(url=str(folder / "gateway.sqlite")),
        https=HttpsConfig(address="127.0.0.1:0"),
        pact=PactConfig(clients=clients, key=folder / "pact-token.key", callback_backoff_seconds=1.0),
    ).check()
    gateway = create_gateway(config)
    count = seed(gateway.store)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    gateway.start()
    print(json.dumps({"base_url": gateway.base_url, "ca": str(cert), "footprints": count}), flush=True)
    try:
        stopping.wait()
    finally:
        gateway.stop(1)
    sys.exit(0)


if __name__ == "__main__":
    main()
