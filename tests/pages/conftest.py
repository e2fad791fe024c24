"""A real gateway with its HTTPS server on port 0 (test PKI), holding registered declarations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from gateway.examples import example
from gateway.recognition import assess, get_policy, sign_decision
from gateway.rest import create_gateway
from gateway.server import ServerConfig, StoreConfig, TlsConfig
from gateway.server.config import HttpsConfig, PagesConfig, TrustConfig
from gateway.store import NewAttestation, NewDeclaration, NewDecision
from gateway.translate import read, translate
from signing import RegisteredClaim, VerifiedClaim, document_digest
from signing.jcs import canonicalize
from signing.testpki import make_test_pki
from signing.translation import attest_translation
from signing.timeutil import utcnow


@dataclass
class Site:
    base_url: str
    ca: Path
    digests: dict[str, str]
    gateway: object


def _register(store, pki, content: bytes, *, verified: bool = False, record: str = "TJ-1") -> str:
    decl = read(content, "cn-jjj-json").declaration
    digest = document_digest(content, "json")
    claim = RegisteredClaim("cn-jjj-json", str(decl.id), decl.version, "120000", sector=decl.product.sector,
                            record_id=record)
    attestations = [NewAttestation("application/vc+ld+json", canonicalize(pki["tianjin"].attest(claim, digest)))]
    if verified:
        acc = pki.trust_list.entity(pki["verifier"].id).accreditation
        vclaim = VerifiedClaim("cn-jjj-json", str(decl.id), decl.version, decl.product.sector, acc.body, acc.number,
                               (decl.product.sector,), "reasonable", "2025-05-01")
        attestations.append(NewAttestation("application/vc+ld+json", canonicalize(pki["verifier"].attest(vclaim, digest))))
    store.put_declaration(NewDeclaration(str(decl.id), decl.version, digest, "cn-jjj-json", "application/json", content,
                                         region="120000", sector=decl.product.sector or ""), attestations, actor="test")
    return digest


def _variant(name: str, **changes) -> bytes:
    data = json.loads(example(name).read_text("utf-8"))
    data.update(changes)
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


@pytest.fixture(scope="package")
def site(tmp_path_factory) -> Site:
    folder = tmp_path_factory.mktemp("pages")
    pki = make_test_pki(folder)
    config = ServerConfig(
        address="127.0.0.1:0", identity="urn:jjj:platform:tianjin", store=StoreConfig(url=str(folder / "g.sqlite")),
        tls=TlsConfig(cert=pki.files["server_cert"], key=pki.files["server_key"]),
        trust=TrustConfig(list=pki.files["trust_list"], root=pki.root_multikey),
        https=HttpsConfig(address="127.0.0.1:0"), pages=PagesConfig(withhold="declaration.receivedAt"),
    ).check()
    gateway = create_gateway(config)
    gateway.start()
    store = gateway.store
    battery = example("tianjin-ev-battery-pack-nmc.json").read_bytes()
    digests = {"battery": _register(store, pki, battery, verified=True)}
    decl = read(battery).declaration
    decision = assess(decl, get_policy("cn-bj"), attestations=[a.content for a in store.get_declaration(str(decl.id)).attestations],
                      trust_list=pki.trust_list, at=utcnow(), declaration_digest=digests["battery"])
    signed = sign_decision(decision, key=pki["beijing"].ed25519, issuer_id=pki["beijing"].id,
                           verification_method=pki["beijing"].ed25519_key_id, receiving_region="110000",
                           signed_at=utcnow() - timedelta(minutes=1))
    store.put_decision(NewDecision(digests["battery"], "cn-bj", decision.decision.value, canonicalize(signed)), actor="test")
    # Tianjin publishes the translation it signed for an exporter: pact-v3 from the registered original
    translated = attest_translation(battery, translate(battery, "pact-v3"), key=pki["tianjin"].ed25519,
                                    issuer_id=pki["tianjin"].id, verification_method=pki["tianjin"].ed25519_key_id)
    store.put_attestation(digests["battery"], NewAttestation("application/vc+ld+json", canonicalize(translated)),
                          actor="test")
    digests["steel-v1"] = _register(store, pki, example("hebei-hot-rolled-steel-coil.json").read_bytes())
    digests["steel-v2"] = _register(store, pki, _variant("hebei-hot-rolled-steel-coil.json", version=2))
    digests["glass-withdrawn"] = _register(store, pki, _variant("hebei-float-glass.json", status="deprecated"))
    yield Site(gateway.base_url, pki.files["ca"], digests, gateway)
    gateway.stop(0)
