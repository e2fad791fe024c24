"""``catenax-pcf-v8`` and ``catenax-pcf-v9``: the Catena-X PCF aspect io.catenax.pcf 8.0.0 and 9.0.0 (CX-0136)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from gateway.core.errors import GatewayError, SchemaViolation
from gateway.core.model import Declaration
from gateway.core.parsing import load_json
from gateway.core.report import TranslationReport
from mappings.base import JsonFormat, TranslateOptions
from mappings.catenax import pcf_mapping, pcf_nesting

V8_SPEC = "io.catenax.pcf:datamodel:version:8."
V8_MEMBERS = ("partialFullPcf", "retroOrProspectivePcfType", "ccsTechnologicalCO2CaptureIncluded")
V9_COLLECTIONS = ("scopeOfPcfForm", "companyAndProductInformation", "productLifeCycleStagesAndEmissions")


@lru_cache(maxsize=4)
def top_level(data: bytes) -> dict[str, Any] | None:
    """The parsed document when it is a JSON object (detection reads the members, not the bytes)."""
    head = data[:4].lstrip()
    if head[:1] not in (b"{", b"\xef", b"\xff", b"\xfe", b"\x00"):
        return None
    try:
        parsed = load_json(data)
    except (GatewayError, ValueError):
        return None
    return parsed if isinstance(parsed, dict) else None


class CatenaxPcf(JsonFormat):
    """One io.catenax.pcf version; 9.0.0 is the 8.0.0 layout nested (``pcf_nesting``)."""

    media_type = "application/json"
    schema_package = "mappings.catenax"

    def __init__(self, format_id: str, version: str, nested: bool, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> None:
        self.id = format_id
        self.nested = nested
        self.layout = pcf_mapping.layout(format_id, required, optional)
        self.title = f"Catena-X Product Carbon Footprint (io.catenax.pcf {version}, CX-0136)"
        self.spec_version = f"io.catenax.pcf {version} (CX-0136)"
        self.schema_file = f"pcf-{version}.schema.json"
        self.schema_ref = f"mappings/catenax/{self.schema_file} (official generated schema, urn:samm:io.catenax.pcf:{version}#Pcf)"

    def detect(self, data: bytes) -> bool:
        doc = top_level(data)
        if doc is None:
            return False
        if self.nested:
            return all(isinstance(doc.get(k), list) for k in V9_COLLECTIONS)
        if not isinstance(doc.get("pcf"), dict):
            return False
        spec = doc.get("specVersion")
        if isinstance(spec, list) and any(isinstance(s, str) and V8_SPEC in s for s in spec):
            return True
        return isinstance(spec, list) and any(k in doc for k in V8_MEMBERS)

    def validate(self, native: Any) -> None:
        if not isinstance(native, dict):
            raise SchemaViolation(f"{self.id}: a Pcf aspect is a JSON object", path="/", format=self.id)
        super().validate(native)

    def to_canonical(self, native: dict[str, Any], options: TranslateOptions) -> tuple[Declaration, TranslationReport]:
        report = TranslationReport()
        flat = pcf_nesting.flatten(native) if self.nested else native
        return pcf_mapping.to_canonical(self.layout, flat, report), report

    def from_canonical(self, decl: Declaration, options: TranslateOptions) -> tuple[dict[str, Any], TranslationReport]:
        native, report = pcf_mapping.from_canonical(
            self.layout, decl, options, f"{self.id}/{self.mapping_version}", keep_rest=self.nested
        )
        return (pcf_nesting.nest(native) if self.nested else native), report


_V9 = pcf_nesting.table()
PCF_V8 = CatenaxPcf("catenax-pcf-v8", "8.0.0", nested=False)
PCF_V9 = CatenaxPcf("catenax-pcf-v9", "9.0.0", nested=True, required=tuple(_V9["required"]), optional=tuple(_V9["optional"]))
