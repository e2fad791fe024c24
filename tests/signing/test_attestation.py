"""Attestations: issue/verify round trips and every hostile case refused with its reason."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone

import pytest

from gateway.core.errors import (
    AttestationNotYetValid,
    DigestMismatch,
    DuplicateKey,
    ExpiredAttestation,
    InvalidSignature,
    KeyNotValid,
    KeyRevoked,
    KeySuspended,
    MalformedProof,
    NotIJson,
    ReplayDetected,
    SignerMismatch,
    SignerNotAuthorised,
    UnknownKey,
    UnsupportedAlgorithm,
)
from signing import (
    MemoryReplayGuard,
    RegisteredClaim,
    TranslatedClaim,
    VerifiedClaim,
    document_digest,
    generate_key,
    issue_attestation,
    set_key_status,
    verify_attestation,
)
from signing.dataintegrity import add_proof
from signing.multibase import encode_base58btc

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
REGISTERED = RegisteredClaim("cn-jjj-json", "6f1c2b0e-3a55-4c1e-9a53-0b5c7d1e2f40", 2, "130000", "steel", "HE-2026-000451")


@pytest.fixture(scope="module")
def digest(declaration: bytes) -> str:
    return document_digest(declaration, "json")


def _issue(pki, who: str = "hebei", claim=REGISTERED, digest: str = "", **kw):
    kw.setdefault("valid_from", NOW - timedelta(days=1))
    kw.setdefault("created", NOW - timedelta(hours=1))
    return pki[who].attest(claim, digest, **kw)


def _verify(pki, vc, **kw):
    kw.setdefault("at", NOW)
    return verify_attestation(vc, pki.trust_list, **kw)


def _tamper(vc: dict, fn) -> dict:
    out = copy.deepcopy(vc)
    fn(out)
    return out


# --- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize("alg_key", ["ed25519", "p256"])
def test_round_trip_both_suites(pki, digest: str, alg_key: str) -> None:
    ent = pki["hebei"]
    key = getattr(ent, alg_key)
    vc = _issue(pki, digest=digest, key=key, verification_method=getattr(ent, f"{alg_key}_key_id"))
    assert vc["proof"]["cryptosuite"] == key.algorithm.cryptosuite
    assert vc["type"] == ["VerifiableCredential", "FootprintRegistrationCredential"]
    v = _verify(pki, vc, expected_digest=digest)
    assert v.claim == REGISTERED
    assert v.issuer.id == "urn:jjj:platform:hebei" and v.issuer.region == "130000"
    assert v.key.id == getattr(ent, f"{alg_key}_key_id")
    assert v.subject_digest == digest
    assert v.signed_at == NOW - timedelta(hours=1)
    assert v.notes == ()
    # the wire form (bytes) verifies the same way
    assert _verify(pki, json.dumps(vc, ensure_ascii=False).encode()).proof_hash == v.proof_hash


def test_embedded_document_checked(pki, declaration: bytes, digest: str) -> None:
    vc = _issue(pki, digest=digest, embed=declaration)
    v = _verify(pki, vc)
    assert v.embedded["product"]["name"]["zh"] == "热轧带钢"
    bad = _tamper(vc, lambda d: d["credentialSubject"]["document"]["results"].__setitem__("totalExcludingBiogenic", 2154.38))
    with pytest.raises(InvalidSignature):  # the embedded document is under the signature
        _verify(pki, bad)
    with pytest.raises(DigestMismatch):
        _issue(pki, digest=digest, embed=declaration.replace(b"2154.37", b"2154.38"))


@pytest.mark.parametrize("claim, field", [
    (RegisteredClaim("cn-jjj-json", "6f1c", 2, None), "region"),  # type: ignore[arg-type]
    (RegisteredClaim("cn-jjj-json", None, 2, "130000"), "declarationId"),  # type: ignore[arg-type]
    (TranslatedClaim("sha256:" + "0" * 64, "cn-jjj-json", "pact-v3", "1", "1", None, True), "reportDigest"),  # type: ignore[arg-type]
])
def test_the_library_refuses_a_claim_its_verifier_would_refuse(pki, digest: str, claim, field: str) -> None:
    with pytest.raises(MalformedProof) as err:
        _issue(pki, claim=claim, digest=digest)
    assert err.value.path == f"/credentialSubject/claim/{field}"
    assert err.value.message.endswith(f"claim lacks {field}")


def test_verified_claim_by_accredited_verifier(pki, digest: str) -> None:
    claim = VerifiedClaim("cn-jjj-json", "6f1c", 2, "steel", "urn:jjj:accreditation-body:cnas", "CNAS V0042",
                          ("steel",), "reasonable", "2026-02-20")
    v = _verify(pki, _issue(pki, "verifier", claim, digest))
    assert v.claim.scope == ("steel",) and v.issuer.role.value == "verifier"


# --- hostile cases -----------------------------------------------------------------------


def test_payload_changed_by_one_character(pki, digest: str) -> None:
    vc = _issue(pki, digest=digest)
    bad = _tamper(vc, lambda d: d["credentialSubject"]["claim"].__setitem__("recordId", "HE-2026-000452"))
    with pytest.raises(InvalidSignature) as err:
        _verify(pki, bad)
    assert err.value.reason == "INVALID_SIGNATURE"


def test_modified_proof_field(pki, digest: str) -> None:
    vc = _issue(pki, digest=digest)
    for field, value in (("created", "2026-06-01T10:00:01Z"), ("proofPurpose", "authentication")):
        with pytest.raises(InvalidSignature):
            _verify(pki, _tamper(vc, lambda d: d["proof"].__setitem__(field, value)))


def test_expected_digest_mismatch(pki, digest: str) -> None:
    vc = _issue(pki, digest=digest)
    with pytest.raises(DigestMismatch) as err:
        _verify(pki, vc, expected_digest="sha256:" + "0" * 64)
    assert err.value.reason == "DIGEST_MISMATCH"


def test_key_substitution_signature_by_another_trusted_key(pki, digest: str) -> None:
    """Tianjin signs, but the proof names Hebei's key: the signature does not verify."""
    vc = pki["tianjin"].attest(REGISTERED, digest, valid_from=NOW - timedelta(days=1), created=NOW,
                               verification_method=pki["hebei"].ed25519_key_id)
    vc["issuer"] = "urn:jjj:platform:hebei"
    with pytest.raises(InvalidSignature):
        _verify(pki, vc)


