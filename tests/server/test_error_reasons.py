"""Every error reason of gateway.core.errors, produced through gRPC with its ErrorInfo asserted.

Most reasons come from a real request to a real gateway (mTLS, trust list, signed
attestations). A few have no request that provokes them on a healthy server (the base
classes, a broken audit chain, an unexpected exception): a submission hook raises them, to
prove the interceptor maps them to their code and reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import grpc
import pytest
from google.protobuf import timestamp_pb2

from gateway.core import errors
from gateway._proto import (
    attestation_pb2,
    attestation_pb2_grpc,
    document_pb2,
    exchange_pb2,
    exchange_pb2_grpc,
    recognition_pb2,
    recognition_pb2_grpc,
    translation_pb2,
    translation_pb2_grpc,
)
from gateway.server import RecognitionConfig, TlsConfig, error_details
from gateway.server.codes import GRPC_CODES, grpc_code
from gateway.server.reasons import error_classes
from gateway.translate import translate
from signing import RegisteredClaim, VerifiedClaim, document_digest, generate_key, issue_attestation, set_key_status
from signing.jcs import canonicalize
from signing.testpki import KEYS_VALID_FROM
from signing.timeutil import utcnow

from .conftest import BATTERY, STEEL, registered_submission, signed_channel, submit_request

STEEL_CLAIM = RegisteredClaim("cn-jjj-json", "17a5fb42-e39f-57e7-b903-f6ba0abd724e", 1, "130000", "steel")
STEEL_DIGEST = document_digest(STEEL.read_bytes(), "json")


class World:
    """Servers started on demand for one scenario, and ways to call them."""

    def __init__(self, start_server, start_gateway, pki, make_store, tmp_path) -> None:
        self.start_server, self.start_gateway, self.pki = start_server, start_gateway, pki
        self.make_store, self.tmp_path = make_store, tmp_path
        self._channels: list[grpc.Channel] = []

    def channel(self, entity: str | None = "hebei", *, gateway: str = "hebei", **fields) -> grpc.Channel:
        _, port = self.start_gateway(gateway, **fields)
        return self._keep(signed_channel(self.pki, port, entity))

    def plain(self, **fields) -> grpc.Channel:
        _, port = self.start_server(**fields)
        return self._keep(grpc.insecure_channel(f"127.0.0.1:{port}"))

    def _keep(self, channel: grpc.Channel) -> grpc.Channel:
        self._channels.append(channel)
        return channel

    def close(self) -> None:
        for channel in self._channels:
            channel.close()

    # stubs
    def translation(self, channel=None):
        return translation_pb2_grpc.TranslationServiceStub(channel or self.channel())

    def attestation(self, channel=None):
        return attestation_pb2_grpc.AttestationServiceStub(channel or self.channel())

    def exchange(self, channel=None):
        return exchange_pb2_grpc.ExchangeServiceStub(channel or self.channel())

    def recognition(self, channel=None):
        return recognition_pb2_grpc.RecognitionServiceStub(channel or self.channel())

    def verify(self, *vcs: dict | bytes, channel=None, **fields):
        contents = [v if isinstance(v, bytes) else canonicalize(v) for v in vcs]
        return self.attestation(channel).Verify(attestation_pb2.VerifyRequest(
            attestations=[document_pb2.Attestation(media_type="application/vc+ld+json", content=c) for c in contents],
            **fields))

    def trust_file(self, document: dict) -> object:
        path = self.tmp_path / f"trust-{len(list(self.tmp_path.glob('trust-*')))}.json"
        path.write_bytes(canonicalize(document))
        return path

    def hooked(self, error: Exception):
        def refuse(submission):
            raise error

        return self.exchange(self.plain(verify_submission=refuse)).Submit(submit_request(1))


def _translate(world: World, content: bytes, *, format_id: str = "cn-jjj-json", target: str = "pact-v3",
               media_type: str = "application/json", **fields):
    return world.translation().Translate(translation_pb2.TranslateRequest(
        document=document_pb2.Document(format_id=format_id, media_type=media_type, content=content),
        target_format_id=target, **fields))


def _steel_json(**changes) -> bytes:
    data = json.loads(STEEL.read_bytes())
    data.update(changes)
    return json.dumps(data, ensure_ascii=False).encode()


def _revoked(world: World, status: str) -> object:
    pki = world.pki
    hebei = pki["hebei"]
    draft = set_key_status(pki.draft, hebei.ed25519_key_id, status, since=utcnow() - timedelta(hours=1))
    document, _ = pki.resign(draft, sequence=2, issued=utcnow() - timedelta(minutes=1), validity=timedelta(days=30))
    channel = world.channel(trust_file=world.trust_file(document), signing=False)
    return world.verify(hebei.attest(STEEL_CLAIM, STEEL_DIGEST), channel=channel)


def _rollback(world: World):
    pki = world.pki
    newer, _ = pki.resign(pki.draft, sequence=5, issued=utcnow() - timedelta(minutes=1), validity=timedelta(days=30))
    path = world.trust_file(newer)
    channel = world.channel(trust_file=path, signing=False)
    path.write_bytes(pki.files["trust_list"].read_bytes())  # sequence 1 replaces sequence 5
    return world.verify(pki["hebei"].attest(STEEL_CLAIM, STEEL_DIGEST), channel=channel)


def _tampered_trust_list(world: World):
    pki = world.pki
    path = world.trust_file(pki.trust_list_doc)
    channel = world.channel(trust_file=path, signing=False)
    document = json.loads(path.read_bytes())
    document["sequence"] = 9  # no longer what the root key signed
    path.write_bytes(canonicalize(document))
    return world.attestation(channel).GetTrustList(attestation_pb2.GetTrustListRequest())


def _expired_trust_list(world: World):
    later = timestamp_pb2.Timestamp()
    later.FromDatetime(world.pki.trust_list.next_update + timedelta(days=1))
    return world.verify(world.pki["hebei"].attest(STEEL_CLAIM, STEEL_DIGEST), at_time=later)


def _broken_policy(world: World):
    folder = world.tmp_path / "policies"
    folder.mkdir()
    (folder / "broken.toml").write_text('schema_version = 1\nid = "broken"\n', encoding="utf-8")
    channel = world.channel(recognition=RecognitionConfig(policies=folder))
    return world.recognition(channel).ListPolicies(recognition_pb2.ListPoliciesRequest())


def _closed_store(world: World):
    store = world.make_store("closing")
    stub = world.exchange(world.plain(store=store))
    store.close()
    return stub.Get(exchange_pb2.GetRequest(declaration_id="d1"))


def _already_exists(world: World):
    stub = world.exchange()
    stub.Submit(registered_submission(world.pki))
    other = STEEL.read_text(encoding="utf-8").replace("Hot-rolled", "Cold-rolled", 1).encode()
    return stub.Submit(registered_submission(world.pki, content=other))


def _untrusted_caller(world: World):
    exporter = world.pki.ca.issue("Exporter", uris=("urn:example:exporter:x",))
    _, port = world.start_gateway("hebei")
    channel = world._keep(signed_channel(world.pki, port, credential=exporter))
    return world.exchange(channel).Submit(registered_submission(world.pki))


def _server_tls_only(world: World):
    pki = world.pki
    channel = world.channel(None, tls=TlsConfig(cert=pki.files["server_cert"], key=pki.files["server_key"]))
    return world.exchange(channel).Submit(registered_submission(pki))


def _wrong_algorithm(world: World):
    vc = world.pki["hebei"].attest(STEEL_CLAIM, STEEL_DIGEST)
    vc["proof"]["cryptosuite"] = "ecdsa-jcs-2019"
    return world.verify(vc)


def _tampered_claim(world: World):
    vc = world.pki["hebei"].attest(STEEL_CLAIM, STEEL_DIGEST)
    vc["credentialSubject"]["claim"]["version"] = 2
    return world.verify(vc)


def _chain_broken(world: World):
    battery = document_pb2.Document(format_id="cn-jjj-json", media_type="application/json", content=BATTERY.read_bytes())
    return world.verify(world.pki["hebei"].attest(STEEL_CLAIM, STEEL_DIGEST), document=battery)


def _not_authorised(world: World):
    verifier = world.pki["verifier"]
    return world.verify(issue_attestation(
        STEEL_CLAIM, STEEL_DIGEST, key=verifier.ed25519, issuer_id=verifier.id,
        verification_method=verifier.ed25519_key_id, valid_from=utcnow() - timedelta(minutes=1)))


def _signer_mismatch(world: World):
    hebei = world.pki["hebei"]
    return world.verify(issue_attestation(
        STEEL_CLAIM, STEEL_DIGEST, key=hebei.ed25519, issuer_id=world.pki["beijing"].id,
        verification_method=hebei.ed25519_key_id, valid_from=utcnow() - timedelta(minutes=1)))


def _unknown_key(world: World):
    key = generate_key()
    return world.verify(issue_attestation(STEEL_CLAIM, STEEL_DIGEST, key=key, issuer_id=world.pki["hebei"].id,
                                          verification_method=key.public_key.did_key,
                                          valid_from=utcnow() - timedelta(minutes=1)))


def _sign(world: World, claim_json: bytes):
    return world.attestation().Sign(attestation_pb2.SignRequest(
        document=document_pb2.Document(format_id="cn-jjj-json", content=STEEL.read_bytes()),
        claim_type=attestation_pb2.CLAIM_TYPE_REGISTERED, claim_json=claim_json))


def _invalid_value(world: World):
    canonical = json.loads(translate(STEEL.read_bytes(), "canonical-json").output)
    canonical["declared_unit"]["unit"] = "furlong"
    return _translate(world, json.dumps(canonical).encode(), format_id="canonical-json")


def _broken_uscc(world: World):
    data = json.loads(STEEL.read_bytes())
    data["organization"]["unifiedSocialCreditCode"] = "91130200MA0CH4T61A"
    return _translate(world, json.dumps(data, ensure_ascii=False).encode())


def _submit_by_verifier(world: World):
    return world.exchange(world.channel("verifier")).Submit(registered_submission(world.pki))


def _verified_claim_by_platform(world: World):
    claim = VerifiedClaim("cn-jjj-json", STEEL_CLAIM.declaration_id, 1, "steel", "urn:jjj:accreditation-body:cnas",
                          "CNAS V0042", ("steel",), "reasonable", "2025-01-01")
    return world.verify(world.pki["hebei"].attest(claim, STEEL_DIGEST))


CASES: dict[str, Callable[[World], object]] = {
    "INTERNAL_ERROR": lambda w: w.hooked(RuntimeError("a bug")),
    "INVALID_DOCUMENT": lambda w: _translate(w, STEEL.read_bytes(), media_type="application/xml"),
    "MALFORMED_DOCUMENT": lambda w: _translate(w, b'{"declarationId": '),
    "HOSTILE_DOCUMENT": lambda w: _translate(
        w, b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', format_id="cn-jjj-xml",
        media_type="application/xml"),
    "DOCUMENT_TOO_LARGE": lambda w: _translate(w, b"[" * 5000 + b"]" * 5000),
    "SCHEMA_VIOLATION": lambda w: _translate(w, _steel_json(version="one")),
    "INVALID_IDENTIFIER": _broken_uscc,
    "INVALID_VALUE": _invalid_value,
    "UNKNOWN_FORMAT": lambda w: _translate(w, STEEL.read_bytes(), target="pact-v9"),
    "FORMAT_UNAVAILABLE": lambda w: w.hooked(errors.FormatUnavailable(
        "format 'x' needs the Python module 'y', which is not installed; install it with: pip install y", path="format")),
    "TRANSLATION_FAILED": lambda w: w.hooked(errors.TranslationError("cannot translate faithfully")),
    "MISSING_REQUIRED_VALUE": lambda w: _translate(w, STEEL.read_bytes(), target="eu-battery-json"),
    "UNREPRESENTABLE_VALUE": lambda w: w.hooked(errors.Unrepresentable("no such unit", path="declared_unit/unit")),
    "SIGNING_ERROR": lambda w: w.hooked(errors.SigningError("cannot read private key")),
    "INVALID_SIGNATURE": _tampered_claim,
    "UNSUPPORTED_ALGORITHM": _wrong_algorithm,
    "UNTRUSTED_SIGNER": _untrusted_caller,
    "ATTESTATION_EXPIRED": lambda w: w.verify(w.pki["hebei"].attest(
        STEEL_CLAIM, STEEL_DIGEST, valid_from=utcnow() - timedelta(days=2), valid_until=utcnow() - timedelta(days=1))),
    "DIGEST_MISMATCH": lambda w: w.exchange().Submit(registered_submission(
        w.pki, content=STEEL.read_text(encoding="utf-8").replace("Hot-rolled", "Cold-rolled", 1).encode(),
        attestations=[canonicalize(w.pki["hebei"].attest(STEEL_CLAIM, STEEL_DIGEST))])),
    "REPLAY_DETECTED": lambda w: w.verify(w.pki["hebei"].attest(STEEL_CLAIM, STEEL_DIGEST), challenge="n-0451"),
    "TRUST_LIST_INVALID": _tampered_trust_list,
    "TRUST_LIST_ROLLBACK": _rollback,
    "INVALID_POLICY": _broken_policy,
    "UNKNOWN_POLICY": lambda w: w.recognition().Assess(recognition_pb2.AssessRequest(
        document=document_pb2.Document(format_id="cn-jjj-json", content=STEEL.read_bytes()), policy_id="cn-xx")),
    "NOT_FOUND": lambda w: w.exchange().Get(exchange_pb2.GetRequest(declaration_id="nothing")),
    "ALREADY_EXISTS": _already_exists,
    "PERMISSION_DENIED": _submit_by_verifier,
    "UNAUTHENTICATED": _server_tls_only,
    "STORE_ERROR": _closed_store,
    "AUDIT_CHAIN_BROKEN": lambda w: w.hooked(errors.AuditChainBroken("audit entry 3 was altered", seq=3)),
    "PEER_UNAVAILABLE": lambda w: w.hooked(errors.PeerUnavailable("the PACT host did not answer")),
    "INVALID_CONFIGURATION": lambda w: w.translation(w.plain()).Translate(translation_pb2.TranslateRequest(
        document=document_pb2.Document(format_id="cn-jjj-json", content=STEEL.read_bytes()),
        target_format_id="pact-v3", attest=True)),
    "NOT_I_JSON": lambda w: _sign(w, b'{"recordId": 9007199254740993}'),
    "FORBIDDEN_CHARACTER": lambda w: _translate(w, STEEL.read_bytes().replace(b'"en": "', b'"en": "\\ud800', 1)),  # a lone surrogate
    "NUMBER_OUT_OF_RANGE": lambda w: _translate(w, STEEL.read_bytes().replace(b'"amount": 1', b'"amount": 1e999999999', 1)),
    "DUPLICATE_KEY": lambda w: _sign(w, b'{"recordId": "a", "recordId": "b"}'),
    "MALFORMED_PROOF": lambda w: w.verify(b"{}"),
    "UNKNOWN_KEY": _unknown_key,
    "KEY_REVOKED": lambda w: _revoked(w, "revoked"),
    "KEY_SUSPENDED": lambda w: _revoked(w, "suspended"),
    "KEY_OUT_OF_VALIDITY": lambda w: w.verify(w.pki["hebei"].attest(  # signed before the key's window
        STEEL_CLAIM, STEEL_DIGEST, valid_from=KEYS_VALID_FROM - timedelta(days=30),
        created=KEYS_VALID_FROM - timedelta(days=30))),
    "SIGNER_MISMATCH": _signer_mismatch,
    "SIGNER_NOT_AUTHORISED": _not_authorised,
    "ATTESTATION_NOT_YET_VALID": lambda w: w.verify(w.pki["hebei"].attest(
        STEEL_CLAIM, STEEL_DIGEST, valid_from=utcnow() + timedelta(days=1))),
    "CHAIN_BROKEN": _chain_broken,
    "TRUST_LIST_EXPIRED": _expired_trust_list,
    "INVALID_REQUEST": lambda w: w.exchange().Submit(exchange_pb2.SubmitRequest()),
}


def test_every_reason_has_a_case() -> None:
    assert sorted(CASES) == sorted(cls.reason for cls in error_classes())


@pytest.fixture
def world(start_server, start_gateway, signed_pki, make_store, tmp_path):
    w = World(start_server, start_gateway, signed_pki, make_store, tmp_path)
    yield w
    w.close()


@pytest.mark.parametrize("reason", sorted(CASES))
def test_reason_reaches_the_client(world: World, reason: str) -> None:
    expected = next(cls for cls in error_classes() if cls.reason == reason)
    with pytest.raises(grpc.RpcError) as info:
        CASES[reason](world)
    details = error_details(info.value)
    assert (details["reason"], details["domain"]) == (reason, "jjj.footprint.v1"), details["message"]
    assert info.value.code() == grpc_code(expected)


def test_a_verified_claim_from_a_platform_is_not_authorised(world: World) -> None:
    with pytest.raises(grpc.RpcError) as info:
        _verified_claim_by_platform(world)
    assert error_details(info.value)["reason"] == "SIGNER_NOT_AUTHORISED"


def test_every_reason_has_a_grpc_code() -> None:
    assert sorted(GRPC_CODES) == sorted(cls.reason for cls in error_classes())
