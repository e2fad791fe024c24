"""``eu-battery-json`` and ``eu-battery-xml``: the carbon-footprint section of an EU battery
passport (Regulation (EU) 2023/1542 Art. 7, Annex II, Annex XIII; Battery Pass aspect
``io.BatteryPass.CarbonFootprint`` 1.2.0)."""

from __future__ import annotations

from mappings.base import JsonFormat
from mappings.eu_battery import mapping
from mappings.xmlcodec import XmlRendering

NAMESPACE = "urn:jjj:footprint:eu-battery:1"
ROOT_ELEMENT = "batteryCarbonFootprintSection"


class EuBatteryJson(JsonFormat):
    id = "eu-battery-json"
    title = "EU battery passport carbon footprint (Battery Pass CarbonFootprint 1.2.0, JSON)"
    media_type = "application/vnd.jjj.eu-battery-carbon-footprint+json"
    spec_version = "Regulation (EU) 2023/1542; io.BatteryPass.CarbonFootprint 1.2.0"
    schema_package = "mappings.eu_battery"
    schema_file = "passport.schema.json"
    schema_ref = "mappings/eu_battery/passport.schema.json (JSON Schema 2020-12; aspect-compatible)"

    # The aspect's two required footprint members: a bare aspect (no companion) is one too.
    markers = (b'"batteryCarbonFootprint"', b'"carbonFootprintPerLifecycleStage"')
    mapping = mapping


JSON_FORMAT = EuBatteryJson()

XML_FORMAT = XmlRendering(
    JSON_FORMAT,
    id="eu-battery-xml",
    title="EU battery passport carbon footprint (XML)",
    media_type="application/vnd.jjj.eu-battery-carbon-footprint+xml",
    root=ROOT_ELEMENT,
    namespace=NAMESPACE,
    xsd_package="mappings.eu_battery",
    xsd_file="passport.xsd",
)

__all__ = ["JSON_FORMAT", "NAMESPACE", "ROOT_ELEMENT", "XML_FORMAT", "EuBatteryJson"]
