"""Official vectors: Wycheproof Ed25519 / ECDSA P-256 (DER and P1363) / JWS, W3C DI suites.

Every Wycheproof verdict is reproduced; the W3C eddsa-jcs-2022 and ecdsa-jcs-2019 test
vectors are reproduced byte for byte (canonical forms, hashes, signature, signed credential).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterator

import pytest

from gateway.core.errors import InvalidSignature, MalformedProof, UnsupportedAlgorithm
from signing import jcs, jws
from signing.dataintegrity import add_proof, hash_data, verify_proof
from signing.keys import Algorithm, generate_key, load_private_key, load_public_key
from signing.multibase import encode_base58btc

from tests.anchors import available, skipped_param

from .conftest import ANCHORS

WYCHEPROOF = ANCHORS / "wycheproof" / "testvectors_v1"


def _cases(filename: str) -> Iterator[Any]:
    path = WYCHEPROOF / filename
    if not available(path):
        yield skipped_param(path, 2)
        return
    data = json.loads(path.read_text("utf-8"))
    for group in data["testGroups"]:
        for test in group["tests"]:
            yield pytest.param(group, test, id=f"{filename.split('_test')[0]}-{test['tcId']}")


def _expect(result: str, check) -> None:
    if result == "valid":
        check()
    else:
        assert result == "invalid"
        with pytest.raises((InvalidSignature, MalformedProof, UnsupportedAlgorithm)):
            check()


@pytest.mark.parametrize("group, test", list(_cases("ed25519_test.json")))
def test_wycheproof_ed25519(group: dict, test: dict) -> None:
    key = load_public_key(group["publicKeyPem"])
    assert key.algorithm is Algorithm.ED25519
    _expect(test["result"], lambda: key.verify(bytes.fromhex(test["sig"]), bytes.fromhex(test["msg"])))


@pytest.mark.parametrize("group, test", list(_cases("ecdsa_secp256r1_sha256_p1363_test.json")))
def test_wycheproof_ecdsa_p256_p1363(group: dict, test: dict) -> None:
    key = load_public_key(group["publicKeyPem"])
    if group.get("publicKeyJwk"):
        assert load_public_key({k: v for k, v in group["publicKeyJwk"].items() if k != "kid"}) == key
    _expect(test["result"], lambda: key.verify(bytes.fromhex(test["sig"]), bytes.fromhex(test["msg"])))


@pytest.mark.parametrize("group, test", list(_cases("ecdsa_secp256r1_sha256_test.json")))
def test_wycheproof_ecdsa_p256_der(group: dict, test: dict) -> None:
    key = load_public_key(group["publicKeyPem"])
    _expect(test["result"], lambda: key.verify_der(bytes.fromhex(test["sig"]), bytes.fromhex(test["msg"])))


@pytest.mark.parametrize("group, test", list(_cases("json_web_signature_test.json")))
def test_wycheproof_jws(group: dict, test: dict) -> None:
    """ES256 groups: verdicts reproduced. Other algorithms (HS*, RS*, PS*, ES512) are refused
    by policy whatever the vector's verdict, with UNSUPPORTED_ALGORITHM."""
    public = group.get("public")
    if public is None:  # symmetric (HMAC) group: whichever key we hold, the header's alg is refused
        with pytest.raises((UnsupportedAlgorithm, MalformedProof)):  # refused before any signature math
            jws.verify_compact(test["jws"], generate_key(Algorithm.ES256).public_key)
        return
    if public.get("kty") != "EC" or public.get("alg") not in (None, "ES256"):
        with pytest.raises(UnsupportedAlgorithm):
            load_public_key(public)
        return
    key = load_public_key(public)
    if not isinstance(test["jws"], str):  # JSON serialisation: not accepted
        with pytest.raises(MalformedProof):
            jws.verify_compact(test["jws"], key, key_use=public.get("use"), key_ops=public.get("key_ops"))
        assert test["result"] == "invalid"
        return
    _expect(test["result"], lambda: jws.verify_compact(test["jws"], key, key_use=public.get("use"), key_ops=public.get("key_ops")))


