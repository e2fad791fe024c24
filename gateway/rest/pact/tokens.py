"""Access tokens and page tokens: compact, HMAC-SHA256-signed with a persisted key.

Both survive a restart and work across server processes because every process reads the
same key file (made on first start, mode 0600). A token is ``base64url(payload) "."
base64url(mac)``; the payload names its purpose so a page token can never pass as an
access token or the other way round.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path
from typing import Any

import orjson

from ...core.errors import ConfigurationError
from ...core.i18n import N_

KEY_BYTES = 32


class TokenInvalid(Exception):
    """Not a token we issued (malformed, forged, or of another purpose)."""


class TokenExpired(Exception):
    """A token we issued whose lifetime is over."""


def load_or_create_key(path: Path) -> bytes:
    """The signing key in ``path``, made (atomically, 0600) when it does not exist yet."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise ConfigurationError(N_("cannot create the PACT token key {path}: {exc}", path=path, exc=exc), path="pact.key") from exc
    else:
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(KEY_BYTES))
    for _ in range(50):  # another process may be writing it right now
        try:
            key = path.read_bytes()
        except OSError as exc:
            raise ConfigurationError(N_("cannot read the PACT token key {path}: {exc}", path=path, exc=exc), path="pact.key") from exc
        if len(key) >= KEY_BYTES:
            return key
        time.sleep(0.02)
    raise ConfigurationError(N_("the PACT token key {path} is shorter than {key_bytes} bytes", path=path, key_bytes=KEY_BYTES), path="pact.key")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()

    def issue(self, purpose: str, claims: dict[str, Any], lifetime: int, *, now: float | None = None) -> str:
        now = time.time() if now is None else now
        payload = orjson.dumps({"p": purpose, "exp": int(now) + lifetime, **claims})
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def read(self, purpose: str, token: str, *, now: float | None = None) -> dict[str, Any]:
        """The claims of a valid ``purpose`` token; raises TokenInvalid or TokenExpired."""
        body, _, mac = token.partition(".")
        try:
            payload, given = _unb64(body), _unb64(mac)
        except (ValueError, TypeError) as exc:
            raise TokenInvalid(N_("malformed token")) from exc
        if not hmac.compare_digest(self._mac(payload), given):
            raise TokenInvalid(N_("token signature does not verify"))
        try:
            claims = orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            raise TokenInvalid(N_("malformed token payload")) from exc
        if not isinstance(claims, dict) or claims.get("p") != purpose or not isinstance(claims.get("exp"), int):
            raise TokenInvalid(N_("not a {purpose} token", purpose=purpose))
        if (time.time() if now is None else now) >= claims["exp"]:
            raise TokenExpired(N_("the {purpose} token has expired", purpose=purpose))
        return claims
