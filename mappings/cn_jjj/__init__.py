"""``cn-jjj-json`` and ``cn-jjj-xml``: the Jing-Jin-Ji regional product carbon footprint
declaration (京津冀产品碳足迹声明), GB/T 24067-2024 semantics.

One JSON Schema (``declaration.schema.json``, draft 2020-12) defines the document; the XML
variant is the same tree rendered by :mod:`mappings.xmlcodec`, validated by ``declaration.xsd``
which is generated from that schema (``python -m mappings.xmlcodec``). The mapping is the
field table ``fields.toml`` plus the structural rules in :mod:`mappings.cn_jjj.mapping`.
"""

from __future__ import annotations

from typing import Any

from mappings.base import JsonFormat
from mappings.cn_jjj import mapping
from mappings.cn_jjj.mapping import FIELDS, check_document
from mappings.xmlcodec import XmlRendering

__all__ = ["FIELDS", "JSON_FORMAT", "NAMESPACE", "ROOT_ELEMENT", "XML_FORMAT", "CnJjjJson"]

NAMESPACE = "urn:jjj:footprint:declaration:1"
ROOT_ELEMENT = "carbonFootprintDeclaration"


class CnJjjJson(JsonFormat):
    id = "cn-jjj-json"
    title = "Jing-Jin-Ji regional declaration 京津冀产品碳足迹声明 (JSON)"
    media_type = "application/vnd.jjj.cn-jjj+json"
    spec_version = "1.0"
    schema_package = "mappings.cn_jjj"
    schema_file = "declaration.schema.json"
    schema_ref = "mappings/cn_jjj/declaration.schema.json"

    markers = (b'"issuingRegionCode"', b'"declarationId"')
    mapping = mapping
    border = False  # the register: strict
    # check_document checks the USCC, the GTIN and every other id, the only ids the table reads.
    validates_identifiers = True

    def validate(self, native: Any) -> None:
        super().validate(native)
        check_document(native)


JSON_FORMAT = CnJjjJson()
XML_FORMAT = XmlRendering(
    JSON_FORMAT,
    id="cn-jjj-xml",
    title="Jing-Jin-Ji regional declaration 京津冀产品碳足迹声明 (XML)",
    media_type="application/vnd.jjj.cn-jjj+xml",
    root=ROOT_ELEMENT,
    namespace=NAMESPACE,
    xsd_package="mappings.cn_jjj",
    xsd_file="declaration.xsd",
)
