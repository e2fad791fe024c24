"""The trust list the gateway verifies against, and the gateway's own signing key.

The list is read from its file and verified against the pinned root key at start, and read
again whenever the file changes. A replacement that does not verify, is older than the list
already accepted (rollback) or has expired makes every call that needs trust fail with that
precise reason rather than silently going on with a stale list: the operator must see it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from signing import Claim, PrivateKey, TrustList, issue_attestation, load_private_key, load_trust_list, verify_attestation
from signing.jcs import canonicalize
from signing.timeutil import utcnow

from ..core.errors import ConfigurationError, DocumentTooLarge, GatewayError, InvalidRequest, TrustListExpired
from ..core.i18n import N_
from .config import ServerConfig, SigningConfig

ATTESTATION_MEDIA_TYPE = "application/vc+ld+json"
SUPPLIED_TRUST_LIST_TYPES = ("", "application/json")
MAX_SUPPLIED_TRUST_LIST_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class GatewayKey:
    """The key the gateway signs with and who it signs as."""

    key: PrivateKey
    key_id: str
    issuer: str


class GatewayTrust:
    """Thread-safe holder of the current trust list (and its signed bytes)."""

    def __init__(self, path: Path, root: str, *, min_sequence: int = 0, signer: GatewayKey | None = None) -> None:
        self.path = path
        self.root = root
        self.signer = signer
        self._lock = threading.Lock()
        self._min_sequence = min_sequence
        self._stamp: tuple[int, int] | None = None
        self._document = b""
        self._list: TrustList | None = None
        self._failure: GatewayError | None = None
        self._refresh()
        if self._failure is not None:
            raise ConfigurationError(N_("trust list {path}: {reason}: {failure}", path=path, reason=self._failure.reason, failure=self._failure),
                                     path="trust.list") from self._failure

    @classmethod
    def from_config(cls, config: ServerConfig) -> GatewayTrust | None:
        """The configured trust (None when ``[trust]`` is absent)."""
        if config.trust is None:
            return None
        return cls(config.trust.list, config.trust.root.strip(), min_sequence=config.trust.min_sequence,
                   signer=_signer(config.signing, config.signer_id) if config.signing else None)

    def current(self, at: datetime | None = None) -> TrustList:
        """The trust list in force, re-read if its file changed; raises the reason it is unusable."""
        return self._unexpired(self._held()[1], at)

    @staticmethod
    def _unexpired(trust_list: TrustList, at: datetime | None) -> TrustList:
        moment = at or utcnow()
        if moment > trust_list.next_update:
            raise TrustListExpired(
                N_("trust list #{sequence} expired at {value}", sequence=trust_list.sequence, value=trust_list.next_update.isoformat()),
                next_update=trust_list.next_update.isoformat(),
            )
        return trust_list

    def for_request(self, supplied: Any, at: datetime) -> TrustList:
        """The trust list one request verifies against: the server's list, or the request's
        ``SuppliedTrustList`` when it carries one. A supplied list must be signed by the
        pinned root key and be no older than the server's list; it is never kept."""
        if supplied is None or not supplied.content:
            return self.current(at)
        if supplied.media_type not in SUPPLIED_TRUST_LIST_TYPES:
            raise InvalidRequest(N_("a trust list is application/json, not {media_type!r}", media_type=supplied.media_type),
                                 path="trust_list.media_type")
        if len(supplied.content) > MAX_SUPPLIED_TRUST_LIST_BYTES:
            raise DocumentTooLarge(N_("a supplied trust list is at most {max_supplied_trust_list_bytes} bytes", max_supplied_trust_list_bytes=MAX_SUPPLIED_TRUST_LIST_BYTES),
                                   path="trust_list.content")
        return load_trust_list(supplied.content, self.root, min_sequence=self._held()[1].sequence, at=at,
                               accept_expired=supplied.accept_expired)

    def document(self) -> tuple[bytes, TrustList]:
        """The signed trust list bytes exactly as held, with the verified list."""
        document, trust_list = self._held()
        return document, self._unexpired(trust_list, None)

    def _held(self) -> tuple[bytes, TrustList]:
        """The accepted list and its bytes (one read of them), re-read if the file changed,
        whether or not the list has expired."""
        with self._lock:
            self._refresh()
            if self._failure is not None:
                raise self._failure
            assert self._list is not None
            return self._document, self._list

    def _refresh(self) -> None:
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            if stamp == self._stamp:
                return
            document = self.path.read_bytes()
        except OSError as exc:
            self._failure = ConfigurationError(N_("cannot read trust list {path}: {exc}", path=self.path, exc=exc), path="trust.list")
            return
        self._stamp = stamp
        try:
            trust_list = load_trust_list(document, self.root, min_sequence=self._min_sequence)
        except GatewayError as exc:
            self._failure = exc
            return
        self._document, self._list, self._failure = document, trust_list, None
        self._min_sequence = trust_list.sequence

    def require_signer(self) -> GatewayKey:
        if self.signer is None:
            raise ConfigurationError(N_("this gateway has no signing key ([signing] is not configured)"),
                                     path="signing.key")
        return self.signer

    def sign(self, claim: Claim, digest: str, *, media: str, valid_days: int | None = None) -> bytes:
        """Issue an attestation with the gateway's key and check it verifies against the trust
        list before handing it out (a claim the key may not make fails here, not at the buyer)."""
        signer = self.require_signer()
        now = utcnow()
        vc = issue_attestation(
            claim, digest, key=signer.key, issuer_id=signer.issuer, verification_method=signer.key_id,
            valid_from=now - timedelta(seconds=1), created=now, media=media,  # type: ignore[arg-type]
            valid_until=now + timedelta(days=valid_days) if valid_days else None,
        )
        verify_attestation(vc, self.current(now), at=now)
        return attestation_bytes(vc)


def attestation_bytes(vc: dict[str, Any]) -> bytes:
    """An attestation as sent: its RFC 8785 canonical JSON."""
    return canonicalize(vc)


def _signer(config: SigningConfig, issuer: str) -> GatewayKey:
    try:
        key = load_private_key(config.key.read_bytes())
    except OSError as exc:
        raise ConfigurationError(N_("cannot read signing key {key}: {exc}", key=config.key, exc=exc), path="signing.key") from exc
    except GatewayError as exc:
        raise ConfigurationError(N_("signing key {key}: {exc}", key=config.key, exc=exc), path="signing.key") from exc
    return GatewayKey(key, config.key_id, issuer)
