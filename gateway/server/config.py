"""Server configuration: a TOML file, then ``FPGW_<SECTION>_<KEY>`` environment overrides.

```toml
[server]
address = "127.0.0.1:50051"   # host:port; port 0 picks a free port
identity = "urn:jjj:platform:hebei"
insecure = false              # plaintext on a non-loopback address needs this
max_workers = 16              # handler threads
max_concurrent_rpcs = 64      # this many clients with a call in flight each are always served; in a
                              # flood max_workers calls run, this many wait, more get RESOURCE_EXHAUSTED
max_message_bytes = 4194304
grace_seconds = 10
reflection = true
enable_echo = false           # the benchmark baseline service
processes = "auto"            # server processes sharing the port (SO_REUSEPORT); "auto": one per
                              # core on a fixed port, 1 on port 0 (a port picked at start cannot be shared)
health_check_seconds = 5      # how often store and trust list are probed for grpc.health.v1

[tls]
cert = "server.pem"
key = "server.key"
client_ca = "ca.pem"          # set: clients must present a certificate it issued (mTLS)

[store]
url = "gateway.sqlite"        # or postgresql://user@host/db
schema = "fpgw"
poll_seconds = 0.5            # how soon Watch sees records other replicas stored
pool_size = 8                 # PostgreSQL connections per server process (at most; opened on demand)

[trust]                       # set: attestations are verified and Submit/Sync authorised
list = "trust-list.json"      # the signed trust list, re-read when the file changes
root = "z6Mk..."              # pinned coordination-body root key (Multikey or PEM text)
min_sequence = 0              # highest sequence already accepted elsewhere (no rollback)

[signing]                     # the gateway's own key, for Sign and attested translations
key = "hebei-ed25519.pem"     # PKCS#8 PEM
key_id = "urn:jjj:platform:hebei#ed25519-1"   # its id on the trust list
issuer = ""                   # trust-list entity id; default server.identity

[recognition]
policies = ""                 # folder of policies; default the shipped mappings/recognition
default_policy = ""           # used by Assess when the request names none

[https]                       # set: the HTTPS server (PACT API, public pages) runs beside gRPC
address = "127.0.0.1:8443"    # host:port; port 0 picks a free port
cert = ""                     # default: [tls] cert (HTTPS only: there is no plaintext mode)
key = ""                      # default: [tls] key
base_url = ""                 # public URL (Link headers, event source); default https://address
max_body_bytes = 1048576      # larger request bodies are refused (413)
header_seconds = 10           # a request head (line and headers) not received within this is cut (408)
body_seconds = 10             # a request body not received within this is cut (408)
keep_alive_seconds = 5
max_connections = 256         # more concurrent requests are refused (503)

[pages]                       # the public verification page GET /verify/{digest} on [https] (needs [trust])
verify = true                 # false: not mounted
withhold = ""                 # comma-separated fields of the page not to show (see gateway/pages/publication.toml)
publish = ""                  # comma-separated fields withheld by default that this platform publishes

[pact]                        # set: the PACT Tech Specs v2.3/v3.0 host is mounted on [https]
clients = "pact-clients.toml" # client credentials (argon2 hashes), read scopes, partners
key = "pact-token.key"        # secret for access and page tokens; made on first start, kept
token_seconds = 3600          # access token lifetime
page_seconds = 86400          # a Link page token stays valid this long (spec: >= 180 s)
events = ""                   # the event ledger (SQLite); default <key stem>-events.sqlite beside key
callback_attempts = 6         # deliveries of an answer event before it is recorded as failed
callback_backoff_seconds = 2  # first retry delay; doubles each time
```

``[peers]``, ``[metrics]`` and ``[logging]`` are described in :mod:`gateway.server.opsconfig`.
Relative paths are resolved against the file's folder.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import ConfigurationError
from ..core.i18n import N_
from .opsconfig import LoggingConfig, MetricsConfig, PeersConfig, parse_peers

ENV_PREFIX = "FPGW_"
AUTO = "auto"


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers and taskset narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not every platform has CPU affinity
        return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class TlsConfig:
    cert: Path
    key: Path
    client_ca: Path | None = None

    @property
    def mutual(self) -> bool:
        return self.client_ca is not None


@dataclass(frozen=True, slots=True)
class StoreConfig:
    url: str = "gateway.sqlite"
    schema: str = "fpgw"
    poll_seconds: float = 0.5
    pool_size: int = 8


@dataclass(frozen=True, slots=True)
class TrustConfig:
    list: Path
    root: str
    min_sequence: int = 0


@dataclass(frozen=True, slots=True)
class SigningConfig:
    key: Path
    key_id: str
    issuer: str = ""


@dataclass(frozen=True, slots=True)
class RecognitionConfig:
    policies: Path | None = None
    default_policy: str = ""


@dataclass(frozen=True, slots=True)
class HttpsConfig:
    address: str = "127.0.0.1:8443"
    cert: Path | None = None
    key: Path | None = None
    base_url: str = ""
    max_body_bytes: int = 1024 * 1024
    header_seconds: float = 10.0
    body_seconds: float = 10.0
    keep_alive_seconds: float = 5.0
    max_connections: int = 256

    @property
    def host(self) -> str:
        return self.address.rsplit(":", 1)[0].strip("[]")


@dataclass(frozen=True, slots=True)
class PagesConfig:
    verify: bool = True
    withhold: str = ""
    publish: str = ""


@dataclass(frozen=True, slots=True)
class PactConfig:
    clients: Path
    key: Path
    token_seconds: int = 3600
    page_seconds: int = 86400
    events: Path | None = None
    callback_attempts: int = 6
    callback_backoff_seconds: float = 2.0

    @property
    def ledger(self) -> Path:
        return self.events or self.key.with_name(self.key.stem + "-events.sqlite")


@dataclass(frozen=True, slots=True)
class ServerConfig:
    address: str = "127.0.0.1:50051"
    identity: str = ""
    insecure: bool = False
    max_workers: int = 16
    max_concurrent_rpcs: int = 64
    max_message_bytes: int = 4 * 1024 * 1024
    grace_seconds: float = 10.0
    reflection: bool = True
    enable_echo: bool = False
    processes: int | str = AUTO
    health_check_seconds: float = 5.0
    tls: TlsConfig | None = None
    store: StoreConfig = field(default_factory=StoreConfig)
    trust: TrustConfig | None = None
    signing: SigningConfig | None = None
    recognition: RecognitionConfig = field(default_factory=RecognitionConfig)
    https: HttpsConfig | None = None
    pact: PactConfig | None = None
    peers: PeersConfig = field(default_factory=PeersConfig)
    metrics: MetricsConfig | None = None
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    pages: PagesConfig | None = None

    @property
    def signer_id(self) -> str:
        """The trust-list entity the gateway signs as."""
        return (self.signing.issuer if self.signing else "") or self.identity

    @property
    def host(self) -> str:
        return self.address.rsplit(":", 1)[0].strip("[]")

    @property
    def admitted_rpcs(self) -> int:
        """The limit handed to grpcio: ``max_concurrent_rpcs`` plus one slot per handler thread.

        grpcio frees a call's slot only when its handler thread has finished with it, which is
        after the answer has been sent: a client may already have its answer and its next call
        may arrive while the previous one still holds a slot. Each such finished call still
        occupies a handler thread, so at most ``max_workers`` of them exist at any time; with
        that headroom, ``max_concurrent_rpcs`` clients each keeping one call in flight are
        never refused, and in a flood ``max_workers`` calls run and at most
        ``max_concurrent_rpcs`` wait for a thread (grpcio refuses the rest at once, without
        taking a handler thread)."""
        return self.max_concurrent_rpcs + self.max_workers

    @property
    def process_count(self) -> int:
        """``processes`` with "auto" resolved: one per core when every port is fixed, else 1
        (port 0 picks a port at start, which other processes cannot share)."""
        if self.processes != AUTO:
            return int(self.processes)
        picked = self.address.endswith(":0") or (self.https is not None and self.https.address.endswith(":0"))
        return 1 if picked else available_cores()

    def check(self) -> ServerConfig:
        """Refuse settings that cannot work or would be unsafe; return self."""
        if ":" not in self.address:
            raise ConfigurationError(N_("address {address!r} needs host:port", address=self.address), path="server.address")
        if self.tls is None and not self.insecure and not is_loopback(self.host):
            raise ConfigurationError(
                N_("plaintext on {address} is refused: configure [tls] or set server.insecure = true", address=self.address),
                path="server.insecure",
            )
        if self.processes != AUTO and (not isinstance(self.processes, int) or self.processes < 1):
            raise ConfigurationError(N_("processes must be \"auto\" or a whole number of at least 1, not "
                                     "{processes!r}", processes=self.processes), path="server.processes")
        if self.process_count > 1 and self.address.endswith(":0"):
            raise ConfigurationError(N_("several processes need a fixed port to share"), path="server.processes")
        for name in ("max_workers", "max_concurrent_rpcs", "max_message_bytes"):
            if getattr(self, name) < 1:
                raise ConfigurationError(N_("{name} must be at least 1", name=name), path=f"server.{name}")
        if not self.store.poll_seconds > 0:
            raise ConfigurationError(N_("store.poll_seconds must be greater than 0"), path="store.poll_seconds")
        if self.store.pool_size < 1:
            raise ConfigurationError(N_("store.pool_size must be at least 1"), path="store.pool_size")
        if self.max_concurrent_rpcs < self.max_workers:
            raise ConfigurationError(N_("max_concurrent_rpcs must be at least max_workers"),
                                     path="server.max_concurrent_rpcs")
        if self.signing is not None and not self.signer_id:
            raise ConfigurationError(N_("[signing] needs an issuer (or server.identity)"), path="signing.issuer")
        if self.signing is not None and self.trust is None:
            raise ConfigurationError(N_("[signing] needs [trust]: the gateway checks its own attestations"),
                                     path="trust.list")
        if self.https is not None:
            self._check_https(self.https)
        if self.pact is not None and (self.pact.token_seconds < 1 or self.pact.page_seconds < 180
                                      or self.pact.callback_attempts < 1 or self.pact.callback_backoff_seconds < 0):
            raise ConfigurationError(N_("pact: token_seconds >= 1, page_seconds >= 180 (Tech Specs), "
                                     "callback_attempts >= 1 and callback_backoff_seconds >= 0"), path="pact")
        if self.pact is not None and self.https is None:
            raise ConfigurationError(N_("[pact] needs [https]: the PACT API is served over HTTPS only"), path="https.address")
        return self

    def _check_https(self, https: HttpsConfig) -> None:
        if ":" not in https.address:
            raise ConfigurationError(N_("address {address!r} needs host:port", address=https.address), path="https.address")
        if (https.cert is None) != (https.key is None):
            raise ConfigurationError(N_("[https] needs both cert and key (or neither, to use [tls])"), path="https.cert")
        if https.cert is None and self.tls is None:
            raise ConfigurationError(N_("[https] needs a certificate: set https.cert and https.key or [tls]"),
                                     path="https.cert")
        if https.base_url and not https.base_url.startswith("https://"):
            raise ConfigurationError(N_("https.base_url must start with https://"), path="https.base_url")
        if self.process_count > 1 and https.address.endswith(":0"):
            raise ConfigurationError(N_("several processes need a fixed HTTPS port to share"), path="https.address")
        for name in ("max_body_bytes", "max_connections"):
            if getattr(https, name) < 1:
                raise ConfigurationError(N_("{name} must be at least 1", name=name), path=f"https.{name}")
        for name in ("header_seconds", "body_seconds", "keep_alive_seconds"):
            if getattr(https, name) <= 0:
                raise ConfigurationError(N_("{name} must be positive", name=name), path=f"https.{name}")

    @property
    def https_cert(self) -> tuple[Path, Path]:
        """The HTTPS server's certificate and key: its own, else the gRPC server's."""
        https = self.https
        if https is not None and https.cert is not None and https.key is not None:
            return https.cert, https.key
        if self.tls is None:
            raise ConfigurationError(N_("no certificate for [https]"), path="https.cert")
        return self.tls.cert, self.tls.key


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_SECTIONS = {"server": None, "tls": TlsConfig, "store": StoreConfig, "trust": TrustConfig,
             "signing": SigningConfig, "recognition": RecognitionConfig, "https": HttpsConfig, "pact": PactConfig,
             "peers": PeersConfig, "metrics": MetricsConfig, "logging": LoggingConfig,
             "pages": PagesConfig}
# Sections that, when present, must name these settings.
_REQUIRED = {"tls": ("cert", "key"), "trust": ("list", "root"), "signing": ("key", "key_id"),
             "pact": ("clients", "key")}


def _coerce(value: Any, kind: Any, where: str) -> Any:
    kind_text = str(kind)
    try:
        if "bool" in kind_text:
            if isinstance(value, bool):
                return value
            if str(value).lower() in ("1", "true", "yes", "on"):
                return True
            if str(value).lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if "int" in kind_text:
            return int(value)
        if "float" in kind_text:
            return float(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(N_("{where}: cannot use {value!r} as {kind_text}", where=where, value=value, kind_text=kind_text), path=where) from exc


def _processes(value: Any) -> int | str:
    """``server.processes``: "auto" or a whole number (also as text, from the environment)."""
    if str(value).strip().lower() == AUTO:
        return AUTO
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(N_("server.processes: cannot use {value!r}: give \"auto\" or a whole number", value=value),
                                 path="server.processes") from exc


def _section(cls: type, values: Mapping[str, Any], section: str, base: Path) -> dict[str, Any]:
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in _SECTIONS}
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in fields:
            raise ConfigurationError(N_("unknown setting {section}.{key}", section=section, key=key), path=f"{section}.{key}")
        kind = fields[key].type
        if cls is ServerConfig and key == "processes":
            out[key] = _processes(value)
        elif "Path" in str(kind):
            out[key] = (base / str(value)).resolve() if value else None
        else:
            out[key] = _coerce(value, kind, f"{section}.{key}")
    return out


def load_config(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> ServerConfig:
    """Read ``path`` (optional), apply ``FPGW_*`` overrides from ``env``, check the result."""
    env = os.environ if env is None else env
    raw: dict[str, dict[str, Any]] = {}
    base = Path.cwd()
    if path is not None:
        path = Path(path)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(N_("cannot read configuration {path}: {exc}", path=path, exc=exc)) from exc
        base = path.resolve().parent
    unknown = set(raw) - set(_SECTIONS)
    if unknown:
        raise ConfigurationError(N_("unknown section [{value}]", value=sorted(unknown)[0]), path=sorted(unknown)[0])
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX):
            continue
        section, _, key = name[len(ENV_PREFIX):].lower().partition("_")
        if section in _SECTIONS and key:
            raw.setdefault(section, {})[key] = value
    server = _section(ServerConfig, raw.get("server", {}), "server", base)
    nested: dict[str, Any] = {}
    for name, cls in _SECTIONS.items():
        if cls is None or (not raw.get(name) and not (name == "metrics" and name in raw)):
            continue
        if name == "peers":
            nested[name] = parse_peers(raw[name], base)
            continue
        values = _section(cls, raw[name], name, base)
        missing = [key for key in _REQUIRED.get(name, ()) if not values.get(key)]
        if missing:
            raise ConfigurationError(N_("[{name}] needs {items}", name=name, items=' and '.join(_REQUIRED[name])), path=f"{name}.{missing[0]}")
        nested[name] = cls(**values)
    if "logging" in nested:
        nested["logging"].check()
    return ServerConfig(**server, **nested).check()


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """A configuration file with the environment overrides it is read with; calling it reads
    both again (what SIGHUP applies). Picklable, so the workers of a multi-process server
    can be handed it."""

    path: Path
    env: Mapping[str, str]

    def __call__(self) -> ServerConfig:
        return load_config(self.path, self.env)
