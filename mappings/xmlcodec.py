"""XML renderings of JSON formats, driven by the format's JSON Schema (never written twice).

A JSON format's schema (draft 2020-12, local ``$ref`` into ``$defs``) fixes the XML shape:

- an object with ``properties`` is an element whose children are its members (any order;
  each at most once), an object without ``properties`` (a map, e.g. ``extensions``) is an
  element of ``<entry key="...">`` children;
- an array is a wrapper element of repeated item elements, named by the item schema's
  ``xml.name`` annotation (OpenAPI style), ``item`` when absent;
- a scalar is text: numbers keep their decimal digits (``Decimal`` in, ``Decimal`` out, an
  integer without a fraction comes back as ``int`` exactly as :func:`gateway.parsing.load_json`
  reads it), booleans are ``true``/``false``;
- a value whose schema says nothing about its type (``{}``) is carried as compact JSON text.

Every element is in one target namespace. :func:`xsd_from_json_schema` generates the XSD from
the same schema (titles and descriptions become ``xs:documentation``); constraints XSD cannot
state (``if``/``then``, ``contains``) are left to the JSON Schema, which an :class:`XmlRendering`
applies to the tree read from XML as well.

API: ``XmlCodec(schema, root, namespace)`` with ``parse(bytes)``, ``to_xml(tree)``,
``from_xml(element)``, ``xsd()``; ``xsd_from_json_schema(schema, root, namespace) -> bytes``;
``in_schema_order(tree, schema)``; ``XmlRendering`` (an :class:`~mappings.base.XmlFormat` that is the XML twin of a
:class:`~mappings.base.JsonFormat`, with ``xsd_is_current()`` / ``write_xsd()``).
``python -m mappings.xmlcodec [--check]`` regenerates (or checks) the shipped XSD of every
registered ``XmlRendering``.
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

from gateway.errors import DocumentTooLarge, FieldViolation, MalformedDocument, SchemaViolation
from gateway.model import Declaration
from gateway.parsing import MAX_DOCUMENT_BYTES, dump_json, load_json, load_xml
from gateway.report import TranslationReport
from mappings.base import JsonFormat, TranslateOptions, XmlFormat

__all__ = ["MAX_ATTRIBUTE_CHARS", "XmlCodec", "XmlRendering", "in_schema_order", "xsd_from_json_schema"]

XS = "http://www.w3.org/2001/XMLSchema"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_ATTRIBUTE_CHARS = 4096
ENTRY = "entry"
KEY = "key"
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INTEGER = re.compile(r"^[+-]?\d+$")


def _deref(root: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow local ``$ref``s; sibling keywords (titles, descriptions) win over the target's."""
    seen = 0
    while "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref is supported, got {ref!r}")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        seen += 1
        if seen > 32:
            raise ValueError(f"$ref chain too long at {ref!r}")
    return schema


def _kind(schema: dict[str, Any]) -> str:
    """record | map | array | string | number | integer | boolean | any."""
    if "const" in schema or "enum" in schema:
        values = [schema["const"]] if "const" in schema else schema["enum"]
        return schema.get("type") or _python_kind(values[0])
    kind = schema.get("type")
    if kind == "object":
        return "record" if "properties" in schema else "map"
    if kind in ("array", "string", "number", "integer", "boolean"):
        return kind
    if kind is None:
        return "any"
    raise ValueError(f"unsupported JSON Schema type {kind!r} for XML")


def _python_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, (Decimal, float)):
        return "number"
    return "string"


def _item_name(schema: dict[str, Any]) -> str:
    return schema.get("items", {}).get("xml", {}).get("name", "item")


def _violation(path: str, message: str) -> SchemaViolation:
    return SchemaViolation(f"{path or '/'}: {message}", path=path or "/", violations=[FieldViolation(path or "/", message)])


