"""Catena-X formats: the PCF aspect (io.catenax.pcf 8.0.0 and 9.0.0, CX-0136) and the carbon
footprint of the Catena-X battery passport (io.catenax.battery.battery_pass 6.1.0, CX-0160).

The official generated schemas are shipped beside the code (SOURCES.md) and every document
read or written is validated against them. The formats are told apart by their top-level
members (:mod:`mappings.catenax.sniff`), never by a byte that a PACT document or a canonical
declaration carrying a Catena-X extension could also hold.
"""

from __future__ import annotations

import json
from functools import cached_property
from importlib import resources
from typing import Any

from gateway.core.errors import SchemaViolation
from gateway.core.i18n import N_
from mappings.base import JsonFormat
from mappings.catenax import battery, official, pcf_mapping, pcf_nesting
from mappings.catenax.sniff import top_level

PACKAGE = "mappings.catenax"
V8_SPEC = "io.catenax.pcf:datamodel:version:8."
V8_MEMBERS = ("partialFullPcf", "retroOrProspectivePcfType", "ccsTechnologicalCO2CaptureIncluded")
V9_COLLECTIONS = ("scopeOfPcfForm", "companyAndProductInformation", "productLifeCycleStagesAndEmissions")


class CatenaxPcf(JsonFormat):
    """One io.catenax.pcf version; 9.0.0 is the 8.0.0 layout nested (``pcf_nesting``)."""

    media_type = "application/json"
    schema_package = PACKAGE

    def __init__(self, format_id: str, version: str, nested: bool, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> None:
        self.id = format_id
        self.nested = nested
        self.title = f"Catena-X Product Carbon Footprint (io.catenax.pcf {version}, CX-0136)"
        self.spec_version = f"io.catenax.pcf {version} (CX-0136)"
        self.schema_file = f"pcf-{version}.schema.json"
        self.schema_ref = f"mappings/catenax/{self.schema_file} (official generated schema, urn:samm:io.catenax.pcf:{version}#Pcf)"
        self.mapping = pcf_mapping.PcfMapping(pcf_mapping.layout(format_id, required, optional), nested, f"{format_id}/{self.mapping_version}")

    @cached_property
    def validator(self) -> Any:
        return official.validator(self.schema)

    def detect(self, data: bytes) -> bool:
        doc = top_level(data)
        if doc is None:
            return False
        if self.nested:
            return all(isinstance(doc.get(k), list) for k in V9_COLLECTIONS)
        spec = doc.get("specVersion")
        if not isinstance(doc.get("pcf"), dict) or not isinstance(spec, list):
            return False
        return any(isinstance(s, str) and V8_SPEC in s for s in spec) or any(k in doc for k in V8_MEMBERS)

    def validate(self, native: Any) -> None:
        if not isinstance(native, dict):
            raise SchemaViolation(N_("{id}: a Pcf aspect is a JSON object", id=self.id), path="/", format=self.id)
        super().validate(native)


class CatenaxBatteryCf(JsonFormat):
    """The passport's ``sustainability/carbonFootprint`` list as ``{"carbonFootprint": [...]}``,
    validated against that subtree of the official schema (a whole passport needs data a
    footprint does not have)."""

    id = battery.FORMAT_ID
    title = "Catena-X battery passport 6.1.0 carbon footprint (sustainability/carbonFootprint)"
    media_type = "application/json"
    spec_version = "io.catenax.battery.battery_pass 6.1.0 (CX-0160), Regulation (EU) 2023/1542 Art. 7"
    mapping_version = battery.MAPPING_VERSION
    schema_package = PACKAGE
    schema_file = "battery-pass-6.1.0.schema.json"
    schema_ref = "the sustainability/carbonFootprint subtree of mappings/catenax/battery-pass-6.1.0.schema.json (official generated schema)"
    mapping = battery

    @cached_property
    def schema(self) -> dict[str, Any]:
        passport = json.loads(resources.files(PACKAGE).joinpath(self.schema_file).read_text("utf-8"))
        ref = passport["properties"]["sustainability"]["$ref"].rsplit("/", 1)[1]
        subtree = passport["components"]["schemas"][ref]["properties"]["carbonFootprint"]
        return {
            "$schema": passport["$schema"], "type": "object", "required": ["carbonFootprint"],
            "properties": {"carbonFootprint": subtree}, "components": passport["components"],
        }

    @cached_property
    def validator(self) -> Any:
        return official.validator(self.schema)

    def detect(self, data: bytes) -> bool:
        doc = top_level(data)
        entries = doc.get("carbonFootprint") if doc else None
        return isinstance(entries, list) and bool(entries) and all(
            isinstance(e, dict) and "lifecycle" in e and "rulebook" in e for e in entries
        )

    def validate(self, native: Any) -> None:
        if not isinstance(native, dict):
            raise SchemaViolation(N_("{id}: the document is a JSON object with a carbonFootprint list", id=self.id), path="/", format=self.id)
        super().validate(native)


_V9 = pcf_nesting.table()
PCF_V8 = CatenaxPcf("catenax-pcf-v8", "8.0.0", nested=False)
PCF_V9 = CatenaxPcf("catenax-pcf-v9", "9.0.0", nested=True, required=tuple(_V9["required"]), optional=tuple(_V9["optional"]))
BATTERY_CF = CatenaxBatteryCf()

__all__ = ["BATTERY_CF", "PCF_V8", "PCF_V9", "CatenaxBatteryCf", "CatenaxPcf"]
