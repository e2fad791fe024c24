"""``pact-v2`` and ``pact-v3``: the WBCSD PACT ProductFootprint, Tech Specs 2.3 and 3.0.

Written from the specification's data model (field names, types, enumerations, patterns,
sign rules, the 2.x -> 3.0 renames and drops). Our own JSON Schemas (draft 2020-12) are
shipped here; the tests also check every emitted document against the official OpenAPI
schemas in ``../shared/anchors/pact/``.
"""

from __future__ import annotations

import re
from typing import Any

from gateway.core.errors import SchemaViolation
from gateway.core.i18n import N_
from mappings.base import JsonFormat
from mappings.pact import mapping
from mappings.pact.carry import EXTENSION_SCHEMA_URL
from mappings.pact.profile import Profile, load

_SPEC_VERSION = re.compile(rb'"specVersion"\s*:\s*"(\d+)\.')
SNIFF_BYTES = 64 * 1024


class PactFormat(JsonFormat):
    """One PACT Tech Specs major version."""

    media_type = "application/json"
    schema_package = "mappings.pact"

    def __init__(self, fields_file: str, major: str, title: str, spec_version: str) -> None:
        self.profile: Profile = load(fields_file)
        self.id = self.profile.id
        self.major = major.encode()
        self.title = title
        self.spec_version = spec_version
        self.schema_file = f"{self.id}.schema.json"
        self.schema_ref = f"mappings/pact/{self.schema_file} (written from PACT Tech Specs {spec_version})"
        self.mapping = mapping.ProfileMapping(self.profile, f"{self.id}/{self.mapping_version}")

    def detect(self, data: bytes) -> bool:
        head = data[:SNIFF_BYTES]
        if not head.lstrip().startswith(b"{") or b'"pcf"' not in head:
            return False
        match = _SPEC_VERSION.search(head)
        return match is not None and match[1] == self.major

    def validate(self, native: Any) -> None:
        if not isinstance(native, dict):
            raise SchemaViolation(N_("{id}: a ProductFootprint is a JSON object", id=self.id), path="/", format=self.id)
        super().validate(native)


PACT_V2 = PactFormat("fields_v2.toml", "2", "PACT ProductFootprint (Tech Specs 2.3)", "2.3")
PACT_V3 = PactFormat("fields_v3.toml", "3", "PACT ProductFootprint (Tech Specs 3.0)", "3.0")

__all__ = ["EXTENSION_SCHEMA_URL", "PACT_V2", "PACT_V3", "PactFormat"]