def test_key_of_another_entity_signer_mismatch(pki, digest: str) -> None:
    """A validly signed attestation that names Hebei as issuer but uses Tianjin's key."""
    vc = issue_attestation(REGISTERED, digest, key=pki["tianjin"].ed25519, issuer_id="urn:jjj:platform:hebei",
                           verification_method=pki["tianjin"].ed25519_key_id, valid_from=NOW - timedelta(days=1), created=NOW)
    with pytest.raises(SignerMismatch) as err:
        _verify(pki, vc)
    assert err.value.reason == "SIGNER_MISMATCH"


def test_unknown_key(pki, digest: str) -> None:
    rogue = generate_key()
    vc = issue_attestation(REGISTERED, digest, key=rogue, issuer_id="urn:jjj:platform:hebei",
                           verification_method=rogue.public_key.did_key, valid_from=NOW, created=NOW)
    with pytest.raises(UnknownKey) as err:
        _verify(pki, vc)
    assert err.value.reason == "UNKNOWN_KEY"


def test_did_key_of_a_listed_key_resolves(pki, digest: str) -> None:
    ent = pki["hebei"]
    v = _verify(pki, _issue(pki, digest=digest, verification_method=ent.ed25519.public_key.did_key))
    assert v.key.id == ent.ed25519_key_id


def test_role_not_authorised(pki, digest: str) -> None:
    with pytest.raises(SignerNotAuthorised):  # a gateway cannot register
        _verify(pki, _issue(pki, "gateway", REGISTERED, digest))
    claim = VerifiedClaim("cn-jjj-json", "x", 1, "fuel", "urn:jjj:accreditation-body:cnas", "CNAS V0042",
                          ("fuel",), "limited", "2026-02-20")
    with pytest.raises(SignerNotAuthorised):  # verifier not accredited for fuel
        _verify(pki, _issue(pki, "verifier", claim, digest))
    forged_number = VerifiedClaim("cn-jjj-json", "x", 1, "steel", "urn:jjj:accreditation-body:cnas", "CNAS V9999",
                                  ("steel",), "limited", "2026-02-20")
    with pytest.raises(SignerNotAuthorised):  # accreditation number not the one on the list
        _verify(pki, _issue(pki, "verifier", forged_number, digest))


