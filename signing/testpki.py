"""FOR TESTS AND DEMOS ONLY: a throw-away PKI for the Jing-Jin-Ji gateway.

``make_test_pki(tmpdir)`` creates a root (coordination-body) key, an X.509 CA, and a signed
trust list naming the coordination body, the Beijing, Tianjin and Hebei platforms, a
verification body, an accreditation body and a gateway — each with an Ed25519 key (JSON
attestations), a P-256 key and a CA-issued certificate whose SAN URI is the entity id (XML
signatures, mutual TLS) — plus a ``localhost`` server certificate. Every private key is
written unencrypted to ``tmpdir`` as ``<short>-ed25519.pem``, ``<short>-p256.pem`` and
``<short>.pem`` (certificate), where ``<short>`` is ``beijing``/``tianjin``/``hebei`` for the
platforms and the role for the others (``verifier``, ``gateway``, ``coordination-body``,
``accreditation-body``); plus ``root-key.pem``, ``root-public.txt``, ``trust-list.json``,
``trust-draft.json``, ``ca.pem``, ``server.pem`` and ``server.key``. ``TestPki.files`` maps
``<short>_ed25519`` etc. to the paths. Never use any of it outside tests and demos.

``read_test_pki(folder, prefix=...)`` reads a PKI written this way back (the conformance
suite's ``TEST-ONLY-*`` files are one, without the CA's private key: such a CA issues nothing).

``CertificateAuthority`` is the throw-away X.509 CA on its own (``TestPki.ca`` is one): it
issues ``Credential``s (certificate and key, PEM) for TLS servers on loopback and for clients
named by a SAN URI, such as an exporter the trust list does not name, or a "rogue" CA's
certificate for the same entity. This is the project's one test PKI: the demo, the
conformance suite's key maker, the tests and the benchmarks all build on it; it ships in the
wheel only because ``fpgw demo`` makes fresh keys with it, and no product code imports it
(a contract in pyproject.toml).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .attestation import issue_attestation
from .claims import Claim
from .keys import Algorithm, PrivateKey, generate_key, load_private_key
from .timeutil import utcnow
from .trustlist import SECTORS, TrustList
from .trustsign import add_entity, add_key, load_trust_list, new_trust_list, sign_trust_list

__all__ = ["CertificateAuthority", "Credential", "TestEntity", "TestPki", "make_test_pki", "read_test_pki", "ENTITIES",
           "KEYS_VALID_FROM"]

KEYS_VALID_FROM = datetime(2024, 1, 1, tzinfo=timezone.utc)
CERTS_VALID = (datetime(2024, 1, 1, tzinfo=timezone.utc), datetime(2045, 1, 1, tzinfo=timezone.utc))
_ALL = sorted(SECTORS)
ENTITIES: tuple[dict[str, Any], ...] = (
    {"id": "urn:jjj:coordination-body:jjj", "name": {"zh": "京津冀产品碳足迹互认协调机构", "en": "Jing-Jin-Ji PCF Coordination Body"},
     "region": "110000", "role": "coordination-body"},
    {"id": "urn:jjj:platform:beijing", "name": {"zh": "北京市产品碳足迹平台", "en": "Beijing PCF Platform"},
     "region": "110000", "role": "platform", "scopes": _ALL},
    {"id": "urn:jjj:platform:tianjin", "name": {"zh": "天津市产品碳足迹平台", "en": "Tianjin PCF Platform"},
     "region": "120000", "role": "platform", "scopes": _ALL},
    {"id": "urn:jjj:platform:hebei", "name": {"zh": "河北省产品碳足迹平台", "en": "Hebei PCF Platform"},
     "region": "130000", "role": "platform", "scopes": _ALL},
    {"id": "urn:jjj:verifier:jjj-cert", "name": {"zh": "京津冀碳足迹核查中心", "en": "JJJ Carbon Footprint Verification Centre"},
     "region": "120000", "role": "verifier", "scopes": ["steel", "batteries", "building-materials", "electricity"],
     "accreditation": {"body": "urn:jjj:accreditation-body:cnas", "number": "CNAS V0042"}},
    {"id": "urn:jjj:accreditation-body:cnas", "name": {"zh": "中国合格评定国家认可委员会", "en": "China National Accreditation Service"},
     "region": "110000", "role": "accreditation-body"},
    {"id": "urn:jjj:gateway:jjj", "name": {"zh": "京津冀碳足迹互认网关", "en": "JJJ Footprint Gateway"},
     "region": "120000", "role": "gateway"},
)


@dataclass
class TestEntity:
    id: str
    role: str
    ed25519: PrivateKey
    ed25519_key_id: str
    p256: PrivateKey
    p256_key_id: str
    certificate: x509.Certificate
    cert_pem: bytes
    key_pem: bytes

    @property
    def short_name(self) -> str:
        """``hebei`` for a platform, the role (``gateway``, ``verifier`` …) for the others."""
        return self.id.rsplit(":", 1)[-1] if self.role == "platform" else self.role

    def attest(self, claim: Claim, subject_digest: str, *, valid_from: datetime | None = None, **kw: Any) -> dict[str, Any]:
        """Issue an attestation with this entity's Ed25519 key (``key=``/``verification_method=`` override)."""
        kw.setdefault("key", self.ed25519)
        kw.setdefault("verification_method", self.ed25519_key_id if kw["key"] is self.ed25519 else self.p256_key_id)
        return issue_attestation(
            claim, subject_digest, issuer_id=self.id, valid_from=valid_from or utcnow() - timedelta(minutes=1), **kw
        )


