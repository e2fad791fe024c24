"""Signing keys: Ed25519 (default for JSON) and ECDSA P-256 with SHA-256 (JSON and XML).

Keys are wrapped so that the algorithm travels with the key and is never taken from the
message: a proof that names a cryptosuite for another algorithm is refused before any
cryptography runs (algorithm confusion). Private keys are stored as PKCS#8 PEM, optionally
passphrase-encrypted; public keys are exchanged as Multikey (``publicKeyMultibase``), JWK
(RFC 7517/8037) or SubjectPublicKeyInfo PEM. ECDSA signatures on JSON are raw ``r‖s`` of
exactly 64 bytes (IEEE P1363, as ecdsa-jcs-2019 and JWS ES256 use); anything else —
including DER or a 63/65-byte string a split-in-half decoder would accept — is invalid.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum
from typing import Any

from cryptography.exceptions import InvalidSignature as _CryptoInvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from gateway.core.errors import InvalidSignature, MalformedProof, SigningError, UnsupportedAlgorithm
from gateway.core.i18n import N_
from gateway.core.parsing import load_json

from .multibase import MULTICODEC, decode_base58btc, decode_base64url, encode_base58btc, encode_base64url

__all__ = [
    "Algorithm",
    "PrivateKey",
    "PublicKey",
    "generate_key",
    "load_key",
    "load_private_key",
    "load_public_key",
]

_P256_ORDER_BYTES = 32


class Algorithm(str, Enum):
    """Signature algorithms the gateway accepts; the value is the JOSE ``alg`` name."""

    ED25519 = "EdDSA"
    ES256 = "ES256"

    @classmethod
    def parse(cls, name: str) -> "Algorithm":
        """Map a user- or wire-supplied name to an algorithm; refuse everything else."""
        aliases = {"eddsa": cls.ED25519, "ed25519": cls.ED25519, "es256": cls.ES256, "p-256": cls.ES256, "p256": cls.ES256}
        alg = aliases.get(str(name).strip().lower())
        if alg is None:
            raise UnsupportedAlgorithm(N_("algorithm {name!r} is refused (accepted: Ed25519, ES256)", name=name), algorithm=name)
        return alg

    @property
    def cryptosuite(self) -> str:
        return "eddsa-jcs-2022" if self is _ED25519 else "ecdsa-jcs-2019"

    @property
    def label(self) -> str:
        return "Ed25519" if self is _ED25519 else "ECDSA P-256 SHA-256"


# Reading a member off an Enum class goes through the enum machinery (about 150 ns in 3.11);
# the sign and verify of every proof test the algorithm against this name instead.
_ED25519 = Algorithm.ED25519


@dataclass(frozen=True, eq=False)
class PublicKey:
    algorithm: Algorithm
    key: ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey

    @property
    def raw(self) -> bytes:
        """32-byte Ed25519 key or 33-byte compressed P-256 point."""
        if self.algorithm is Algorithm.ED25519:
            return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return self.key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)

    @property
    def multikey(self) -> str:
        prefix = MULTICODEC["ed25519-pub" if self.algorithm is Algorithm.ED25519 else "p256-pub"]
        return encode_base58btc(prefix + self.raw)

    @property
    def did_key(self) -> str:
        """``did:key`` verification method id: ``did:key:<multikey>#<multikey>``."""
        mk = self.multikey
        return f"did:key:{mk}#{mk}"

    @property
    def fingerprint(self) -> str:
        return "sha256:" + hashlib.sha256(self.raw).hexdigest()

    @property
    def jwk(self) -> dict[str, str]:
        if self.algorithm is Algorithm.ED25519:
            return {"kty": "OKP", "crv": "Ed25519", "x": encode_base64url(self.raw)}
        nums = self.key.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": encode_base64url(nums.x.to_bytes(32, "big")),
            "y": encode_base64url(nums.y.to_bytes(32, "big")),
        }

    def to_pem(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and other.algorithm is self.algorithm and other.raw == self.raw

    def __hash__(self) -> int:
        return hash((self.algorithm, self.raw))

    def verify(self, signature: bytes, data: bytes) -> None:
        """Raise :class:`InvalidSignature` unless ``signature`` signs ``data``.

        ES256 signatures must be raw r‖s of exactly 64 bytes; see :meth:`verify_der`.
        """
        try:
            if self.algorithm is _ED25519:
                self.key.verify(signature, data)
            else:
                if len(signature) != 2 * _P256_ORDER_BYTES:
                    raise InvalidSignature(N_("ECDSA P-256 signature must be exactly 64 bytes r‖s"))
                r = int.from_bytes(signature[:32], "big")
                s = int.from_bytes(signature[32:], "big")
                self.key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
        except _CryptoInvalidSignature:
            raise InvalidSignature(N_("signature does not verify")) from None

    def verify_der(self, signature: bytes, data: bytes) -> None:
        """ES256 with a DER-encoded signature (X.509, XMLDSig internals, Wycheproof DER)."""
        if self.algorithm is not Algorithm.ES256:
            raise UnsupportedAlgorithm(N_("DER signatures exist only for ECDSA"))
        try:
            self.key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        except (_CryptoInvalidSignature, ValueError):
            raise InvalidSignature(N_("signature does not verify")) from None


@dataclass(frozen=True, eq=False)
class PrivateKey:
    algorithm: Algorithm
    key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(self.algorithm, self.key.public_key())

    def sign(self, data: bytes) -> bytes:
        """Ed25519 signature, or deterministic (RFC 6979) ECDSA P-256 SHA-256 as raw r‖s."""
        if self.algorithm is _ED25519:
            return self.key.sign(data)
        der = self.key.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def to_pem(self, passphrase: bytes | None = None) -> bytes:
        """PKCS#8 PEM, encrypted with the best available scheme when a passphrase is given."""
        enc: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
        )
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)

    @property
    def secret_multibase(self) -> str:
        if self.algorithm is Algorithm.ED25519:
            raw = self.key.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            )
            return encode_base58btc(MULTICODEC["ed25519-priv"] + raw)
        return encode_base58btc(MULTICODEC["p256-priv"] + self.key.private_numbers().private_value.to_bytes(32, "big"))


