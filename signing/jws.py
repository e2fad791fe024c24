"""Compact JWS (RFC 7515), EdDSA and ES256 only, with detached payloads (RFC 7797).

Attestations use Data Integrity proofs; JWS exists for peers that exchange plain signed
payloads, and so that Wycheproof's JWS vectors exercise the same key and base64url code.
The algorithm comes from the verifier's key, the header must agree with it: ``none``, HMAC,
RSA and any ``crit`` extension other than ``b64`` are refused; header keys (``jwk``,
``jku``, ``x5u``, ``x5c``) are never used to verify.
"""

from __future__ import annotations

from typing import Any

from gateway.core.errors import GatewayError, MalformedProof, UnsupportedAlgorithm
from gateway.core.i18n import N_

from . import jcs
from .keys import PrivateKey, PublicKey
from .multibase import decode_base64url, encode_base64url

__all__ = ["sign_compact", "verify_compact"]


def sign_compact(payload: bytes, key: PrivateKey, *, kid: str | None = None, detached: bool = False) -> str:
    """``header.payload.signature``; with ``detached`` the payload part is empty and unencoded (b64=false)."""
    header: dict[str, Any] = {"alg": key.algorithm.value}
    if kid:
        header["kid"] = kid
    if detached:
        header.update({"b64": False, "crit": ["b64"]})
    h = encode_base64url(jcs.canonicalize(header))
    body = payload if detached else encode_base64url(payload).encode("ascii")
    signature = key.sign(h.encode("ascii") + b"." + body)
    return f"{h}.{'' if detached else body.decode('ascii')}.{encode_base64url(signature)}"


def verify_compact(
    jws: str,
    public_key: PublicKey,
    *,
    detached_payload: bytes | None = None,
    key_use: str | None = None,
    key_ops: list[str] | None = None,
) -> bytes:
    """Verify a compact JWS under ``public_key`` and return its payload.

    ``key_use`` / ``key_ops`` are the ``use`` / ``key_ops`` members of the JWK the key came
    from, if any: a key meant for encryption is refused for signatures (RFC 7517 §4.2–4.3).
    """
    if key_use not in (None, "sig") or (key_ops is not None and "verify" not in key_ops):
        raise UnsupportedAlgorithm(N_("a key for use {key_use!r} / key_ops {key_ops!r} cannot verify signatures", key_use=key_use, key_ops=key_ops))
    if not isinstance(jws, str) or jws.count(".") != 2:
        raise MalformedProof(N_("compact JWS must have exactly three parts"))
    h_text, p_text, s_text = jws.split(".")
    if not h_text or not s_text:
        raise MalformedProof(N_("compact JWS header and signature must not be empty"))
    try:
        header = jcs.loads(decode_base64url(h_text))
    except GatewayError as exc:
        raise MalformedProof(N_("JWS header: {exc}", exc=exc)) from None
    if not isinstance(header, dict):
        raise MalformedProof(N_("JWS header must be a JSON object"))
    alg = header.get("alg")
    if alg != public_key.algorithm.value:
        raise UnsupportedAlgorithm(N_("JWS alg {alg!r} does not match the {label} key", alg=alg, label=public_key.algorithm.label), algorithm=alg)
    crit = header.get("crit", [])
    if not isinstance(crit, list) or any(c != "b64" for c in crit):
        raise UnsupportedAlgorithm(N_("JWS crit {crit!r} is not understood", crit=crit))
    b64 = header.get("b64", True)
    if b64 is not True and (b64 is not False or "b64" not in crit):
        raise MalformedProof(N_("b64=false must be listed in crit"))
    if b64:
        if detached_payload is not None:
            if p_text:
                raise MalformedProof(N_("detached payload given but the JWS carries one"))
            p_text = encode_base64url(detached_payload)
        payload = decode_base64url(p_text)
        signing_input = (h_text + "." + p_text).encode("ascii")
    else:
        if p_text or detached_payload is None:
            raise MalformedProof(N_("unencoded (b64=false) JWS needs a detached payload"))
        payload = detached_payload
        signing_input = h_text.encode("ascii") + b"." + payload
    public_key.verify(decode_base64url(s_text), signing_input)
    return payload
