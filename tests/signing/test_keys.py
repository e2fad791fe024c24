"""Keys: algorithms as enums, PEM (with passphrase), JWK, Multikey, strict encodings."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from gateway.core.errors import InvalidSignature, MalformedProof, SigningError, UnsupportedAlgorithm
from signing import Algorithm, generate_key, load_private_key, load_public_key
from signing.keys import _wrap_private
from signing.multibase import decode_base64url


@pytest.mark.parametrize("alg", list(Algorithm))
def test_pem_jwk_multikey_round_trips(alg: Algorithm) -> None:
    key = generate_key(alg)
    pub = key.public_key
    assert load_private_key(key.to_pem()).public_key == pub
    encrypted = key.to_pem(b"correct horse")
    assert b"ENCRYPTED" in encrypted
    assert load_private_key(encrypted, b"correct horse").public_key == pub
    with pytest.raises(SigningError):
        load_private_key(encrypted, b"wrong")
    with pytest.raises(SigningError):
        load_private_key(encrypted)
    assert load_public_key(pub.jwk) == pub
    assert load_public_key(pub.multikey) == pub
    assert load_public_key(pub.did_key) == pub
    assert load_public_key(pub.to_pem()) == pub
    assert load_private_key(key.secret_multibase).public_key == pub
    assert pub.multikey.startswith("z6Mk" if alg is Algorithm.ED25519 else "zDna")
    signature = key.sign(b"msg")
    assert len(signature) == 64
    pub.verify(signature, b"msg")
    with pytest.raises(InvalidSignature):
        pub.verify(signature, b"msh")


@pytest.mark.parametrize("name", ["none", "HS256", "RS256", "ES384", "SHA1", "ecdsa-sha1", ""])
def test_refused_algorithm_names(name: str) -> None:
    with pytest.raises(UnsupportedAlgorithm):
        Algorithm.parse(name)


def test_algorithm_aliases() -> None:
    assert Algorithm.parse("Ed25519") is Algorithm.ED25519 and Algorithm.parse("es256") is Algorithm.ES256
    assert Algorithm.ED25519.cryptosuite == "eddsa-jcs-2022" and Algorithm.ES256.cryptosuite == "ecdsa-jcs-2019"


def test_other_curves_and_rsa_refused() -> None:
    with pytest.raises(UnsupportedAlgorithm):
        _wrap_private(ec.generate_private_key(ec.SECP384R1()))
    with pytest.raises(UnsupportedAlgorithm):
        _wrap_private(rsa.generate_private_key(public_exponent=65537, key_size=1024))
    with pytest.raises(UnsupportedAlgorithm):
        load_public_key({"kty": "oct", "k": "AAAA"})


def test_p1363_length_is_exact() -> None:
    key = generate_key(Algorithm.ES256)
    sig = key.sign(b"m")
    for bad in (sig[:-1], sig + b"\x00", b"\x00" + sig, sig[1:] + b"\x00"):
        with pytest.raises(InvalidSignature):
            key.public_key.verify(bad, b"m")


@pytest.mark.parametrize("text", ["z0", "zO", "zl", "zI", "u" + "A" * 4, "fabcdef", "z", "z+/"])
def test_malformed_multikey(text: str) -> None:
    with pytest.raises((MalformedProof, UnsupportedAlgorithm)):
        load_public_key(text)


@pytest.mark.parametrize("text", ["AB=", "A", "AB+", "AB/", "AF"])
def test_base64url_strict(text: str) -> None:
    with pytest.raises(MalformedProof):
        decode_base64url(text)


def test_jwk_with_private_part_refused() -> None:
    key = generate_key()
    with pytest.raises(MalformedProof):
        load_public_key({**key.public_key.jwk, "d": "AAAA"})
