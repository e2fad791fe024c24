"""Trust list: signed by the pinned root only, no rollback, expiry, schema, lookups, mTLS identity."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone

import pytest

from gateway.core.errors import (
    KeyRevoked,
    SchemaViolation,
    TrustListError,
    TrustListExpired,
    TrustListRollback,
    UnknownKey,
    UntrustedSigner,
)
from signing import KeyStatus, Role, generate_key, load_trust_list, set_key_status, sign_trust_list
from signing.testpki import make_test_pki

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


def test_test_pki_contents(pki) -> None:
    tl = pki.trust_list
    assert tl.issuer == "urn:jjj:coordination-body:jjj" and tl.sequence == 1
    regions = {e.id: e.region for e in tl.entities if e.role is Role.PLATFORM}
    assert regions == {"urn:jjj:platform:beijing": "110000", "urn:jjj:platform:tianjin": "120000", "urn:jjj:platform:hebei": "130000"}
    roles = {e.role for e in tl.entities}
    assert roles == set(Role)
    verifier = tl.entity("urn:jjj:verifier:jjj-cert")
    assert "steel" in verifier.scopes and verifier.accreditation.number == "CNAS V0042"
    assert tl.entity("urn:jjj:platform:hebei").name_zh == "河北省产品碳足迹平台"
    assert tl.key_status(pki["hebei"].ed25519_key_id, NOW) is KeyStatus.ACTIVE
    assert tl.key_status(pki["hebei"].ed25519_key_id, datetime(2023, 1, 1, tzinfo=timezone.utc)) is None
    assert tl.digest.startswith("sha256:")
    assert pki.files["trust_list"].exists() and pki.files["hebei_p256"].read_bytes().startswith(b"-----BEGIN PRIVATE KEY")


def test_round_trip_from_bytes(pki) -> None:
    data = json.dumps(pki.trust_list_doc, ensure_ascii=False).encode()
    tl = load_trust_list(data, pki.root_multikey, min_sequence=1)
    assert [e.id for e in tl.entities] == [e.id for e in pki.trust_list.entities]


def test_signed_by_non_root_key_refused(pki) -> None:
    rogue = generate_key()
    forged = sign_trust_list(pki.draft, rogue, sequence=5)
    with pytest.raises(TrustListError) as err:
        load_trust_list(forged, pki.root_key.public_key)
    assert "not by the pinned root key" in str(err.value)
    # and a rogue proof that merely *names* the root key does not verify
    forged["proof"]["verificationMethod"] = pki.root_key.public_key.did_key
    with pytest.raises(TrustListError) as err2:
        load_trust_list(forged, pki.root_key.public_key)
    assert "INVALID_SIGNATURE" in str(err2.value)


def test_unsigned_and_tampered_refused(pki) -> None:
    body = {k: v for k, v in pki.trust_list_doc.items() if k != "proof"}
    with pytest.raises(TrustListError):
        load_trust_list(body, pki.root_key.public_key)
    tampered = copy.deepcopy(pki.trust_list_doc)
    tampered["entities"][3]["role"] = "verifier"
    with pytest.raises(TrustListError):
        load_trust_list(tampered, pki.root_key.public_key)


def test_rollback_refused(pki) -> None:
    newer = sign_trust_list(pki.draft, pki.root_key, sequence=7)
    assert load_trust_list(newer, pki.root_key.public_key, min_sequence=7).sequence == 7
    with pytest.raises(TrustListRollback) as err:
        load_trust_list(pki.trust_list_doc, pki.root_key.public_key, min_sequence=7)
    assert err.value.reason == "TRUST_LIST_ROLLBACK"


def test_expired_list_refused_unless_accepted(pki) -> None:
    doc = sign_trust_list(pki.draft, pki.root_key, sequence=2, issued=NOW, validity=timedelta(days=7))
    assert load_trust_list(doc, pki.root_key.public_key, at=NOW + timedelta(days=6)).sequence == 2
    with pytest.raises(TrustListExpired) as err:
        load_trust_list(doc, pki.root_key.public_key, at=NOW + timedelta(days=8))
    assert err.value.reason == "TRUST_LIST_EXPIRED"
    assert load_trust_list(doc, pki.root_key.public_key, at=NOW + timedelta(days=8), accept_expired=True)
    with pytest.raises(TrustListError):  # issued in the future
        load_trust_list(doc, pki.root_key.public_key, at=NOW - timedelta(days=1))


def test_schema_violations_refused(pki) -> None:
    bad = copy.deepcopy(pki.draft)
    bad["entities"][1]["role"] = "emperor"
    with pytest.raises(SchemaViolation):
        sign_trust_list(bad, pki.root_key)
    bad = copy.deepcopy(pki.draft)
    bad["entities"][1]["scopes"] = ["steel", "tulips"]
    with pytest.raises(SchemaViolation):
        load_trust_list(sign_trust_list(bad, pki.root_key), pki.root_key.public_key)
    bad = copy.deepcopy(pki.draft)
    bad["entities"][1]["region"] = "999999"
    with pytest.raises(SchemaViolation):
        load_trust_list(sign_trust_list(bad, pki.root_key), pki.root_key.public_key)


def test_unknown_lookups(pki) -> None:
    with pytest.raises(UnknownKey):
        pki.trust_list.key("urn:jjj:platform:hebei#nope")
    with pytest.raises(UntrustedSigner):
        pki.trust_list.entity("urn:jjj:platform:shanghai")


def test_status_history_edits(pki) -> None:
    key_id = pki["beijing"].ed25519_key_id
    draft = set_key_status(pki.draft, key_id, "suspended", since=NOW, reason="audit")
    draft = set_key_status(draft, key_id, KeyStatus.ACTIVE, since=NOW + timedelta(days=10))
    _, tl = pki.resign(draft, sequence=3, issued=NOW + timedelta(days=11))
    assert tl.key_status(key_id, NOW - timedelta(days=1)) is KeyStatus.ACTIVE
    assert tl.key_status(key_id, NOW + timedelta(days=1)) is KeyStatus.SUSPENDED
    assert tl.key_status(key_id, NOW + timedelta(days=11)) is KeyStatus.ACTIVE
    with pytest.raises(UnknownKey):
        set_key_status(pki.draft, "urn:x#y", "revoked", since=NOW)


def test_entity_for_client_certificate(pki) -> None:
    hebei = pki["hebei"]
    assert pki.trust_list.entity_for_certificate(hebei.cert_pem, at=NOW).id == hebei.id
    # a certificate from another CA naming Hebei's id is refused
    other = make_test_pki()
    with pytest.raises(UntrustedSigner):
        pki.trust_list.entity_for_certificate(other["hebei"].certificate, at=NOW)
    # the certificate's key is a trust-list key: revoking it revokes the certificate too
    draft = set_key_status(pki.draft, hebei.p256_key_id, "revoked", since=NOW, reason="key-compromise")
    _, tl = pki.resign(draft, sequence=4, issued=NOW + timedelta(hours=1))
    with pytest.raises(KeyRevoked):
        tl.entity_for_certificate(hebei.certificate, at=NOW + timedelta(hours=2))