def test_jws_round_trip_and_detached() -> None:
    pem = generate_key().to_pem()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    key = load_private_key(pem)
    token = jws.sign_compact(b'{"a":1}', key, kid="k1")
    assert jws.verify_compact(token, key.public_key) == b'{"a":1}'
    detached = jws.sign_compact(b"raw payload", key, detached=True)
    assert detached.split(".")[1] == ""
    assert jws.verify_compact(detached, key.public_key, detached_payload=b"raw payload") == b"raw payload"
    with pytest.raises(InvalidSignature):
        jws.verify_compact(detached, key.public_key, detached_payload=b"raw payloaD")


# --- W3C Data Integrity: byte for byte ------------------------------------------------------

SUITES = [
    ("w3c-vc-di-eddsa", "keyPair.json", "privateKeyMultibase", "eddsa-jcs-2022", "JCS"),
    ("w3c-vc-di-ecdsa", "p256KeyPair.json", "secretKeyMultibase", "ecdsa-jcs-2019-p256", "JCSECDSAP256"),
]


@pytest.mark.parametrize("folder, keyfile, secret, sub, suffix", SUITES, ids=["eddsa-jcs-2022", "ecdsa-jcs-2019"])
def test_w3c_vectors_byte_for_byte(anchor, folder: str, keyfile: str, secret: str, sub: str, suffix: str) -> None:
    def text(name: str) -> str:
        return anchor(folder, sub, name).read_text("utf-8").strip()

    pair = json.loads(anchor(folder, keyfile).read_text("utf-8"))
    key = load_private_key(pair[secret])
    assert key.public_key.multikey == pair["publicKeyMultibase"]
    assert key.secret_multibase == pair[secret]
    unsigned = jcs.loads(anchor(folder, "unsigned.json").read_bytes())
    config = jcs.loads(anchor(folder, sub, f"proofConfig{suffix}.json").read_bytes())

    assert jcs.canonicalize(unsigned).decode() == text(f"canonDoc{suffix}.txt")
    assert jcs.canonicalize(config).decode() == text(f"proofCanon{suffix}.txt")
    assert hashlib.sha256(jcs.canonicalize(unsigned)).hexdigest() == text(f"docHash{suffix}.txt")
    assert hashlib.sha256(jcs.canonicalize(config)).hexdigest() == text(f"proofHash{suffix}.txt")
    assert hash_data(unsigned, config).hex() == text(f"combinedHash{suffix}.txt")
    signature = key.sign(hash_data(unsigned, config))
    assert signature.hex() == text(f"sigHex{suffix}.txt")
    assert encode_base58btc(signature) == text(f"sigBTC58{suffix}.txt")

    options = {k: v for k, v in config.items() if k not in ("type", "cryptosuite", "@context")}
    secured = add_proof(unsigned, key, options)
    expected = jcs.loads(anchor(folder, sub, f"signed{suffix}.json").read_bytes())
    assert jcs.canonicalize(secured) == jcs.canonicalize(expected)
    assert json.dumps(secured, indent=2) == anchor(folder, sub, f"signed{suffix}.json").read_text("utf-8").strip()

    parts = verify_proof(expected, load_public_key(pair["publicKeyMultibase"]))
    assert parts.unsecured == unsigned


@pytest.mark.parametrize("folder, keyfile, secret, sub, suffix", SUITES, ids=["eddsa-jcs-2022", "ecdsa-jcs-2019"])
def test_w3c_signed_vector_tampering_refused(anchor, folder: str, keyfile: str, secret: str, sub: str, suffix: str) -> None:
    pair = json.loads(anchor(folder, keyfile).read_text("utf-8"))
    public = load_public_key(pair["publicKeyMultibase"])
    signed = jcs.loads(anchor(folder, sub, f"signed{suffix}.json").read_bytes())
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["alumniOf"] = "The School of Exampleз"
    with pytest.raises(InvalidSignature):
        verify_proof(tampered, public)
    proof_changed = json.loads(json.dumps(signed))
    proof_changed["proof"]["created"] = "2023-02-24T23:36:39Z"
    with pytest.raises(InvalidSignature):
        verify_proof(proof_changed, public)