def generate_key(algorithm: Algorithm | str = Algorithm.ED25519) -> PrivateKey:
    alg = algorithm if isinstance(algorithm, Algorithm) else Algorithm.parse(algorithm)
    if alg is Algorithm.ED25519:
        return PrivateKey(alg, ed25519.Ed25519PrivateKey.generate())
    return PrivateKey(alg, ec.generate_private_key(ec.SECP256R1()))


def _wrap_private(key: Any) -> PrivateKey:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return PrivateKey(Algorithm.ED25519, key)
    if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        return PrivateKey(Algorithm.ES256, key)
    raise UnsupportedAlgorithm(N_("key type {name} is refused (accepted: Ed25519, P-256)", name=type(key).__name__))


def _wrap_public(key: Any) -> PublicKey:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return PublicKey(Algorithm.ED25519, key)
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return PublicKey(Algorithm.ES256, key)
    raise UnsupportedAlgorithm(N_("key type {name} is refused (accepted: Ed25519, P-256)", name=type(key).__name__))


_UTF8_BOM = b"\xef\xbb\xbf"


def key_text(data: bytes | str) -> str:
    """The ASCII text of a key (PEM, Multikey, JWK): editors on Windows add a UTF-8 byte-order
    mark, which is dropped; any other non-ASCII character is refused by name, since no key
    encoding has one (a pasted ellipsis or dash would otherwise surface as a codec error)."""
    if isinstance(data, bytes):
        data = data.removeprefix(_UTF8_BOM).decode("latin-1")
    data = data.removeprefix("\ufeff")
    for offset, char in enumerate(data):
        if not char.isascii():
            raise MalformedProof(N_("key is not ASCII text: {char!r} at character {offset}", char=char, offset=offset))
    return data


