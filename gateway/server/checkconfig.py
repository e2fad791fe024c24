"""What ``fpgw serve --check-config`` reports: the files a configuration names that do not
exist, and a summary of what it would run."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from .config import ServerConfig

# Files the gateway makes itself on first start: their absence is no fault.
_MADE_ON_START = {"pact.key"}


def _paths(value: Any, where: str) -> list[tuple[str, Path]]:
    if isinstance(value, Path):
        return [(where, value)]
    if isinstance(value, tuple):
        return [p for i, item in enumerate(value) for p in _paths(item, f"{where}.{getattr(item, 'name', i)}")]
    if dataclasses.is_dataclass(value):
        return [p for f in dataclasses.fields(value)
                for p in _paths(getattr(value, f.name), f"{where}.{f.name}" if where else f.name)]
    return []


def missing_files(config: ServerConfig) -> list[tuple[str, str]]:
    """``(setting, path)`` of every configured file that does not exist."""
    found = []
    for where, path in _paths(config, ""):
        if where not in _MADE_ON_START and not path.exists():
            found.append((where, str(path)))
    return found


def setting_problems(config: ServerConfig) -> list[tuple[str, str]]:
    """``(setting, problem)`` for values :func:`load_config` takes as text but that cannot work."""
    from signing.keys import load_public_key

    from ..core.errors import GatewayError

    found = []
    if config.trust is not None:
        try:
            load_public_key(config.trust.root.strip())
        except GatewayError as exc:
            found.append(("trust.root", f"is not a public key: {exc}"))
    return found


def summary(config: ServerConfig) -> dict[str, Any]:
    security = "plaintext" if config.tls is None else ("mtls" if config.tls.mutual else "tls")
    return {"address": config.address, "security": security, "identity": config.identity,
            "processes": config.process_count,
            "store": config.store.url if not config.store.url.startswith("postgres") else "postgresql",
            "peers": [p.identity for p in config.peers.peers],
            "metrics": config.metrics.address if config.metrics else None,
            "https": config.https.address if getattr(config, "https", None) else None}
