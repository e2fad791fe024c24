"""``canonical-json``: the canonical model itself, for debugging, storage and exchange."""

from __future__ import annotations

from mappings.base import JsonFormat
from mappings.canonical import mapping

MARKER = "https://jjj-footprint.example/schemas/canonical/v1"


class CanonicalJson(JsonFormat):
    id = "canonical-json"
    title = "Canonical declaration (JSON)"
    media_type = "application/vnd.jjj.declaration+json"
    spec_version = "1.0"
    schema_package = "mappings.canonical"
    schema_file = "declaration.schema.json"
    schema_ref = "mappings/canonical/declaration.schema.json (generated from gateway.core.model)"
    markers = (b'"declared_unit"', b'"organisation"')
    mapping = mapping


FORMAT = CanonicalJson()