def load_key(data: bytes | str, passphrase: bytes | None = None) -> PrivateKey | PublicKey:
    """A key file's contents: a PKCS#8 PEM private key or, failing that, a public key
    (PEM, Multikey, ``did:key`` or JWK)."""
    text = key_text(data).strip()
    if "PRIVATE KEY" in text:
        return load_private_key(text, passphrase)
    if text.startswith("{"):
        return load_public_key(load_json(text))
    return load_public_key(text)


def load_private_key(data: bytes | str, passphrase: bytes | None = None) -> PrivateKey:
    """Load a PKCS#8 PEM private key, or a Multikey secret (``secretKeyMultibase``)."""
    data = key_text(data)
    if data.startswith("z"):
        raw = decode_base58btc(data)
        if raw[:2] == MULTICODEC["ed25519-priv"] and len(raw) == 34:
            return PrivateKey(Algorithm.ED25519, ed25519.Ed25519PrivateKey.from_private_bytes(raw[2:]))
        if raw[:2] == MULTICODEC["p256-priv"] and len(raw) == 34:
            return PrivateKey(Algorithm.ES256, ec.derive_private_key(int.from_bytes(raw[2:], "big"), ec.SECP256R1()))
        raise MalformedProof(N_("secret multikey has an unknown prefix or length"))
    try:
        key = serialization.load_pem_private_key(data.encode("ascii"), password=passphrase)
    except TypeError as exc:
        raise SigningError(N_("private key passphrase: {exc}", exc=exc)) from None
    except ValueError as exc:
        raise SigningError(N_("cannot read private key: {exc}", exc=exc)) from None
    return _wrap_private(key)


def load_public_key(value: str | bytes | dict[str, Any]) -> PublicKey:
    """Load a public key from Multikey text, a JWK dict, a ``did:key`` id, or PEM."""
    if isinstance(value, dict):
        return _from_jwk(value)
    value = key_text(value).strip()
    if value.startswith("did:key:"):
        value = value[len("did:key:"):].split("#", 1)[0]
    if value.startswith("z"):
        return _from_multikey(value)
    try:
        return _wrap_public(serialization.load_pem_public_key(value.encode("ascii")))
    except ValueError as exc:
        raise MalformedProof(N_("cannot read public key: {exc}", exc=exc)) from None


def _from_multikey(text: str) -> PublicKey:
    raw = decode_base58btc(text)
    try:
        if raw[:2] == MULTICODEC["ed25519-pub"] and len(raw) == 34:
            return PublicKey(Algorithm.ED25519, ed25519.Ed25519PublicKey.from_public_bytes(raw[2:]))
        if raw[:2] == MULTICODEC["p256-pub"] and len(raw) == 35:
            return PublicKey(Algorithm.ES256, ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:]))
    except ValueError as exc:
        raise MalformedProof(N_("multikey is not a valid point: {exc}", exc=exc)) from None
    raise MalformedProof(N_("multikey has an unknown prefix or length"))


def _from_jwk(jwk: dict[str, Any]) -> PublicKey:
    if "d" in jwk:
        raise MalformedProof(N_("a JWK carrying a private part is not a public key"))
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "OKP" and crv == "Ed25519":
            x = decode_base64url(jwk["x"])
            if len(x) != 32:
                raise MalformedProof(N_("Ed25519 JWK x must be 32 bytes"))
            return PublicKey(Algorithm.ED25519, ed25519.Ed25519PublicKey.from_public_bytes(x))
        if kty == "EC" and crv == "P-256":
            x, y = decode_base64url(jwk["x"]), decode_base64url(jwk["y"])
            if len(x) != 32 or len(y) != 32:
                raise MalformedProof(N_("P-256 JWK coordinates must be 32 bytes"))
            nums = ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1())
            return PublicKey(Algorithm.ES256, nums.public_key())
    except KeyError as exc:
        raise MalformedProof(N_("JWK lacks {exc}", exc=exc)) from None
    except ValueError as exc:
        raise MalformedProof(N_("JWK is not a valid key: {exc}", exc=exc)) from None
    raise UnsupportedAlgorithm(N_("JWK kty={kty!r} crv={crv!r} is refused", kty=kty, crv=crv), algorithm=f"{kty}/{crv}")
