"""Configuration of running a gateway as a platform: ``[peers]``, ``[metrics]``, ``[logging]``.

```toml
[peers]                        # pull every listed peer's feed in the background with Sync
cert = "hebei-client.pem"      # our client certificate (SAN URI = server.identity)
key = "hebei-client.key"
interval_seconds = 10          # pause after catching up (each peer may override it)
max_backoff_seconds = 300      # longest wait after repeated failures
batch = 100                    # records per Sync call

[peers.tianjin]
address = "tianjin.jjj.example:50051"
identity = "urn:jjj:platform:tianjin"   # must be a SAN URI of its server certificate
ca = "jjj-ca.pem"                       # CA of its server certificate
server_name = ""                        # TLS host name to check instead of the address's host

[metrics]
address = "127.0.0.1:9464"     # Prometheus /metrics (and /peers, /health); loopback by default

[logging]
level = "info"                 # debug, info, warning, error
format = "json"                # json (one object a line) or text
access_log = true              # one line per RPC on the gateway.access logger
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import ConfigurationError
from ..core.i18n import N_

LOG_LEVELS = ("debug", "info", "warning", "error")
LOG_FORMATS = ("json", "text")


@dataclass(frozen=True, slots=True)
class PeerConfig:
    name: str
    address: str
    identity: str
    ca: Path | None = None
    server_name: str = ""
    interval_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class PeersConfig:
    cert: Path | None = None
    key: Path | None = None
    interval_seconds: float = 10.0
    max_backoff_seconds: float = 300.0
    batch: int = 100
    peers: tuple[PeerConfig, ...] = ()

    def interval(self, peer: PeerConfig) -> float:
        return self.interval_seconds if peer.interval_seconds is None else peer.interval_seconds

    def check(self) -> PeersConfig:
        if bool(self.cert) != bool(self.key):
            raise ConfigurationError(N_("[peers] cert and key go together"), path="peers.cert")
        if self.peers and not self.cert:
            raise ConfigurationError(N_("[peers] needs cert and key: peers answer Sync only to platforms"),
                                     path="peers.cert")
        if self.interval_seconds <= 0 or self.max_backoff_seconds < self.interval_seconds:
            raise ConfigurationError(N_("peers.interval_seconds must be positive and at most max_backoff_seconds"),
                                     path="peers.interval_seconds")
        if not 1 <= self.batch <= 1000:
            raise ConfigurationError(N_("peers.batch must be between 1 and 1000"), path="peers.batch")
        seen: set[str] = set()
        for peer in self.peers:
            where = f"peers.{peer.name}"
            if ":" not in peer.address:
                raise ConfigurationError(N_("{where}.address {address!r} needs host:port", where=where, address=peer.address), path=f"{where}.address")
            if not peer.identity:
                raise ConfigurationError(N_("{where} needs identity (the peer's trust-list entity id)", where=where),
                                         path=f"{where}.identity")
            if peer.identity in seen:
                raise ConfigurationError(N_("{where}: {identity} is listed twice", where=where, identity=peer.identity), path=f"{where}.identity")
            if peer.interval_seconds is not None and peer.interval_seconds <= 0:
                raise ConfigurationError(N_("{where}.interval_seconds must be positive", where=where), path=f"{where}.interval_seconds")
            seen.add(peer.identity)
        return self


@dataclass(frozen=True, slots=True)
class MetricsConfig:
    address: str = "127.0.0.1:9464"


@dataclass(frozen=True, slots=True)
class LoggingConfig:
    level: str = "info"
    format: str = "json"
    access_log: bool = True

    def check(self) -> LoggingConfig:
        if self.level not in LOG_LEVELS:
            raise ConfigurationError(N_("logging.level {level!r} is not one of {items}", level=self.level, items=', '.join(LOG_LEVELS)),
                                     path="logging.level")
        if self.format not in LOG_FORMATS:
            raise ConfigurationError(N_("logging.format {format!r} is not one of {items}", format=self.format, items=', '.join(LOG_FORMATS)),
                                     path="logging.format")
        return self


_PEER_KEYS = {"address", "identity", "ca", "server_name", "interval_seconds"}


def _number(value: Any, where: str, kind: type) -> Any:
    try:
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(N_("{where}: cannot use {value!r} as a number", where=where, value=value), path=where) from exc


def parse_peers(values: dict[str, Any], base: Path) -> PeersConfig:
    """``[peers]``: scalar settings apply to every peer; each sub-table is one peer."""
    settings: dict[str, Any] = {}
    peers = []
    for key, value in values.items():
        where = f"peers.{key}"
        if isinstance(value, dict):
            unknown = set(value) - _PEER_KEYS
            if unknown:
                raise ConfigurationError(N_("unknown setting {where}.{value}", where=where, value=sorted(unknown)[0]),
                                         path=f"{where}.{sorted(unknown)[0]}")
            interval = value.get("interval_seconds")
            peers.append(PeerConfig(
                name=key, address=str(value.get("address", "")), identity=str(value.get("identity", "")),
                ca=(base / str(value["ca"])).resolve() if value.get("ca") else None,
                server_name=str(value.get("server_name", "")),
                interval_seconds=None if interval is None else _number(interval, f"{where}.interval_seconds", float),
            ))
        elif key in ("cert", "key"):
            settings[key] = (base / str(value)).resolve() if value else None
        elif key in ("interval_seconds", "max_backoff_seconds"):
            settings[key] = _number(value, where, float)
        elif key == "batch":
            settings[key] = _number(value, where, int)
        else:
            raise ConfigurationError(N_("unknown setting {where}", where=where), path=where)
    return PeersConfig(**settings, peers=tuple(peers)).check()