def test_algorithm_confusion_cryptosuite_of_another_key_type(pki, digest: str) -> None:
    ent = pki["hebei"]
    vc = _issue(pki, digest=digest)  # eddsa-jcs-2022 under the Ed25519 key
    forged = _tamper(vc, lambda d: d["proof"].update(cryptosuite="ecdsa-jcs-2019"))
    with pytest.raises(UnsupportedAlgorithm) as err:
        _verify(pki, forged)
    assert err.value.reason == "UNSUPPORTED_ALGORITHM"
    # an ECDSA proof pointed at the Ed25519 key id
    p256 = _issue(pki, digest=digest, key=ent.p256, verification_method=ent.ed25519_key_id)
    with pytest.raises(UnsupportedAlgorithm):
        _verify(pki, p256)


@pytest.mark.parametrize("suite", ["none", "HS256", "rsa-jcs-2025", "eddsa-rdfc-2022", None])
def test_refused_cryptosuites(pki, digest: str, suite) -> None:
    vc = _issue(pki, digest=digest)
    with pytest.raises(UnsupportedAlgorithm):
        _verify(pki, _tamper(vc, lambda d: d["proof"].update(cryptosuite=suite)))
    with pytest.raises(UnsupportedAlgorithm):
        _verify(pki, _tamper(vc, lambda d: d["proof"].update(type="Ed25519Signature2020")))


@pytest.mark.parametrize("value", ["u" + "A" * 86, "z0OIl" + "1" * 80, "z", "", "zz", "z2HnFSSPPBzR36zdDgK8Pb"])
def test_malformed_multibase(pki, digest: str, value: str) -> None:
    vc = _issue(pki, digest=digest)
    with pytest.raises(MalformedProof) as err:
        _verify(pki, _tamper(vc, lambda d: d["proof"].update(proofValue=value)))
    assert err.value.reason == "MALFORMED_PROOF"


def test_malformed_subject_digest(pki) -> None:
    with pytest.raises(MalformedProof):
        _issue(pki, digest="sha1:abcd")


def test_duplicate_json_keys_in_attestation(pki, digest: str) -> None:
    text = json.dumps(_issue(pki, digest=digest))
    dup = text.replace('"issuer": ', '"issuer": "urn:jjj:platform:beijing", "issuer": ', 1).encode()
    with pytest.raises(DuplicateKey):
        _verify(pki, dup)


def test_lone_surrogate_and_big_number_in_attestation(pki, digest: str) -> None:
    text = json.dumps(_issue(pki, digest=digest))
    with pytest.raises(NotIJson):
        _verify(pki, text.replace('"issuer": ', '"x": "\\udead", "issuer": ', 1).encode())
    with pytest.raises(NotIJson):
        _verify(pki, text.replace('"issuer": ', '"x": 9007199254740993, "issuer": ', 1).encode())
    with pytest.raises(NotIJson):
        issue_attestation(RegisteredClaim("f", "d", 2**53, "130000"), digest, key=pki["hebei"].ed25519,
                          issuer_id="urn:jjj:platform:hebei", verification_method=pki["hebei"].ed25519_key_id, valid_from=NOW)


def test_expired_and_not_yet_valid(pki, digest: str) -> None:
    vc = _issue(pki, digest=digest, valid_until=NOW + timedelta(days=30))
    assert _verify(pki, vc, at=NOW + timedelta(days=29))
    with pytest.raises(ExpiredAttestation) as err:
        _verify(pki, vc, at=NOW + timedelta(days=30))
    assert err.value.reason == "ATTESTATION_EXPIRED"
    with pytest.raises(AttestationNotYetValid) as err2:
        _verify(pki, _issue(pki, digest=digest, valid_from=NOW + timedelta(days=1)))
    assert err2.value.reason == "ATTESTATION_NOT_YET_VALID"
    with pytest.raises(ExpiredAttestation):
        _verify(pki, _issue(pki, digest=digest, expires=NOW - timedelta(minutes=1)))
    with pytest.raises(AttestationNotYetValid):  # signed "in the future"
        _verify(pki, _issue(pki, digest=digest, created=NOW + timedelta(hours=1)))


def test_key_outside_its_window(pki, digest: str) -> None:
    with pytest.raises(KeyNotValid) as err:
        _verify(pki, _issue(pki, digest=digest, created=datetime(2023, 6, 1, tzinfo=timezone.utc)))
    assert err.value.reason == "KEY_OUT_OF_VALIDITY"


@pytest.fixture(scope="module")
def revoked_list(pki):
    """Hebei's Ed25519 key revoked at NOW, Tianjin's suspended from NOW."""
    draft = set_key_status(pki.draft, pki["hebei"].ed25519_key_id, "revoked", since=NOW, reason="key-compromise")
    draft = set_key_status(draft, pki["tianjin"].ed25519_key_id, "suspended", since=NOW, reason="audit")
    return pki.resign(draft, sequence=2, issued=NOW + timedelta(hours=2))[1]