class XmlCodec:
    """Native JSON-like tree <-> XML element, shaped by a JSON Schema (see the module doc)."""

    def __init__(
        self,
        schema: dict[str, Any],
        root: str,
        namespace: str,
        *,
        max_bytes: int = MAX_DOCUMENT_BYTES,
        max_attribute_chars: int = MAX_ATTRIBUTE_CHARS,
    ) -> None:
        self.schema = schema
        self.root = root
        self.namespace = namespace
        self.max_bytes = max_bytes
        self.max_attribute_chars = max_attribute_chars

    def _q(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}"

    # -- bytes ---------------------------------------------------------------------------

    def parse(self, data: bytes) -> etree._Element:
        """Hardened parse (no DTD, entities or network; size and depth limits), then the
        attribute limit and the expected root element."""
        element = load_xml(data, max_bytes=self.max_bytes)
        for node in element.iter(tag=etree.Element):
            for name, value in node.attrib.items():
                if len(value) > self.max_attribute_chars:
                    raise DocumentTooLarge(
                        f"attribute {name!r} is {len(value)} characters; the limit is {self.max_attribute_chars}",
                        path=self._tree_path(node), limit=self.max_attribute_chars,
                    )
        if element.tag != self._q(self.root):
            raise MalformedDocument(
                f"root element is {element.tag!r}; expected {{{self.namespace}}}{self.root}", path="/"
            )
        return element

    def _tree_path(self, node: etree._Element) -> str:
        names = [etree.QName(n).localname for n in reversed(list(node.iterancestors()))]
        return "/" + "/".join([*names[1:], etree.QName(node).localname]) if names else "/"

    # -- tree -> XML ---------------------------------------------------------------------

    def to_xml(self, tree: Any) -> etree._Element:
        """The element for a native tree; raises :class:`SchemaViolation` (with the path)
        for a member the schema does not know or a value of the wrong type."""
        element = etree.Element(self._q(self.root), nsmap={None: self.namespace})
        self._fill(element, tree, self.schema, "")
        return element

    def _fill(self, element: etree._Element, value: Any, schema: dict[str, Any], path: str) -> None:
        schema = _deref(self.schema, schema)
        kind = _kind(schema)
        if kind == "record":
            if not isinstance(value, dict):
                raise _violation(path, "expected an object")
            props = schema["properties"]
            for key in value:
                if key not in props:
                    raise _violation(f"{path}/{key}", "member not in the schema")
            for key, sub in props.items():
                if key in value:
                    self._fill(etree.SubElement(element, self._q(key)), value[key], sub, f"{path}/{key}")
        elif kind == "map":
            if not isinstance(value, dict):
                raise _violation(path, "expected an object")
            sub = schema.get("additionalProperties", {})
            sub = {} if sub is True else sub
            for key, item in value.items():
                child = etree.SubElement(element, self._q(ENTRY), {KEY: str(key)})
                self._fill(child, item, sub, f"{path}/{key}")
        elif kind == "array":
            if not isinstance(value, list | tuple):
                raise _violation(path, "expected an array")
            name = _item_name(schema)
            for n, item in enumerate(value):
                self._fill(etree.SubElement(element, self._q(name)), item, schema.get("items", {}), f"{path}/{n}")
        else:
            self._set_text(element, self._scalar_text(kind, value, path), path)

    def _scalar_text(self, kind: str, value: Any, path: str) -> str:
        if kind == "any":
            try:
                return dump_json(value, indent=None).decode("utf-8")
            except (TypeError, ValueError) as exc:
                raise _violation(path, f"cannot be written as JSON: {exc}") from None
        if kind == "boolean":
            if not isinstance(value, bool):
                raise _violation(path, "expected a boolean")
            return "true" if value else "false"
        if kind in ("number", "integer"):
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                raise _violation(path, f"expected a {kind} (int or Decimal, never float)")
            if kind == "integer" and isinstance(value, Decimal) and value != value.to_integral_value():
                raise _violation(path, "expected an integer")
            return format(value, "f") if isinstance(value, Decimal) else str(value)
        if not isinstance(value, str):
            raise _violation(path, "expected a string")
        return value

    @staticmethod
    def _set_text(element: etree._Element, text: str, path: str) -> None:
        try:
            element.text = text
        except ValueError as exc:
            raise _violation(path, f"text cannot be carried in XML: {exc}") from None

    # -- XML -> tree ---------------------------------------------------------------------

    def from_xml(self, element: etree._Element) -> Any:
        """The native tree for an element; raises :class:`MalformedDocument` for a wrong root
        and :class:`SchemaViolation` (with the path) for unknown, repeated or ill-typed content."""
        if element.tag != self._q(self.root):
            raise MalformedDocument(f"root element is {element.tag!r}; expected {self._q(self.root)}", path="/")
        return self._read(element, self.schema, "")

    def _children(self, element: etree._Element, path: str) -> list[etree._Element]:
        children = []
        for child in element:
            if not isinstance(child.tag, str):
                continue  # comments
            if etree.QName(child).namespace != self.namespace:
                raise _violation(f"{path}/{etree.QName(child).localname}", f"element {child.tag!r} is not in {self.namespace}")
            children.append(child)
        texts = [element.text or ""] + [c.tail or "" for c in element]
        if any(t.strip() for t in texts):
            raise _violation(path, "text is not allowed here, only elements")
        return children

    def _read(self, element: etree._Element, schema: dict[str, Any], path: str) -> Any:
        schema = _deref(self.schema, schema)
        kind = _kind(schema)
        allowed_attributes = {KEY} if etree.QName(element).localname == ENTRY else set()
        extra = set(element.attrib) - allowed_attributes
        if extra:
            raise _violation(path, f"unexpected attribute(s) {', '.join(sorted(extra))}")
        if kind == "record":
            props = schema["properties"]
            out: dict[str, Any] = {}
            for child in self._children(element, path):
                name = etree.QName(child).localname
                if name not in props:
                    raise _violation(f"{path}/{name}", "element not in the schema")
                if name in out:
                    raise _violation(f"{path}/{name}", "element appears more than once")
                out[name] = self._read(child, props[name], f"{path}/{name}")
            return {k: out[k] for k in props if k in out}
        if kind == "map":
            sub = schema.get("additionalProperties", {})
            sub = {} if sub is True else sub
            out = {}
            for child in self._children(element, path):
                if etree.QName(child).localname != ENTRY or KEY not in child.attrib:
                    raise _violation(f"{path}/{etree.QName(child).localname}", f"expected <{ENTRY} {KEY}=...> elements")
                key = child.attrib[KEY]
                if key in out:
                    raise _violation(f"{path}/{key}", "key appears more than once")
                out[key] = self._read(child, sub, f"{path}/{key}")
            return out
        if kind == "array":
            name = _item_name(schema)
            items = []
            for n, child in enumerate(self._children(element, path)):
                if etree.QName(child).localname != name:
                    raise _violation(f"{path}/{n}", f"expected <{name}>, found <{etree.QName(child).localname}>")
                items.append(self._read(child, schema.get("items", {}), f"{path}/{n}"))
            return items
        return self._read_scalar(kind, self._text(element, path), path)

    def _text(self, element: etree._Element, path: str) -> str:
        parts = [element.text or ""]
        for child in element:
            if isinstance(child.tag, str):
                raise _violation(f"{path}/{etree.QName(child).localname}", "a value element cannot have child elements")
            parts.append(child.tail or "")
        return "".join(parts)

    @staticmethod
    def _read_scalar(kind: str, text: str, path: str) -> Any:
        if kind == "string":
            return text
        value = text.strip()
        if kind == "any":
            try:
                return load_json(value.encode("utf-8"))
            except MalformedDocument as exc:
                raise _violation(path, f"expected JSON text: {exc.message}") from None
        if kind == "boolean":
            if value in ("true", "1"):
                return True
            if value in ("false", "0"):
                return False
            raise _violation(path, f"expected true or false, got {value!r:.40}")
        if kind == "integer":
            if not _INTEGER.match(value):
                raise _violation(path, f"expected an integer, got {value!r:.40}")
            return int(value)
        if not _DECIMAL.match(value):
            raise _violation(path, f"expected a decimal number, got {value!r:.40}")
        try:
            return Decimal(value) if "." in value else int(value)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid text
            raise _violation(path, f"expected a decimal number, got {value!r:.40}") from None

    def xsd(self) -> bytes:
        return xsd_from_json_schema(self.schema, self.root, self.namespace)