@dataclass
class TestPki:
    directory: Path | None
    root_key: PrivateKey
    ca: CertificateAuthority
    entities: dict[str, TestEntity]
    draft: dict[str, Any]
    trust_list_doc: dict[str, Any]
    trust_list: TrustList
    server: Credential
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def ca_pem(self) -> bytes:
        return self.ca.cert_pem

    @property
    def root_multikey(self) -> str:
        return self.root_key.public_key.multikey

    def __getitem__(self, short: str) -> TestEntity:
        """``pki["hebei"]``, ``pki["verifier"]``, ``pki["gateway"]`` … by short name or id."""
        for ent in self.entities.values():
            if short in (ent.id, ent.short_name):
                return ent
        raise KeyError(short)

    def resign(self, draft: dict[str, Any], *, sequence: int, **kw: Any) -> tuple[dict[str, Any], TrustList]:
        """Sign an edited draft with the root key and load it (for revocation tests)."""
        doc = sign_trust_list(draft, self.root_key, sequence=sequence, **kw)
        return doc, load_trust_list(doc, self.root_key.public_key, at=kw.get("issued"))


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JJJ test PKI")])


def _cert(
    subject: x509.Name,
    public_key: Any,
    issuer: x509.Name,
    issuer_key: PrivateKey,
    *,
    ca: bool,
    valid: tuple[datetime, datetime],
    san: list[x509.GeneralName] | None = None,
    eku: list[x509.ObjectIdentifier] | None = None,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid[0])
        .not_valid_after(valid[1])
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca, content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.key.public_key()), critical=False)
    )
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    return builder.sign(issuer_key.key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class Credential:
    """A certificate and its unencrypted PKCS#8 private key, both PEM."""

    cert_pem: bytes
    key_pem: bytes

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_pem)

    def write(self, folder: Path, stem: str) -> tuple[Path, Path]:
        """``<stem>.pem`` and ``<stem>.key`` in ``folder``."""
        cert, key = folder / f"{stem}.pem", folder / f"{stem}.key"
        cert.write_bytes(self.cert_pem)
        key.write_bytes(self.key_pem)
        return cert, key


