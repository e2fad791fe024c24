"""Where a gateway is and how to reach it: flags, or a named profile in the client config file.

The client config file is ``$FPGW_CLIENT_CONFIG``, else ``$XDG_CONFIG_HOME/fpgw/client.toml``
(``~/.config/fpgw/client.toml``)::

    default = "tianjin"           # the profile used when none is named

    [profiles.tianjin]
    address = "tianjin.jjj.example:50051"
    ca = "jjj-ca.pem"             # CA of the gateway's server certificate (default: system roots)
    cert = "hebei-client.pem"     # client certificate (SAN URI = our trust-list entity)
    key = "hebei-client.key"
    server_name = ""              # TLS name to check instead of the address's host
    insecure = false              # plaintext (only for a loopback development gateway)
    timeout = 30                  # seconds per call

Relative paths are resolved against the file's folder. A flag overrides the profile's value.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

from ..core.errors import ConfigurationError
from ..core.i18n import N_

_PATHS = ("ca", "cert", "key")
_SETTINGS = {"address", "ca", "cert", "key", "server_name", "insecure", "timeout"}


@dataclass(frozen=True, slots=True)
class Connection:
    """How to call one gateway."""

    address: str
    ca: Path | None = None
    cert: Path | None = None
    key: Path | None = None
    server_name: str = ""
    insecure: bool = False
    timeout: float = 30.0
    profile: str = ""

    def check(self) -> Connection:
        if not self.address or ":" not in self.address:
            raise ConfigurationError(N_("gateway address {address!r} needs host:port (--address or a profile)", address=self.address),
                                     path="address")
        if bool(self.cert) != bool(self.key):
            raise ConfigurationError(N_("a client certificate and its key go together (--cert and --key)"), path="cert")
        if self.insecure and (self.ca or self.cert):
            raise ConfigurationError(N_("--insecure (plaintext) cannot use --ca, --cert or --key"), path="insecure")
        return self

    def credentials(self) -> grpc.ChannelCredentials:
        try:
            ca = self.ca.read_bytes() if self.ca else None
            cert = self.cert.read_bytes() if self.cert else None
            key = self.key.read_bytes() if self.key else None
        except OSError as exc:
            raise ConfigurationError(N_("cannot read TLS file {filename}: {strerror}", filename=exc.filename, strerror=exc.strerror),
                                     path=_option_of(exc.filename, self)) from exc
        return grpc.ssl_channel_credentials(root_certificates=ca, private_key=key, certificate_chain=cert)

    def channel(self) -> grpc.Channel:
        """A new channel (use it as a context manager)."""
        self.check()
        options = [("grpc.max_receive_message_length", 64 * 1024 * 1024)]
        if self.insecure:
            return grpc.insecure_channel(self.address, options=options)
        if self.server_name:
            options.append(("grpc.ssl_target_name_override", self.server_name))
        return grpc.secure_channel(self.address, self.credentials(), options=options)


def _option_of(filename: str | None, connection: Connection) -> str:
    for name in _PATHS:
        if filename and str(getattr(connection, name) or "") == str(filename):
            return name
    return "ca"


def client_config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("FPGW_CLIENT_CONFIG"):
        return Path(env["FPGW_CLIENT_CONFIG"])
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "fpgw" / "client.toml"


def load_profiles(path: Path) -> tuple[dict[str, dict[str, Any]], str]:
    """Every profile of the file (paths resolved) and the default profile's name."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, ""
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(N_("cannot read client configuration {path}: {exc}", path=path, exc=exc)) from exc
    unknown = set(raw) - {"default", "profiles"}
    if unknown:
        raise ConfigurationError(N_("{path}: unknown setting {value!r}", path=path, value=sorted(unknown)[0]), path=sorted(unknown)[0])
    profiles: dict[str, dict[str, Any]] = {}
    for name, values in (raw.get("profiles") or {}).items():
        if not isinstance(values, dict):
            raise ConfigurationError(N_("{path}: profiles.{name} must be a table", path=path, name=name), path=f"profiles.{name}")
        bad = set(values) - _SETTINGS
        if bad:
            raise ConfigurationError(N_("{path}: unknown setting profiles.{name}.{value}", path=path, name=name, value=sorted(bad)[0]),
                                     path=f"profiles.{name}.{sorted(bad)[0]}")
        profiles[name] = {k: (path.resolve().parent / v if k in _PATHS and v else v) for k, v in values.items()}
    return profiles, str(raw.get("default", ""))


def resolve_connection(*, profile: str | None = None, config_file: Path | None = None,
                       env: Mapping[str, str] | None = None, **flags: Any) -> Connection:
    """The connection from a profile (named, else the file's default) with ``flags`` (those
    not None) on top; also ``$FPGW_ADDRESS`` when neither gives an address."""
    env = os.environ if env is None else env
    path = config_file or client_config_path(env)
    profiles, default = load_profiles(path)
    name = profile or env.get("FPGW_PROFILE") or default
    values: dict[str, Any] = {}
    if name:
        if name not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            raise ConfigurationError(N_("no profile {name!r} in {path} (profiles: {known})", name=name, path=path, known=known), path="profile")
        values = dict(profiles[name])
    values.update({k: v for k, v in flags.items() if v is not None and v is not False})
    if "address" not in values and env.get("FPGW_ADDRESS"):
        values["address"] = env["FPGW_ADDRESS"]
    for key in _PATHS:
        if values.get(key) is not None:
            values[key] = Path(values[key])
    try:
        connection = Connection(**{**values, "profile": name or ""})
    except TypeError as exc:
        raise ConfigurationError(N_("bad client setting: {exc}", exc=exc)) from exc
    if "timeout" in values:
        connection = dataclasses.replace(connection, timeout=float(values["timeout"]))
    return connection.check()
