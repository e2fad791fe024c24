"""The one surface every format offers (DESIGN §5) and the JSON/XML plumbing they share."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cached_property
from importlib import resources
from typing import Any, ClassVar, Protocol

import jsonschema_rs
from lxml import etree

from gateway.core.errors import FieldViolation, InvalidIdentifier, SchemaViolation
from gateway.core import schema_text
from gateway.core.i18n import N_
from gateway.core.model import Declaration, declaration_from_data, declaration_to_data
from gateway.core.parsing import dump_json, load_json, load_xml
from gateway.core.report import TranslationReport
from mappings.options import IdentifierChecks, TranslateOptions

MAX_REPORTED_VIOLATIONS = 20
# How a wrong check character taken leniently is named in the report.
IDENTIFIER_RULE = "identifier check character"


class FamilyMapping(Protocol):
    """The two mapping steps of a format family, the same signatures for every family.

    A family's ``mapping.py`` module with these two functions is one; a family whose
    versions share one mapping with different settings (PACT) makes one object per version.
    Each step adds what it converted, defaulted, dropped or could not represent to ``report``.
    """

    def to_canonical(self, native: Any, options: TranslateOptions, report: TranslationReport) -> Declaration:
        """Native tree (already validated) to the canonical declaration."""

    def from_canonical(self, decl: Declaration, options: TranslateOptions, report: TranslationReport, data: dict[str, Any]) -> Any:
        """Canonical declaration to a native tree (validated by the caller); ``data`` is its data
        form (:func:`declaration_to_data`), made once per write for whichever step needs it."""


class Format(ABC):
    """A registered format: the class attributes, the codec steps and its :class:`FamilyMapping`.

    ``to_canonical`` / ``from_canonical`` are the same for every format: a fresh report per
    leg, filled by the family's mapping. A subclass only names its ``mapping``.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    media_type: ClassVar[str]
    syntax: ClassVar[str]  # "json" or "xml"
    spec_version: ClassVar[str]
    mapping_version: ClassVar[str] = "1"
    schema_ref: ClassVar[str] = ""  # what `validate` checks against, for `fpgw formats`
    # Lenient at the border, strict in the register, one flag for both: a document of any format
    # but the regional one is read at the border, where a wrong identifier check digit (unless the
    # caller asks for strict checks) and totals that disagree with their parts are report
    # warnings; the regional format sets it False and refuses them.
    border: ClassVar[bool] = True
    # Whether ``validate`` itself refuses, with the document's own paths, a wrong check character
    # in every identifier its reading gives the model: strict reading then checks them once.
    validates_identifiers: ClassVar[bool] = False
    mapping: FamilyMapping

    @abstractmethod
    def detect(self, data: bytes) -> bool:
        """Cheap sniff: do these bytes look like this format (no full parse)?"""

    @abstractmethod
    def parse(self, data: bytes) -> Any:
        """Hardened parse into the native tree."""

    @abstractmethod
    def validate(self, native: Any) -> None:
        """Raise :class:`SchemaViolation` (with paths) unless the native tree is valid."""

    def lenient_identifiers(self, options: TranslateOptions) -> bool:
        """Whether reading with ``options`` takes a wrong identifier check character as a warning."""
        if options.identifier_checks is not None:
            return options.identifier_checks == IdentifierChecks.WARN
        return self.border

    def validate_into(self, native: Any, lenient: bool, report: TranslationReport) -> None:
        """:meth:`validate`; with ``lenient`` identifier checks, a refusal for identifiers only
        becomes warnings in ``report`` (any other broken rule still refuses)."""
        try:
            self.validate(native)
        except InvalidIdentifier as exc:
            if not lenient:
                raise
            for v in exc.violations or (FieldViolation(exc.path or "/", exc.message),):
                report.warning(v.path, f"{IDENTIFIER_RULE}: {v.message}")

    def to_canonical(self, native: Any, options: TranslateOptions) -> tuple[Declaration, TranslationReport]:
        """Native tree to the canonical declaration, reporting what changed on the way."""
        report = TranslationReport()
        return self.mapping.to_canonical(native, options, report), report

    def from_canonical(self, decl: Declaration, options: TranslateOptions, *,
                       data: dict[str, Any] | None = None) -> tuple[Any, TranslationReport]:
        """Canonical declaration to a native tree, reporting what the format cannot hold. ``data``,
        when given, is ``declaration_to_data(decl)`` already made (by :func:`mappings.supply.supply`):
        the model writer then runs once per write, not once per step that needs the data form."""
        report = TranslationReport()
        if data is None:
            data = declaration_to_data(decl)
        return self.mapping.from_canonical(decl, options, report, data), report

    @abstractmethod
    def emit(self, native: Any) -> bytes:
        """Serialise the native tree."""

    def describe(self) -> dict[str, str]:
        return {
            "id": self.id,
            "title": self.title,
            "mediaType": self.media_type,
            "specVersion": self.spec_version,
            "mappingVersion": self.mapping_version,
            "schema": self.schema_ref,
        }


