"""Who may call the PACT host, what each may read, and the partners we call back.

The clients file (``[pact] clients``) is TOML::

    [[client]]
    id = "acme-buyer"
    secret_hash = "$argon2id$v=19$m=65536,t=3,p=4$..."   # fpgw pact hash-secret
    regions = ["120000"]                  # store regions (GB/T 2260) it may read
    companies = ["urn:jjj:uscc:91120116MA05UJ9K44"]      # companyIds it may read
    products = []                          # productIds it may read
    all = false                            # true: every footprint

    [[partner]]                            # a PACT host we send events to (callbacks, requests)
    url = "https://pcf.acme.example"       # its base URL: the `source` of its events
    client_id = "jjj-tianjin"
    client_secret_env = "ACME_PACT_SECRET" # or client_secret = "..." (test set-ups only)
    allow_http = false                     # plain http only on loopback, or with this flag
    ca = "acme-ca.pem"                     # trust this CA for its https (default: the system's)

A footprint is readable by a client when ``all`` is set or any one of its lists matches
(OR across lists; matching is case-insensitive). Secrets are stored only as argon2 hashes.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ...core.errors import ConfigurationError
from ...core.i18n import N_
from ...server.config import is_loopback

_HASHER = PasswordHasher()
# Verified against when the client id is unknown, so that a wrong id costs as long as a wrong secret.
_DUMMY_HASH = _HASHER.hash("not-a-client-secret")


def hash_secret(secret: str) -> str:
    """The argon2id hash to put in a clients file."""
    return _HASHER.hash(secret)


@dataclass(frozen=True, slots=True)
class ReadScope:
    """What one client may read."""

    all: bool = False
    regions: frozenset[str] = frozenset()
    companies: frozenset[str] = frozenset()
    products: frozenset[str] = frozenset()

    def allows(self, region: str, company_ids: list[str], product_ids: list[str]) -> bool:
        if self.all:
            return True
        return (region.lower() in self.regions
                or any(c.lower() in self.companies for c in company_ids)
                or any(p.lower() in self.products for p in product_ids))


@dataclass(frozen=True, slots=True)
class Client:
    id: str
    secret_hash: str
    scope: ReadScope


@dataclass(frozen=True, slots=True)
class Partner:
    """A PACT host this gateway authenticates to: its base URL and our credentials there."""

    url: str
    client_id: str
    client_secret: str
    allow_http: bool = False
    ca: Path | None = None
    """CA bundle to trust for this partner's https (default: the system's)."""

    def matches(self, source: str) -> bool:
        return source.rstrip("/").lower() == self.url.rstrip("/").lower()


def check_callback_url(url: str, *, allow_http: bool = False) -> None:
    """Refuse a callback target that is not https, except plain http on loopback or when allowed."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and (allow_http or is_loopback(parts.hostname)):
        return
    raise ConfigurationError(N_("{url!r} is not an https URL (plain http only on loopback or with allow_http)", url=url),
                             path="partner.url")


class ClientRegistry:
    """The clients and partners of one clients file."""

    def __init__(self, clients: list[Client], partners: list[Partner]) -> None:
        self._clients = {c.id: c for c in clients}
        self.partners = tuple(partners)

    @classmethod
    def load(cls, path: Path, env: dict[str, str] | None = None) -> ClientRegistry:
        env = dict(os.environ) if env is None else env
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(N_("cannot read PACT clients {path}: {exc}", path=path, exc=exc), path="pact.clients") from exc
        unknown = set(raw) - {"client", "partner"}
        if unknown:
            raise ConfigurationError(N_("{path}: unknown table {value!r}", path=path, value=sorted(unknown)[0]), path="pact.clients")
        clients = [_client(entry, n, path) for n, entry in enumerate(raw.get("client", []))]
        if len({c.id for c in clients}) != len(clients):
            raise ConfigurationError(N_("{path}: a client id appears twice", path=path), path="pact.clients")
        partners = [_partner(entry, n, path, env) for n, entry in enumerate(raw.get("partner", []))]
        return cls(clients, partners)

    def authenticate(self, client_id: str, secret: str) -> Client | None:
        """The client whose id and secret these are, else None (in constant work either way)."""
        client = self._clients.get(client_id)
        try:
            _HASHER.verify(client.secret_hash if client else _DUMMY_HASH, secret)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return client

    def get(self, client_id: str) -> Client | None:
        return self._clients.get(client_id)

    def partner_for(self, source: str) -> Partner | None:
        return next((p for p in self.partners if p.matches(source)), None)


def _strings(entry: dict, key: str, where: str) -> frozenset[str]:
    values = entry.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ConfigurationError(N_("{where}.{key} must be a list of strings", where=where, key=key), path=f"{where}.{key}")
    return frozenset(v.lower() for v in values)


def _client(entry: dict, n: int, path: Path) -> Client:
    where = f"client[{n}]"
    unknown = set(entry) - {"id", "secret_hash", "regions", "companies", "products", "all"}
    if unknown:
        raise ConfigurationError(N_("{path}: unknown setting {where}.{value}", path=path, where=where, value=sorted(unknown)[0]), path=f"{where}")
    client_id, secret_hash = entry.get("id"), entry.get("secret_hash")
    if not isinstance(client_id, str) or not client_id or ":" in client_id:
        raise ConfigurationError(N_("{path}: {where}.id must be a non-empty string without ':'", path=path, where=where), path=f"{where}.id")
    if not isinstance(secret_hash, str) or not secret_hash.startswith("$argon2"):
        raise ConfigurationError(N_("{path}: {where}.secret_hash must be an argon2 hash (fpgw pact hash-secret)", path=path, where=where),
                                 path=f"{where}.secret_hash")
    scope = ReadScope(all=bool(entry.get("all", False)), regions=_strings(entry, "regions", where),
                      companies=_strings(entry, "companies", where), products=_strings(entry, "products", where))
    return Client(client_id, secret_hash, scope)


def _partner(entry: dict, n: int, path: Path, env: dict[str, str]) -> Partner:
    where = f"partner[{n}]"
    unknown = set(entry) - {"url", "client_id", "client_secret", "client_secret_env", "allow_http", "ca"}
    if unknown:
        raise ConfigurationError(N_("{path}: unknown setting {where}.{value}", path=path, where=where, value=sorted(unknown)[0]), path=where)
    url, client_id = entry.get("url"), entry.get("client_id")
    if not isinstance(url, str) or not isinstance(client_id, str) or not client_id:
        raise ConfigurationError(N_("{path}: {where} needs url and client_id", path=path, where=where), path=where)
    check_callback_url(url, allow_http=bool(entry.get("allow_http", False)))
    secret = entry.get("client_secret")
    if "client_secret_env" in entry:
        secret = env.get(str(entry["client_secret_env"]))
        if secret is None:
            raise ConfigurationError(N_("{path}: {where}: environment variable {client_secret_env} is not set", path=path, where=where, client_secret_env=entry['client_secret_env']),
                                     path=f"{where}.client_secret_env")
    if not isinstance(secret, str) or not secret:
        raise ConfigurationError(N_("{path}: {where} needs client_secret or client_secret_env", path=path, where=where), path=where)
    ca = (path.parent / str(entry["ca"])).resolve() if entry.get("ca") else None
    return Partner(url.rstrip("/"), client_id, secret, bool(entry.get("allow_http", False)), ca)