def test_key_revoked_before_signing_refused(pki, revoked_list, digest: str) -> None:
    vc = _issue(pki, digest=digest, created=NOW + timedelta(minutes=5))
    with pytest.raises(KeyRevoked) as err:
        verify_attestation(vc, revoked_list, at=NOW + timedelta(hours=3))
    assert err.value.reason == "KEY_REVOKED"
    assert err.value.metadata["revocation_reason"] == "key-compromise"


def test_key_revoked_after_signing_accepted_with_note(pki, revoked_list, digest: str) -> None:
    vc = _issue(pki, digest=digest, created=NOW - timedelta(days=2))
    v = verify_attestation(vc, revoked_list, at=NOW + timedelta(hours=3))
    assert len(v.notes) == 1 and "revoked" in v.notes[0] and "key-compromise" in v.notes[0]
    assert v.later_status[0].status.value == "revoked"


def test_key_suspended_at_signing_refused(pki, revoked_list, digest: str) -> None:
    vc = _issue(pki, "tianjin", RegisteredClaim("cn-jjj-json", "x", 1, "120000"), digest, created=NOW + timedelta(minutes=1))
    with pytest.raises(KeySuspended) as err:
        verify_attestation(vc, revoked_list, at=NOW + timedelta(hours=3))
    assert err.value.reason == "KEY_SUSPENDED"


def test_replayed_proof_refused(pki, digest: str) -> None:
    guard = MemoryReplayGuard()
    vc = _issue(pki, digest=digest, challenge="c-123", domain="urn:jjj:platform:beijing")
    _verify(pki, vc, replay_guard=guard, challenge="c-123", domain="urn:jjj:platform:beijing")
    with pytest.raises(ReplayDetected) as err:
        _verify(pki, vc, replay_guard=guard)
    assert err.value.reason == "REPLAY_DETECTED"
    with pytest.raises(ReplayDetected):  # proof made for another session
        _verify(pki, _issue(pki, digest=digest, challenge="c-999"), challenge="c-123")
    with pytest.raises(ReplayDetected):
        _verify(pki, _issue(pki, digest=digest), domain="urn:jjj:platform:beijing")


def test_failed_verification_does_not_consume_the_proof(pki, digest: str) -> None:
    guard = MemoryReplayGuard()
    vc = _issue(pki, digest=digest, valid_until=NOW + timedelta(days=1))
    with pytest.raises(ExpiredAttestation):
        _verify(pki, vc, replay_guard=guard, at=NOW + timedelta(days=2))
    assert _verify(pki, vc, replay_guard=guard)


def test_proof_sets_and_missing_created_refused(pki, digest: str) -> None:
    vc = _issue(pki, digest=digest)
    with pytest.raises(MalformedProof):
        _verify(pki, _tamper(vc, lambda d: d.__setitem__("proof", [d["proof"], d["proof"]])))
    body = {k: v for k, v in vc.items() if k != "proof"}
    no_created = add_proof(body, pki["hebei"].ed25519, {"verificationMethod": pki["hebei"].ed25519_key_id,
                                                          "proofPurpose": "assertionMethod"})
    with pytest.raises(MalformedProof):
        _verify(pki, no_created)


def test_proof_context_must_match_document(pki, digest: str) -> None:
    vc = _issue(pki, digest=digest)
    with pytest.raises(InvalidSignature):
        _verify(pki, _tamper(vc, lambda d: d["@context"].insert(1, "https://evil.example/v1")))


def test_translated_claim_round_trip(pki, digest: str) -> None:
    from signing import LossNote

    claim = TranslatedClaim(digest, "cn-jjj-json", "pact-v3", "cn-jjj→pact-v3@1.0", "0.1.0", "sha256:" + "ab" * 32,
                            False, (LossNote("dropped", "/label/grade", "PACT has no label grade"),))
    v = _verify(pki, _issue(pki, "gateway", claim, "sha256:" + "cd" * 32))
    assert v.claim == claim and v.claim.losses[0].source_path == "/label/grade"


def test_signature_bytes_must_be_64(pki, digest: str) -> None:
    vc = _issue(pki, digest=digest)
    with pytest.raises(MalformedProof):
        _verify(pki, _tamper(vc, lambda d: d["proof"].update(proofValue=encode_base58btc(b"\x01" * 65))))