def declaration_of(format_id: str, data: dict[str, Any]) -> Declaration:
    """The declaration a mapping built from ``format_id``'s document, with a refusal that says
    the document (not the caller's canonical data) is what breaks the model."""
    try:
        return declaration_from_data(data)
    except SchemaViolation as exc:
        raise SchemaViolation(
            N_("{format_id} document does not make a valid declaration: {message}", format_id=format_id, message=exc.text), path=exc.path,
            violations=exc.violations, format=format_id,
        ) from None


def unique(values: Iterable[Any]) -> list[Any]:
    """``values`` without repeats, first occurrence kept; one hash lookup per value, so linear
    in the list (a list's ``in`` would make it quadratic). Equal values are equal JSON-like
    trees: objects compare by content whatever their member order, as ``==`` does."""
    seen: set[Any] = set()
    out = []
    for value in values:
        key = _content_key(value)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _content_key(value: Any) -> Any:
    # Hashable, and equal exactly when the JSON-like values are: objects become sets of members.
    if isinstance(value, dict):
        return frozenset((k, _content_key(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_content_key(v) for v in value)
    return value


def json_violations(validator: Any, instance: Any) -> list[FieldViolation]:
    out = []
    for error in validator.iter_errors(instance):
        path = "/" + "/".join(str(p) for p in error.instance_path)
        out.append(FieldViolation(path, schema_text.marked(error.message)))
        if len(out) >= MAX_REPORTED_VIOLATIONS:
            break
    return out


def raise_violations(format_id: str, violations: list[FieldViolation]) -> None:
    if violations:
        first = violations[0]
        raise SchemaViolation(
            N_("{format_id}: {count} schema violation(s); first at {path}: {message}", format_id=format_id, count=len(violations), path=first.path, message=first.text),
            path=first.path,
            violations=violations,
            format=format_id,
        )


class JsonFormat(Format, ABC):
    """JSON formats: strict parse, compiled JSON Schema validation, exact Decimal output."""

    syntax = "json"
    schema_package: ClassVar[str]
    schema_file: ClassVar[str]
    # Member names (with their quotes) that all appear in a document of this format.
    markers: ClassVar[tuple[bytes, ...]] = ()

    def detect(self, data: bytes) -> bool:
        """A JSON object holding every one of :attr:`markers`; override for subtler rules."""
        return bool(self.markers) and data[:64].lstrip().startswith(b"{") and all(m in data for m in self.markers)

    @cached_property
    def schema(self) -> dict[str, Any]:
        return json.loads(resources.files(self.schema_package).joinpath(self.schema_file).read_text("utf-8"))

    @cached_property
    def validator(self) -> Any:
        return jsonschema_rs.validator_for(self.schema)

    def parse(self, data: bytes) -> Any:
        return load_json(data)

    def validate(self, native: Any) -> None:
        if not self.validator.is_valid(native):
            raise_violations(self.id, json_violations(self.validator, native))

    def emit(self, native: Any) -> bytes:
        return dump_json(native)


XMLDSIG_SIGNATURE = "{http://www.w3.org/2000/09/xmldsig#}Signature"


def enveloped_signature(root: etree._Element) -> etree._Element | None:
    """The enveloped XML signature of a signed document (``fpgw sign --xml``, the Sign RPC):
    a ``ds:Signature`` as the root's last element child, else ``None``."""
    for child in reversed(root):
        if isinstance(child.tag, str):
            return child if child.tag == XMLDSIG_SIGNATURE else None
    return None


@contextmanager
def signature_set_aside(root: etree._Element) -> Iterator[etree._Element | None]:
    """The document without its enveloped signature for the duration (the format's XSD does
    not know ``ds:Signature``), put back where it was afterwards; yields the signature."""
    signature = enveloped_signature(root)
    if signature is None:
        yield None
        return
    index, tail = root.index(signature), signature.tail
    root.remove(signature)
    try:
        yield signature
    finally:
        signature.tail = tail
        root.insert(index, signature)


class XmlFormat(Format, ABC):
    """XML formats: hardened parse, XSD validation, UTF-8 output with a declaration.

    A signed document (an enveloped ``ds:Signature`` last in the root) is the document plus its
    signature: it validates as the document; checking the signature is ``fpgw verify``'s job."""

    syntax = "xml"
    namespace: ClassVar[str]
    root: ClassVar[str]  # local name of the document element
    xsd_package: ClassVar[str]
    xsd_file: ClassVar[str]

    @cached_property
    def xml_schema(self) -> etree.XMLSchema:
        path = resources.files(self.xsd_package).joinpath(self.xsd_file)
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return etree.XMLSchema(etree.fromstring(path.read_bytes(), parser=parser))

    def detect(self, data: bytes) -> bool:
        head = data[:2048]
        return head.lstrip().startswith(b"<") and self.namespace.encode() in head

    def parse(self, data: bytes) -> etree._Element:
        return load_xml(data)

    def validate(self, native: etree._Element) -> None:
        schema = self.xml_schema
        with signature_set_aside(native):
            if schema.validate(native):
                return
        violations = [
            FieldViolation(e.path or f"line {e.line}", e.message) for e in list(schema.error_log)[:MAX_REPORTED_VIOLATIONS]
        ]
        raise_violations(self.id, violations)

    def emit(self, native: etree._Element) -> bytes:
        return etree.tostring(native, xml_declaration=True, encoding="UTF-8", pretty_print=True)
