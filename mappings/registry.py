"""Formats by stable id, imported lazily so one format's dependencies never burden another."""

from __future__ import annotations

import importlib
from functools import cache

from gateway.core.errors import UnknownFormat
from mappings.base import Format

# id -> "module:attribute" of a Format instance. Detection tries them in this order, most
# specific first (a PACT document is also JSON, so canonical-json comes last).
FORMATS: dict[str, str] = {
    "cn-jjj-json": "mappings.cn_jjj:JSON_FORMAT",
    "cn-jjj-xml": "mappings.cn_jjj:XML_FORMAT",
    "pact-v3": "mappings.pact:PACT_V3",
    "pact-v2": "mappings.pact:PACT_V2",
    "iso14067-json": "mappings.iso14067:JSON_FORMAT",
    "iso14067-xml": "mappings.iso14067:XML_FORMAT",
    "eu-battery-json": "mappings.eu_battery:JSON_FORMAT",
    "eu-battery-xml": "mappings.eu_battery:XML_FORMAT",
    "canonical-json": "mappings.canonical:FORMAT",
}


@cache
def _load(format_id: str) -> Format | None:
    module_name, attr = FORMATS[format_id].split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, attr, None)


def available() -> list[str]:
    """Ids of the formats installed in this build, in detection order."""
    return [fid for fid in FORMATS if _load(fid) is not None]


def get_format(format_id: str) -> Format:
    fmt = _load(format_id) if format_id in FORMATS else None
    if fmt is None:
        raise UnknownFormat(
            f"unknown format {format_id!r}; available: {', '.join(available())}", path="format", format=format_id
        )
    return fmt


def detect_format(data: bytes) -> Format:
    for format_id in available():
        fmt = get_format(format_id)
        if fmt.detect(data):
            return fmt
    raise UnknownFormat(
        "no registered format recognises this document; name it with --from / format_id", path="format"
    )
