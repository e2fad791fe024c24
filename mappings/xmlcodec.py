"""XML renderings of JSON formats, driven by the format's JSON Schema (never written twice).

A JSON format's schema (draft 2020-12, local ``$ref`` into ``$defs``) fixes the XML shape:

- an object with ``properties`` is an element whose children are its members (any order;
  each at most once), an object without ``properties`` (a map, e.g. ``extensions``) is an
  element of ``<entry key="...">`` children;
- an array is a wrapper element of repeated item elements, named by the item schema's
  ``xml.name`` annotation (OpenAPI style), ``item`` when absent;
- a scalar is text: numbers keep their decimal digits (``Decimal`` in, ``Decimal`` out, an
  integer without a fraction comes back as ``int`` exactly as :func:`gateway.core.parsing.load_json`
  reads it), booleans are ``true``/``false``;
- a value whose schema says nothing about its type (``{}``) is carried as compact JSON text.

Every element is in one target namespace. :func:`mappings.xsdgen.xsd_from_json_schema` generates the XSD from
the same schema (titles and descriptions become ``xs:documentation``); constraints XSD cannot
state (``if``/``then``, ``contains``) are left to the JSON Schema, which an :class:`XmlRendering`
applies to the tree read from XML as well.

API: ``XmlCodec(schema, root, namespace)`` with ``parse(bytes)``, ``to_xml(tree)``,
``from_xml(element)``, ``xsd()``;
``in_schema_order(tree, schema)``; ``XmlRendering`` (an :class:`~mappings.base.XmlFormat` that is the XML twin of a
:class:`~mappings.base.JsonFormat`, with ``xsd_is_current()`` / ``write_xsd()``).
``python -m mappings.xmlcodec [--check]`` regenerates (or checks) the shipped XSD of every
registered ``XmlRendering``.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

from gateway.core.errors import DocumentTooLarge, FieldViolation, MalformedDocument, SchemaViolation
from gateway.core.i18n import N_
from gateway.core.model import Declaration
from gateway.core.parsing import MAX_DOCUMENT_BYTES, dump_json, load_json, load_xml, read_number
from gateway.core.report import TranslationReport
from mappings.base import JsonFormat, TranslateOptions, XmlFormat, signature_set_aside
from mappings.xmlshape import DECIMAL, ENTRY, INTEGER, KEY, deref, entry_schema, item_name, schema_kind
from mappings.xsdgen import xsd_from_json_schema

__all__ = ["MAX_ATTRIBUTE_CHARS", "XmlCodec", "XmlRendering", "in_schema_order"]

MAX_ATTRIBUTE_CHARS = 4096


def _violation(path: str, message: str) -> SchemaViolation:
    return SchemaViolation(N_("{value}: {message}", value=path or '/', message=message), path=path or "/", violations=[FieldViolation(path or "/", message)])


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
        self._prefix = f"{{{namespace}}}"
        self._entry_tag = self._q(ENTRY)
        # id(sub-schema) -> (the sub-schema, kept so its id stays its own; $refs followed; kind)
        self._shapes: dict[int, tuple[dict[str, Any], dict[str, Any], str]] = {}

    def _q(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}"

    def _shape(self, schema: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """``deref`` and ``schema_kind`` of a sub-schema, worked out once per sub-schema of this
        codec's schema (which does not change) rather than once per element. An empty schema,
        which callers make afresh, is not kept."""
        if not schema:
            return schema, "any"
        found = self._shapes.get(id(schema))
        if found is None:
            resolved = deref(self.schema, schema)
            found = self._shapes[id(schema)] = (schema, resolved, schema_kind(resolved))
        return found[1], found[2]

    # -- bytes ---------------------------------------------------------------------------

    def parse(self, data: bytes) -> etree._Element:
        """Hardened parse (no DTD, entities or network; size and depth limits), then the
        attribute limit and the expected root element."""
        element = load_xml(data, max_bytes=self.max_bytes)
        for node in element.iter(tag=etree.Element):
            for name, value in node.attrib.items():
                if len(value) > self.max_attribute_chars:
                    raise DocumentTooLarge(
                        N_("attribute {name!r} is {count} characters; the limit is {max_attribute_chars}", name=name, count=len(value), max_attribute_chars=self.max_attribute_chars),
                        path=self._tree_path(node), limit=self.max_attribute_chars,
                    )
        self._check_root(element)
        return element

    def _check_root(self, element: etree._Element) -> None:
        if element.tag != self._q(self.root):
            raise MalformedDocument(N_("root element is {tag!r}; expected {value}", tag=element.tag, value=self._q(self.root)), path="/")

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
        schema, kind = self._shape(schema)
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
            sub = entry_schema(schema)
            for key, item in value.items():
                child = etree.SubElement(element, self._q(ENTRY), {KEY: str(key)})
                self._fill(child, item, sub, f"{path}/{key}")
        elif kind == "array":
            if not isinstance(value, list | tuple):
                raise _violation(path, "expected an array")
            name = item_name(schema)
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
        self._check_root(element)
        return self._read(element, self.schema, "")

    def _children(self, element: etree._Element, path: str) -> list[etree._Element]:
        children = []
        text = element.text
        texty = bool(text) and not text.isspace()
        for child in element:
            tail = child.tail
            texty = texty or (bool(tail) and not tail.isspace())
            if not isinstance(child.tag, str):
                continue  # comments
            if not child.tag.startswith(self._prefix):
                raise _violation(f"{path}/{etree.QName(child).localname}", f"element {child.tag!r} is not in {self.namespace}")
            children.append(child)
        if texty:  # after the children: an element outside the namespace is the refusal named first
            raise _violation(path, "text is not allowed here, only elements")
        return children

    def _read(self, element: etree._Element, schema: dict[str, Any], path: str) -> Any:
        schema, kind = self._shape(schema)
        if element.attrib:  # only an entry (of the namespace, as _children and the root check ensure) has one
            extra = set(element.attrib) - ({KEY} if element.tag == self._entry_tag else set())
            if extra:
                raise _violation(path, f"unexpected attribute(s) {', '.join(sorted(extra))}")
        if kind == "record":
            props = schema["properties"]
            out: dict[str, Any] = {}
            start = len(self._prefix)
            for child in self._children(element, path):
                name = child.tag[start:]
                if name not in props:
                    raise _violation(f"{path}/{name}", "element not in the schema")
                if name in out:
                    raise _violation(f"{path}/{name}", "element appears more than once")
                out[name] = self._read(child, props[name], f"{path}/{name}")
            return {k: out[k] for k in props if k in out}
        if kind == "map":
            sub = entry_schema(schema)
            out = {}
            for child in self._children(element, path):
                if child.tag != self._entry_tag or KEY not in child.attrib:
                    raise _violation(f"{path}/{etree.QName(child).localname}", f"expected <{ENTRY} {KEY}=...> elements")
                key = child.attrib[KEY]
                if key in out:
                    raise _violation(f"{path}/{key}", "key appears more than once")
                out[key] = self._read(child, sub, f"{path}/{key}")
            return out
        if kind == "array":
            name = item_name(schema)
            tag = self._q(name)
            items = []
            for n, child in enumerate(self._children(element, path)):
                if child.tag != tag:
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
            if not INTEGER.match(value):
                raise _violation(path, f"expected an integer, got {value!r:.40}")
            return read_number(value, path)
        if not DECIMAL.match(value):
            raise _violation(path, f"expected a decimal number, got {value!r:.40}")
        # The JSON twin's number rule: a number reads the same from either rendering.
        return read_number(value, path)

    def xsd(self) -> bytes:
        return xsd_from_json_schema(self.schema, self.root, self.namespace)


def in_schema_order(tree: Any, schema: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    """``tree`` with every object's members in the order of the schema's ``properties``
    (what XML writes anyway), so emitted JSON reads like the specification."""
    root = root if root is not None else schema
    schema = deref(root, schema)
    if isinstance(tree, dict) and "properties" in schema:
        props = schema["properties"]
        return {k: in_schema_order(tree[k], props[k], root) for k in props if k in tree} | {
            k: v for k, v in tree.items() if k not in props
        }
    if isinstance(tree, list) and isinstance(schema.get("items"), dict):
        return [in_schema_order(item, schema["items"], root) for item in tree]
    return tree


# -- a format that is the XML twin of a JSON format ------------------------------------------


class XmlRendering(XmlFormat):
    """The XML rendering of a JSON format: same schema, same mapping, XML on the wire.

    Reading: hardened parse, XSD validation (``validate``), XML -> native tree, JSON Schema
    validation of that tree, then the JSON format's mapping. Writing: the JSON format's
    mapping and validation of its tree, then the tree -> XML (XSD validation on the way out
    is ``validate`` again). Both JSON validations are as lenient with identifiers as the JSON
    format's own reading and writing. Construct one per format and register it."""

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
        self.border = json_format.border
        self.validates_identifiers = json_format.validates_identifiers
        self.namespace = namespace
        self.root = root
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
        with signature_set_aside(native) as signature:
            tree = self.codec.from_xml(native)
        # The tree is validated here, where it is made, as leniently as the JSON format's own
        # reading: a wrong check character under identifier_checks=warn is a warning, not a refusal.
        report = TranslationReport()
        self.json_format.validate_into(tree, self.lenient_identifiers(options), report)
        decl, leg = self.json_format.to_canonical(tree, options)
        report.extend(leg)
        if signature is not None:
            report.dropped("/Signature", None, "enveloped XML signature: it signs this XML document's bytes only, so no "
                           "translation can carry it (check it with `fpgw verify`; a translation states its origin "
                           "in a 'translated' attestation)")
        return decl, report

    def from_canonical(self, decl: Declaration, options: TranslateOptions, *,
                       data: dict[str, Any] | None = None) -> tuple[etree._Element, TranslationReport]:
        tree, report = self.json_format.from_canonical(decl, options, data=data)
        # The JSON format's checks beyond its schema (the regional format's check characters) are
        # not in the XSD: they run on the tree, as writing the JSON format runs them.
        self.json_format.validate_into(tree, options.writes_leniently, report)
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
