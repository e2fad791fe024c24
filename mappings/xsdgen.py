"""XSD generation from a JSON Schema: the XSD accepts exactly the XML :mod:`mappings.xmlcodec` writes."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from lxml import etree

from mappings.xmlshape import ENTRY, KEY, XML_LANG, deref, entry_schema, item_name, schema_kind

XS = "http://www.w3.org/2001/XMLSchema"

__all__ = ["XS", "xsd_from_json_schema", "xsd_pattern"]


def _x(parent: etree._Element, tag: str, **attrib: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{XS}}}{tag}", {k.rstrip("_"): v for k, v in attrib.items()})


def xsd_pattern(pattern: str) -> str:
    """A JSON Schema (ECMA-262) pattern as an XSD pattern, which is implicitly anchored.

    Only the common subset translates: anchors are removed (an unanchored side becomes
    ``.*``), non-capturing groups become groups; lookarounds and ``\\b`` are refused."""
    if re.search(r"\(\?[=!<]|\\b|\\B", pattern):
        raise ValueError(f"pattern {pattern!r} uses a construct XSD cannot express")
    body = pattern.replace("(?:", "(")
    body = body[1:] if body.startswith("^") else ".*" + body
    body = body[:-1] if body.endswith("$") and not body.endswith("\\$") else body + ".*"
    return body


class _XsdWriter:
    def __init__(self, schema: dict[str, Any], namespace: str) -> None:
        self.schema = schema
        self.namespace = namespace
        self.doc = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS, "t": namespace})
        self.doc.attrib.update(
            {"targetNamespace": namespace, "elementFormDefault": "qualified", "attributeFormDefault": "unqualified"}
        )
        if "specVersion" in schema.get("properties", {}) and "const" in schema["properties"]["specVersion"]:
            self.doc.set("version", str(schema["properties"]["specVersion"]["const"]))

    def annotate(self, parent: etree._Element, schema: dict[str, Any]) -> None:
        if not schema.get("title") and not schema.get("description"):
            return
        note = _x(parent, "annotation")
        if schema.get("title"):
            _x(note, "documentation").set(XML_LANG, "zh")
            note[-1].text = schema["title"]
        if schema.get("description"):
            _x(note, "documentation").text = schema["description"]

    def element(self, parent: etree._Element, name: str, schema: dict[str, Any], *, min_occurs: str | None = None, max_occurs: str | None = None) -> None:
        el = _x(parent, "element", name=name)
        if min_occurs is not None:
            el.set("minOccurs", min_occurs)
        if max_occurs is not None:
            el.set("maxOccurs", max_occurs)
        ref = schema.get("$ref")
        self.annotate(el, schema)
        if ref is not None:
            el.set("type", "t:" + ref.rsplit("/", 1)[1])
            return
        self.content(el, schema, anonymous=True)

    def content(self, el: etree._Element, schema: dict[str, Any], *, anonymous: bool, name: str | None = None) -> None:
        """The type of ``el``: an anonymous type inside it, or a named top-level type."""
        kind = schema_kind(schema)
        if kind in ("record", "map", "array"):
            ct = _x(el, "complexType") if anonymous else _x(self.doc, "complexType", name=name)
            if not anonymous:
                self.annotate(ct, schema)
            self.complex(ct, schema, kind)
            return
        simple = self.simple(schema, kind)
        if isinstance(simple, str):
            if anonymous:
                el.set("type", simple)
            else:
                st = _x(self.doc, "simpleType", name=name)
                self.annotate(st, schema)
                _x(st, "restriction", base=simple)
            return
        st = _x(el, "simpleType") if anonymous else _x(self.doc, "simpleType", name=name)
        if not anonymous:
            self.annotate(st, schema)
        st.append(simple)

    def complex(self, ct: etree._Element, schema: dict[str, Any], kind: str) -> None:
        if kind == "record":
            group = _x(ct, "all")
            required = set(schema.get("required", ()))
            for key, sub in schema["properties"].items():
                self.element(group, key, sub, min_occurs=None if key in required else "0")
        elif kind == "map":
            seq = _x(ct, "sequence")
            entry = _x(seq, "element", name=ENTRY, minOccurs="0", maxOccurs="unbounded")
            inner = _x(entry, "complexType")
            sc = _x(inner, "simpleContent")
            ext = _x(sc, "extension", base=self.simple_base(deref(self.schema, entry_schema(schema))))
            _x(ext, "attribute", name=KEY, type="xs:string", use="required")
        else:
            seq = _x(ct, "sequence")
            items = schema.get("items", {})
            self.element(
                seq, item_name(schema), {k: v for k, v in items.items() if k != "xml"},
                min_occurs=str(schema.get("minItems", 0)),
                max_occurs=str(schema["maxItems"]) if "maxItems" in schema else "unbounded",
            )

    def simple_base(self, schema: dict[str, Any]) -> str:
        kind = schema_kind(schema)
        if kind in ("record", "map", "array"):
            raise ValueError("map values must be scalars or free-form JSON for XML")
        simple = self.simple(schema, kind)
        return simple if isinstance(simple, str) else "xs:string"

    def simple(self, schema: dict[str, Any], kind: str) -> str | etree._Element:
        """A built-in type name, or an ``xs:restriction`` element carrying the facets."""
        base = {
            "any": "xs:string", "boolean": "xs:boolean", "integer": "xs:integer", "number": "xs:decimal",
        }.get(kind) or {"date": "xs:date", "date-time": "xs:dateTime", "uri": "xs:anyURI"}.get(schema.get("format", ""), "xs:string")
        facets: list[tuple[str, str]] = []
        values = [schema["const"]] if "const" in schema else schema.get("enum", [])
        facets += [("enumeration", self._lexical(v)) for v in values]
        if "pattern" in schema:
            facets.append(("pattern", xsd_pattern(schema["pattern"])))
        for key, facet in (("minLength", "minLength"), ("maxLength", "maxLength"), ("minimum", "minInclusive"),
                           ("maximum", "maxInclusive"), ("exclusiveMinimum", "minExclusive"),
                           ("exclusiveMaximum", "maxExclusive")):
            if key in schema:
                facets.append((facet, self._lexical(schema[key])))
        if not facets:
            return base
        restriction = etree.Element(f"{{{XS}}}restriction", base=base)
        for facet, value in facets:
            _x(restriction, facet, value=value)
        return restriction

    @staticmethod
    def _lexical(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return format(Decimal(str(value)), "f")
        return str(value)

    def write(self, root: str) -> bytes:
        self.annotate(self.doc, self.schema)
        self.element(self.doc, root, {k: v for k, v in self.schema.items() if k not in ("title", "description")})
        for name, sub in self.schema.get("$defs", {}).items():
            self.content(self.doc, sub, anonymous=False, name=name)
        return etree.tostring(self.doc, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def xsd_from_json_schema(schema: dict[str, Any], root: str, namespace: str) -> bytes:
    """The XSD (target namespace ``namespace``, root element ``root``) that accepts exactly
    the XML :class:`XmlCodec` writes for trees valid against ``schema`` (up to the JSON Schema
    rules XSD cannot state). ``$defs`` become named types; titles and descriptions become
    ``xs:documentation``."""
    return _XsdWriter(schema, namespace).write(root)