class CertificateAuthority:
    """A throw-away P-256 CA; its certificates are valid for ``valid`` (default: from five
    minutes ago for a day, long enough for any test run and short enough to be worthless)."""

    def __init__(self, name: str = "JJJ test CA", *, valid: tuple[datetime, datetime] | None = None) -> None:
        now = utcnow()
        self.valid = valid or (now - timedelta(minutes=5), now + timedelta(days=1))
        self.key = generate_key(Algorithm.ES256)
        self.name = _name(name)
        self.certificate = _cert(self.name, self.key.key.public_key(), self.name, self.key, ca=True, valid=self.valid)
        self.cert_pem = _pem(self.certificate)

    @classmethod
    def from_pem(cls, cert_pem: bytes, key_pem: bytes | None = None) -> CertificateAuthority:
        """A CA read back from its certificate, and its key when there is one (else it issues nothing)."""
        ca = cls.__new__(cls)
        ca.certificate = x509.load_pem_x509_certificate(cert_pem)
        ca.cert_pem, ca.name = cert_pem, ca.certificate.subject
        ca.valid = (ca.certificate.not_valid_before_utc, ca.certificate.not_valid_after_utc)
        ca.key = load_private_key(key_pem) if key_pem else None  # type: ignore[assignment]
        return ca

    def issue(self, common_name: str, *, uris: tuple[str, ...] = (), server: bool = False,
              key: PrivateKey | None = None) -> Credential:
        """A certificate naming ``uris`` (the trust-list entity ids) in its SAN; with ``server``
        also ``localhost`` and 127.0.0.1 and server instead of client authentication. A fresh
        P-256 key unless ``key`` is given."""
        if self.key is None:
            raise ValueError("this CA was read without its private key: it cannot issue certificates")
        key = key or generate_key(Algorithm.ES256)
        san: list[x509.GeneralName] = [x509.UniformResourceIdentifier(u) for u in uris]
        if server:
            san += [x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        cert = _cert(_name(common_name), key.key.public_key(), self.name, self.key, ca=False, valid=self.valid,
                     san=san, eku=[usage])
        return Credential(_pem(cert), key.to_pem())


def make_test_pki(tmpdir: str | Path | None = None, *, sequence: int = 1, issued: datetime | None = None) -> TestPki:
    """Build the test PKI (and write it to ``tmpdir`` when given). See the module docstring."""
    root_key = generate_key(Algorithm.ED25519)
    ca = CertificateAuthority(valid=CERTS_VALID)
    ca_pem = ca.cert_pem.decode("ascii")
    draft = new_trust_list("urn:jjj:coordination-body:jjj")
    entities: dict[str, TestEntity] = {}
    for spec in ENTITIES:
        ed, p256 = generate_key(Algorithm.ED25519), generate_key(Algorithm.ES256)
        credential = ca.issue(spec["name"]["en"], uris=(spec["id"],), key=p256)
        entry = {**spec, "keys": [], "x509": {"ca": [ca_pem]}}
        draft = add_entity(draft, entry)
        ent = TestEntity(
            id=spec["id"], role=spec["role"], ed25519=ed, ed25519_key_id=f"{spec['id']}#ed25519-1",
            p256=p256, p256_key_id=f"{spec['id']}#p256-1", certificate=credential.certificate,
            cert_pem=credential.cert_pem, key_pem=credential.key_pem,
        )
        draft = add_key(draft, ent.id, ent.ed25519_key_id, ed.public_key, valid_from=KEYS_VALID_FROM)
        draft = add_key(draft, ent.id, ent.p256_key_id, p256.public_key, valid_from=KEYS_VALID_FROM)
        entities[ent.id] = ent
    issued = issued or utcnow() - timedelta(minutes=1)
    doc = sign_trust_list(draft, root_key, sequence=sequence, issued=issued, validity=timedelta(days=365))
    trust_list = load_trust_list(doc, root_key.public_key, at=issued)
    pki = TestPki(
        directory=Path(tmpdir) if tmpdir is not None else None, root_key=root_key, ca=ca,
        entities=entities, draft=draft, trust_list_doc=doc, trust_list=trust_list,
        server=ca.issue("localhost", server=True),
    )
    if pki.directory is not None:
        _write(pki)
    return pki


def read_test_pki(folder: str | Path, *, prefix: str = "") -> TestPki:
    """The PKI that :func:`make_test_pki` wrote to ``folder`` (each file name after ``prefix``),
    its trust list checked against its root key. ``ca.key`` is read when present."""
    d = Path(folder)
    path = lambda name: d / f"{prefix}{name}"  # noqa: E731
    root_key = load_private_key(path("root-key.pem").read_bytes())
    ca_key = path("ca.key")
    ca = CertificateAuthority.from_pem(path("ca.pem").read_bytes(), ca_key.read_bytes() if ca_key.is_file() else None)
    doc = json.loads(path("trust-list.json").read_bytes())
    draft_file = path("trust-draft.json")
    draft = json.loads(draft_file.read_bytes()) if draft_file.is_file() else {k: v for k, v in doc.items() if k != "proof"}
    files = {"root_key": path("root-key.pem"), "root_public": path("root-public.txt"), "trust_list": path("trust-list.json"),
             "ca": path("ca.pem"), "server_cert": path("server.pem"), "server_key": path("server.key")}
    if draft_file.is_file():
        files["trust_draft"] = draft_file
    entities: dict[str, TestEntity] = {}
    for spec in ENTITIES:
        short = spec["id"].rsplit(":", 1)[-1] if spec["role"] == "platform" else spec["role"]
        for kind, name in (("ed25519", f"{short}-ed25519.pem"), ("p256", f"{short}-p256.pem"), ("cert", f"{short}.pem")):
            files[f"{short}_{kind}"] = path(name)
        cert_pem, key_pem = files[f"{short}_cert"].read_bytes(), files[f"{short}_p256"].read_bytes()
        entities[spec["id"]] = TestEntity(
            id=spec["id"], role=spec["role"], ed25519=load_private_key(files[f"{short}_ed25519"].read_bytes()),
            ed25519_key_id=f"{spec['id']}#ed25519-1", p256=load_private_key(key_pem), p256_key_id=f"{spec['id']}#p256-1",
            certificate=x509.load_pem_x509_certificate(cert_pem), cert_pem=cert_pem, key_pem=key_pem,
        )
    return TestPki(
        directory=d, root_key=root_key, ca=ca, entities=entities, draft=draft, trust_list_doc=doc,
        trust_list=load_trust_list(doc, root_key.public_key), files=files,
        server=Credential(files["server_cert"].read_bytes(), files["server_key"].read_bytes()),
    )


def _write(pki: TestPki) -> None:
    d = pki.directory
    assert d is not None
    d.mkdir(parents=True, exist_ok=True)
    files = {
        "root_key": ("root-key.pem", pki.root_key.to_pem()),
        "root_public": ("root-public.txt", pki.root_multikey.encode("ascii") + b"\n"),
        "trust_list": ("trust-list.json", json.dumps(pki.trust_list_doc, ensure_ascii=False, indent=2).encode("utf-8")),
        "trust_draft": ("trust-draft.json", json.dumps(pki.draft, ensure_ascii=False, indent=2).encode("utf-8")),
        "ca": ("ca.pem", pki.ca_pem),
        "server_cert": ("server.pem", pki.server.cert_pem),
        "server_key": ("server.key", pki.server.key_pem),
    }
    for ent in pki.entities.values():
        short = ent.short_name
        files[f"{short}_ed25519"] = (f"{short}-ed25519.pem", ent.ed25519.to_pem())
        files[f"{short}_p256"] = (f"{short}-p256.pem", ent.key_pem)
        files[f"{short}_cert"] = (f"{short}.pem", ent.cert_pem)
    for name, (filename, data) in files.items():
        (d / filename).write_bytes(data)
        pki.files[name] = d / filename