def in_schema_order(tree: Any, schema: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    """``tree`` with every object's members in the order of the schema's ``properties``
    (what XML writes anyway), so emitted JSON reads like the specification."""
    root = root if root is not None else schema
    schema = _deref(root, schema)
    if isinstance(tree, dict) and "properties" in schema:
        props = schema["properties"]
        return {k: in_schema_order(tree[k], props[k], root) for k in props if k in tree} | {
            k: v for k, v in tree.items() if k not in props
        }
    if isinstance(tree, list) and isinstance(schema.get("items"), dict):
        return [in_schema_order(item, schema["items"], root) for item in tree]
    return tree


# -- XSD generation ------------------------------------------------------------------------


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
        kind = _kind(schema)
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
            sub = schema.get("additionalProperties", {})
            seq = _x(ct, "sequence")
            entry = _x(seq, "element", name=ENTRY, minOccurs="0", maxOccurs="unbounded")
            inner = _x(entry, "complexType")
            sc = _x(inner, "simpleContent")
            ext = _x(sc, "extension", base=self.simple_base({} if sub is True else _deref(self.schema, sub)))
            _x(ext, "attribute", name=KEY, type="xs:string", use="required")
        else:
            seq = _x(ct, "sequence")
            items = schema.get("items", {})
            self.element(
                seq, _item_name(schema), {k: v for k, v in items.items() if k != "xml"},
                min_occurs=str(schema.get("minItems", 0)),
                max_occurs=str(schema["maxItems"]) if "maxItems" in schema else "unbounded",
            )

    def simple_base(self, schema: dict[str, Any]) -> str:
        kind = _kind(schema)
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


# -- a format that is the XML twin of a JSON format ------------------------------------------


class XmlRendering(XmlFormat):
    """The XML rendering of a JSON format: same schema, same mapping, XML on the wire.

    Reading: hardened parse, XSD validation (``validate``), XML -> native tree, JSON Schema
    validation of that tree, then the JSON format's mapping. Writing: the JSON format's
    mapping, then the tree -> XML. Construct one per format and register it."""

    def __init__(
        self,
        json_format: JsonFormat,
        *,
        id: str,
        title: str,
        media_type: str,
        root: str,
        namespace: str,
        xsd_package: str,
        xsd_file: str,
        max_bytes: int = MAX_DOCUMENT_BYTES,
    ) -> None:
        self.json_format = json_format
        self.id = id
        self.title = title
        self.media_type = media_type
        self.spec_version = json_format.spec_version
        self.mapping_version = json_format.mapping_version
        self.namespace = namespace
        self.xsd_package = xsd_package
        self.xsd_file = xsd_file
        self.schema_ref = f"{xsd_package.replace('.', '/')}/{xsd_file} (generated from {json_format.schema_file})"
        self.codec = XmlCodec(json_format.schema, root, namespace, max_bytes=max_bytes)

    def parse(self, data: bytes) -> etree._Element:
        return self.codec.parse(data)

    def xsd_path(self) -> Path:
        return Path(str(resources.files(self.xsd_package).joinpath(self.xsd_file)))

    def xsd_is_current(self) -> bool:
        """Whether the shipped XSD is what the JSON Schema generates now (a test asserts it)."""
        path = self.xsd_path()
        return path.exists() and path.read_bytes() == self.codec.xsd()

    def write_xsd(self) -> None:
        self.xsd_path().write_bytes(self.codec.xsd())

    def to_canonical(self, native: etree._Element, options: TranslateOptions) -> tuple[Declaration, TranslationReport]:
        tree = self.codec.from_xml(native)
        self.json_format.validate(tree)
        return self.json_format.to_canonical(tree, options)

    def from_canonical(self, decl: Declaration, options: TranslateOptions) -> tuple[etree._Element, TranslationReport]:
        tree, report = self.json_format.from_canonical(decl, options)
        return self.codec.to_xml(tree), report


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check`` only list) every registered XML rendering's stale XSD."""
    from mappings.registry import available, get_format
    from mappings.xmlcodec import XmlRendering  # the importable class, not __main__'s copy

    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = [f for f in map(get_format, available()) if isinstance(f, XmlRendering) and not f.xsd_is_current()]
    for fmt in stale:
        if not check:
            fmt.write_xsd()
        print(f"{'stale' if check else 'wrote'}: {fmt.xsd_path()}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
