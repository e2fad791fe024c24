"""``idta-battery-cf``: IDTA 02035-3 Digital Battery Passport, Part 3: Product Carbon Footprint
(CarbonFootprintBattery 1.0.0), validated against the official generated schema shipped here."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from gateway.core.errors import SchemaViolation
from gateway.core.i18n import N_
from mappings.base import JsonFormat
from mappings.catenax import official
from mappings.catenax.sniff import top_level
from mappings.idta import mapping


class IdtaBatteryCf(JsonFormat):
    id = mapping.FORMAT_ID
    title = "IDTA 02035-3 battery passport product carbon footprint (CarbonFootprintBattery 1.0.0)"
    media_type = "application/json"
    spec_version = "IDTA 02035-3 1.0 (io.admin-shell.idta.batterypass.carbon_footprint 1.0.0)"
    schema_package = "mappings.idta"
    schema_file = "carbon-footprint-battery-1.0.0.schema.json"
    schema_ref = "mappings/idta/carbon-footprint-battery-1.0.0.schema.json (official generated schema)"
    mapping = mapping

    @cached_property
    def validator(self) -> Any:
        return official.validator(self.schema)

    def detect(self, data: bytes) -> bool:
        doc = top_level(data)
        entries = doc.get("ProductCarbonFootprints") if doc else None
        return isinstance(entries, list) and all(isinstance(e, dict) and "PcfCo2eq" in e for e in entries)

    def validate(self, native: Any) -> None:
        if not isinstance(native, dict):
            raise SchemaViolation(N_("{id}: the submodel is a JSON object", id=self.id), path="/", format=self.id)
        super().validate(native)


FORMAT = IdtaBatteryCf()

__all__ = ["FORMAT", "IdtaBatteryCf"]
