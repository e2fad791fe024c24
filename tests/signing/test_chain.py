"""Chains: translated document → (translated …) → registered/verified original."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from gateway.core.errors import ChainBroken, ExpiredAttestation, KeyRevoked
from signing import (
    LossNote,
    RegisteredClaim,
    TranslatedClaim,
    VerifiedClaim,
    document_digest,
    set_key_status,
    verify_chain,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
PACT = json.dumps({"id": "urn:pact:1", "pcf": {"pCfExcludingBiogenic": 2.15437, "declaredUnit": "kilogram"}}).encode()
BATTERY = b'<BatteryPassport xmlns="urn:batterypass"><CarbonFootprint>2.15</CarbonFootprint></BatteryPassport>'


def _attestations(pki, declaration: bytes):
    orig = document_digest(declaration, "json")
    pact = document_digest(PACT, "json")
    kw = {"valid_from": NOW - timedelta(days=1), "created": NOW - timedelta(hours=2)}
    registered = pki["hebei"].attest(RegisteredClaim("cn-jjj-json", "6f1c", 2, "130000", "steel"), orig, **kw)
    verified = pki["verifier"].attest(
        VerifiedClaim("cn-jjj-json", "6f1c", 2, "steel", "urn:jjj:accreditation-body:cnas", "CNAS V0042", ("steel",), "reasonable", "2026-02-20"),
        orig, **kw)
    translated = pki["gateway"].attest(
        TranslatedClaim(orig, "cn-jjj-json", "pact-v3", "pact-v3@1", "0.1.0", "sha256:" + "11" * 32, False,
                        (LossNote("dropped", "/label/grade", "PACT has no carbon-label grade", None),)),
        pact, **kw)
    return orig, pact, registered, verified, translated


def test_chain_verifies_with_losses(pki, declaration: bytes) -> None:
    orig, pact, registered, verified, translated = _attestations(pki, declaration)
    chain = verify_chain(PACT, "json", [translated, registered, verified], pki.trust_list, NOW, document_format="pact-v3")
    assert chain.document_digest == pact and chain.original_digest == orig
    assert [t.issuer.id for t in chain.translations] == ["urn:jjj:gateway:jjj"]
    assert {o.claim.kind for o in chain.original} == {"registered", "verified"}
    assert not chain.lossless and chain.losses[0].source_path == "/label/grade"
    words = "\n".join(chain.describe())
    assert "translated from cn-jjj-json to pact-v3" in words and "registered by Hebei PCF Platform" in words
    assert chain.as_dict()["losses"][0]["message"] == "PACT has no carbon-label grade"
    # a re-serialised (pretty-printed) PACT document has the same canonical digest
    pretty = json.dumps(json.loads(PACT), indent=4).encode()
    assert verify_chain(pretty, "json", [translated, registered], pki.trust_list, NOW).original_digest == orig


def test_two_hop_chain_to_xml(pki, declaration: bytes) -> None:
    orig, pact, registered, _, translated = _attestations(pki, declaration)
    hop2 = pki["gateway"].attest(
        TranslatedClaim(pact, "pact-v3", "eu-battery-xml", "battery@1", "0.1.0", "sha256:" + "22" * 32, True),
        document_digest(BATTERY, "xml"), valid_from=NOW - timedelta(days=1), created=NOW - timedelta(hours=1), media="xml")
    chain = verify_chain(BATTERY, "xml", [hop2, translated, registered], pki.trust_list, NOW)
    assert [t.claim.output_format for t in chain.translations] == ["eu-battery-xml", "pact-v3"]


def test_missing_original_attestation(pki, declaration: bytes) -> None:
    *_, translated = _attestations(pki, declaration)
    with pytest.raises(ChainBroken) as err:
        verify_chain(PACT, "json", [translated], pki.trust_list, NOW)
    assert err.value.reason == "CHAIN_BROKEN"


def test_document_swapped(pki, declaration: bytes) -> None:
    _, _, registered, _, translated = _attestations(pki, declaration)
    other = PACT.replace(b"2.15437", b"1.0")
    with pytest.raises(ChainBroken):
        verify_chain(other, "json", [translated, registered], pki.trust_list, NOW)


def test_original_swapped(pki, declaration: bytes) -> None:
    *_, translated = _attestations(pki, declaration)
    wrong = pki["hebei"].attest(RegisteredClaim("cn-jjj-json", "other", 1, "130000"), "sha256:" + "ee" * 32,
                                valid_from=NOW - timedelta(days=1), created=NOW - timedelta(hours=1))
    with pytest.raises(ChainBroken):
        verify_chain(PACT, "json", [translated, wrong], pki.trust_list, NOW)


def test_wrong_output_format_and_bad_link(pki, declaration: bytes) -> None:
    _, _, registered, _, translated = _attestations(pki, declaration)
    with pytest.raises(ChainBroken):
        verify_chain(PACT, "json", [translated, registered], pki.trust_list, NOW, document_format="pact-v2")
    with pytest.raises(ExpiredAttestation):
        expired = pki["hebei"].attest(RegisteredClaim("cn-jjj-json", "6f1c", 2, "130000"), document_digest(declaration, "json"),
                                      valid_from=NOW - timedelta(days=10), valid_until=NOW - timedelta(days=1),
                                      created=NOW - timedelta(days=5))
        verify_chain(PACT, "json", [translated, expired], pki.trust_list, NOW)


def test_link_signed_with_revoked_key(pki, declaration: bytes) -> None:
    _, _, registered, _, translated = _attestations(pki, declaration)
    draft = set_key_status(pki.draft, pki["gateway"].ed25519_key_id, "revoked", since=NOW - timedelta(days=1), reason="key-compromise")
    _, tl = pki.resign(draft, sequence=9, issued=NOW - timedelta(minutes=1))
    with pytest.raises(KeyRevoked):
        verify_chain(PACT, "json", [translated, registered], tl, NOW)


def test_unrelated_extra_attestation_refused(pki, declaration: bytes) -> None:
    _, _, registered, _, translated = _attestations(pki, declaration)
    extra = pki["tianjin"].attest(RegisteredClaim("cn-jjj-json", "zz", 1, "120000"), "sha256:" + "ab" * 32,
                                  valid_from=NOW - timedelta(days=1), created=NOW - timedelta(hours=1))
    with pytest.raises(ChainBroken):
        verify_chain(PACT, "json", [translated, registered, extra], pki.trust_list, NOW)
