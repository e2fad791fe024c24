"""Formats by stable id, imported lazily so one format's dependencies never burden another.

A format whose module or optional dependency cannot be imported stays registered: asking
for it raises :class:`FormatUnavailable` with what to install, ``fpgw formats`` lists it as
unavailable, and detection says which formats it could not try.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

from gateway.core.errors import FormatUnavailable, UnknownFormat
from gateway.core.i18n import N_
from mappings.base import Format

DISTRIBUTION = "jjj-footprint-gateway"


@dataclass(frozen=True)
class Registration:
    """Where a format lives (``module:attribute`` of a :class:`Format` instance) and the
    ``[project.optional-dependencies]`` group that installs what it needs beyond the core."""

    target: str
    extra: str | None = None


# Detection tries them in this order, most specific first (a PACT document is also JSON, so
# canonical-json comes last).
FORMATS: dict[str, Registration] = {
    "cn-jjj-json": Registration("mappings.cn_jjj:JSON_FORMAT"),
    "cn-jjj-xml": Registration("mappings.cn_jjj:XML_FORMAT"),
    "catenax-pcf-v9": Registration("mappings.catenax:PCF_V9"),
    "catenax-battery-cf": Registration("mappings.catenax:BATTERY_CF"),
    "idta-battery-cf": Registration("mappings.idta:FORMAT"),
    "catenax-pcf-v8": Registration("mappings.catenax:PCF_V8"),
    "pact-v3": Registration("mappings.pact:PACT_V3"),
    "pact-v2": Registration("mappings.pact:PACT_V2"),
    "iso14067-json": Registration("mappings.iso14067:JSON_FORMAT"),
    "iso14067-xml": Registration("mappings.iso14067:XML_FORMAT"),
    "eu-battery-json": Registration("mappings.eu_battery:JSON_FORMAT"),
    "eu-battery-xml": Registration("mappings.eu_battery:XML_FORMAT"),
    "canonical-json": Registration("mappings.canonical:FORMAT"),
}


def install_hint(format_id: str, missing: str, registration: Registration) -> str:
    """What to tell a user whose installation lacks the module ``missing``."""
    if registration.extra:
        return (f"format {format_id!r} needs the Python module {missing!r}, which is not installed; "
                f"install it with: pip install '{DISTRIBUTION}[{registration.extra}]'")
    if missing.split(".")[0] in ("mappings", "gateway"):
        return (f"format {format_id!r} is registered but its module {missing!r} is missing from this installation; "
                f"reinstall with: pip install --force-reinstall {DISTRIBUTION}")
    return (f"format {format_id!r} needs the Python module {missing!r}, which is not installed; "
            f"install it with: pip install {missing.split('.')[0]}")


@cache
def _load(format_id: str) -> Format | str:
    """The format, or the install hint when it cannot be imported."""
    registration = FORMATS[format_id]
    module_name, attr = registration.target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        return install_hint(format_id, exc.name or module_name, registration)
    fmt = getattr(module, attr, None)
    if not isinstance(fmt, Format):
        raise TypeError(f"registry entry {format_id!r}: {registration.target} is not a Format")
    return fmt


def registered() -> list[str]:
    """Every registered id, installed or not, in detection order."""
    return list(FORMATS)


def available() -> list[str]:
    """Ids of the formats installed in this build, in detection order."""
    return [fid for fid in FORMATS if isinstance(_load(fid), Format)]


def unavailable() -> dict[str, str]:
    """Registered formats that cannot be used here, each with its install hint."""
    return {fid: hint for fid in FORMATS if isinstance(hint := _load(fid), str)}


def get_format(format_id: str) -> Format:
    if format_id not in FORMATS:
        raise UnknownFormat(
            N_("unknown format {format_id!r}; available: {items}", format_id=format_id, items=', '.join(available())), path="format", format=format_id
        )
    fmt = _load(format_id)
    if isinstance(fmt, str):
        raise FormatUnavailable(fmt, path="format", format=format_id)
    return fmt


def detect_format(data: bytes) -> Format:
    for format_id in available():
        fmt = get_format(format_id)
        if fmt.detect(data):
            return fmt
    missing = unavailable()
    if missing:
        raise UnknownFormat(N_("no registered format recognises this document (not installed here, so not tried:"
                               " {missing}); name its format id", missing=", ".join(missing)), path="format")
    raise UnknownFormat(N_("no registered format recognises this document; name its format id"), path="format")
