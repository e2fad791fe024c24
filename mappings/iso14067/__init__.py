"""``iso14067-json`` and ``iso14067-xml``: ISO 14067:2018 CFP study reports (clause 7)."""

from __future__ import annotations

from mappings.base import JsonFormat
from mappings.iso14067 import mapping
from mappings.xmlcodec import XmlRendering

SPECIFICATION = "ISO 14067:2018"
NAMESPACE = "urn:jjj:footprint:iso14067:1"
ROOT_ELEMENT = "cfpReport"


class Iso14067Json(JsonFormat):
    id = "iso14067-json"
    title = "ISO 14067:2018 CFP study report (JSON)"
    media_type = "application/vnd.jjj.iso14067-cfp-report+json"
    spec_version = "ISO 14067:2018; report schema 1.0"
    schema_package = "mappings.iso14067"
    schema_file = "iso14067.schema.json"
    schema_ref = "mappings/iso14067/iso14067.schema.json (JSON Schema 2020-12)"

    markers = (b'"specification"', SPECIFICATION.encode())
    mapping = mapping


JSON_FORMAT = Iso14067Json()

XML_FORMAT = XmlRendering(
    JSON_FORMAT,
    id="iso14067-xml",
    title="ISO 14067:2018 CFP study report (XML)",
    media_type="application/vnd.jjj.iso14067-cfp-report+xml",
    root=ROOT_ELEMENT,
    namespace=NAMESPACE,
    xsd_package="mappings.iso14067",
    xsd_file="iso14067.xsd",
)

__all__ = ["JSON_FORMAT", "NAMESPACE", "ROOT_ELEMENT", "XML_FORMAT", "Iso14067Json"]
