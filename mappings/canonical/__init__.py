"""``canonical-json``: the canonical model itself, for debugging, storage and exchange."""

from __future__ import annotations

from typing import Any

from gateway.core.model import Declaration, declaration_from_data, declaration_to_data
from gateway.core.report import TranslationReport
from mappings.base import JsonFormat, TranslateOptions

MARKER = "https://jjj-footprint.example/schemas/canonical/v1"


class CanonicalJson(JsonFormat):
    id = "canonical-json"
    title = "Canonical declaration (JSON)"
    media_type = "application/vnd.jjj.declaration+json"
    spec_version = "1.0"
    schema_package = "mappings.canonical"
    schema_file = "declaration.schema.json"
    schema_ref = "mappings/canonical/declaration.schema.json (generated from gateway.core.model)"

    def detect(self, data: bytes) -> bool:
        head = data[:4096]
        return head.lstrip().startswith(b"{") and b'"declared_unit"' in data and b'"organisation"' in data

    def to_canonical(self, native: dict[str, Any], options: TranslateOptions) -> tuple[Declaration, TranslationReport]:
        return declaration_from_data(native), TranslationReport()

    def from_canonical(self, decl: Declaration, options: TranslateOptions) -> tuple[dict[str, Any], TranslationReport]:
        return declaration_to_data(decl), TranslationReport()


FORMAT = CanonicalJson()
